import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "#domain/access/permissions.ts";
import { RELATION_KINDS } from "#domain/transfer/constants.ts";
import { declareRelation, relationsOf } from "../domain.server.ts";
import { Control } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import challengeStyles from "../styles/challenges.css";
import styles from "../styles/transfer.css";
import { requirePermission, requireUser } from "../utils/auth.server.ts";
import { db } from "../utils/challenges.server.ts";
import { percentBasisPoints } from "../utils/form-types.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: challengeStyles },
  { rel: "stylesheet", href: styles },
];

// Related parties (关联方): an organisation's managers declare its relations; deals between
// related organisations are flagged.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const mine = current.memberships
    .filter((m) => can(current.actor, "declare:relation:own", { organisationId: m.organisation.id }))
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name }));
  await requirePermission(request, context, "declare:relation:own", { organisationId: mine[0]?.id ?? "none" });
  const d = db(context);
  const [relations, others] = await Promise.all([
    Promise.all(mine.map((o) => relationsOf({ db: d, organisationId: o.id }))),
    d.organisation.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 1000 }),
  ]);
  const names = new Map(others.map((o) => [o.id, o.name]));
  const seen = new Set<string>();
  const rows = relations
    .flat()
    .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
    .map((r) => ({
      id: r.id,
      from: names.get(r.fromOrganisationId) ?? r.fromOrganisationId,
      to: names.get(r.toOrganisationId) ?? r.toOrganisationId,
      kind: r.kind,
      share: r.sharePercentBp === null ? null : (r.sharePercentBp / 100).toFixed(2),
      note: r.note ?? "",
    }));
  return { mine, others, rows };
}

const schema = z.object({
  fromOrganisationId: z.string({ error: "form.required" }),
  toOrganisationId: z.string({ error: "form.required" }),
  kind: z.enum(RELATION_KINDS),
  // "25", "25.5" or "25 %" → basis points; "1,2,3" and "2abc" are errors, not 1 % and 2 %.
  share: percentBasisPoints({ key: "errors.transfer.relationShare" }).optional(),
  note: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  try {
    await declareRelation({
      db: db(context),
      actor: current.actor,
      fromOrganisationId: v.fromOrganisationId,
      toOrganisationId: v.toOrganisationId,
      kind: v.kind,
      sharePercentBp: v.kind === "shareholding" ? (v.share ?? 0) : null,
      note: v.note,
    });
    return { ok: true as const };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function Relations() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true }>();
  const ok = result && "ok" in result && result.ok === true;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const t = useT();
  return (
    <>
      <p className="small">
        <Link to="/members">← {t("nav.members")}</Link>
      </p>
      <h1>{t("relations.title")}</h1>
      <p className="muted">{t("relations.lead")}</p>
      {ok ? (
        <div className="alert success" role="status">
          {t("relations.declared")}
        </div>
      ) : null}
      <section className="panel">
        {data.rows.length === 0 ? (
          <p className="muted">{t("relations.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="relations">
              <thead>
                <tr>
                  <th scope="col">{t("relations.from")}</th>
                  <th scope="col">{t("relations.kind")}</th>
                  <th scope="col">{t("relations.to")}</th>
                  <th scope="col">{t("relations.share")}</th>
                  <th scope="col">{t("relations.note")}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((r) => (
                  <tr key={r.id}>
                    <td>{r.from}</td>
                    <td>{t(`transfer.relation.${r.kind}`)}</td>
                    <td>{r.to}</td>
                    <td>{r.share ? `${r.share} %` : "—"}</td>
                    <td>{r.note || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel mt" aria-labelledby="declare-heading">
        <h2 id="declare-heading">{t("relations.declare")}</h2>
        <Form method="post" className="form-grid">
          <CsrfInput />
          <FormAlert failure={failure} />
          <Control
            id="r-from"
            name="fromOrganisationId"
            label={t("relations.from")}
            as="select"
            failure={failure}
            options={data.others.map((o) => ({ value: o.id, label: o.name }))}
            defaultValue={data.mine[0]?.id}
          />
          <Control
            id="r-kind"
            name="kind"
            label={t("relations.kind")}
            as="select"
            failure={failure}
            options={RELATION_KINDS.map((k) => ({ value: k, label: t(`transfer.relation.${k}`) }))}
          />
          <Control
            id="r-to"
            name="toOrganisationId"
            label={t("relations.to")}
            as="select"
            failure={failure}
            options={data.others.map((o) => ({ value: o.id, label: o.name }))}
          />
          <Control
            id="r-share"
            name="share"
            label={t("relations.shareLabel")}
            hint={t("relations.shareHint")}
            failure={failure}
          />
          <Control id="r-note" name="note" label={t("relations.note")} failure={failure} />
          <div className="actions">
            <button type="submit" className="button">
              {t("relations.submit")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
