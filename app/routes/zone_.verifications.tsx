import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listVerificationQueue, reviewBrokerProfile, reviewOrganisation } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, requirePermission } from "../utils/auth.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

/** Zone officers (platform admins: every zone) confirm self-registered organisations and broker credentials (ADR 0022). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requirePermission(request, context, "confirm:identity:zone");
  const queue = await domainCall(() =>
    listVerificationQueue({ db: context.services.database.prisma, actor: current.actor }),
  );
  return {
    organisations: queue.organisations.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
    brokers: queue.brokers.map((b) => ({ ...b, updatedAt: b.updatedAt.toISOString() })),
  };
}

const schema = z.object({
  kind: z.enum(["organisation", "broker"], { error: "form.required" }),
  id: z.string({ error: "form.required" }).min(1, "form.required").max(100),
  decision: z.enum(["confirm", "reject"], { error: "form.required" }),
  note: z.string().max(1000).optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "confirm:identity:zone");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  const common = {
    db: context.services.database.prisma,
    actor: current.actor,
    decision: v.decision,
    note: v.note,
    ip: clientIp(request, context),
  };
  try {
    if (v.kind === "organisation") await reviewOrganisation({ ...common, organisationId: v.id });
    else await reviewBrokerProfile({ ...common, brokerUserId: v.id });
    return { ok: true as const, decision: v.decision };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

function Decide({ kind, id }: { kind: "organisation" | "broker"; id: string }) {
  const t = useT();
  return (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <input
        type="text"
        name="note"
        maxLength={1000}
        aria-label={t("verifications.note")}
        placeholder={t("verifications.note")}
      />
      <button type="submit" name="decision" value="confirm" className="button small">
        {t("verifications.confirm")}
      </button>
      <button type="submit" name="decision" value="reject" className="button secondary small">
        {t("verifications.reject")}
      </button>
    </Form>
  );
}

export default function ZoneVerifications() {
  const { organisations, brokers } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; decision: string }>();
  const done = result && "ok" in result && result.ok === true ? (result as { ok: true; decision: string }) : undefined;
  const t = useT();
  return (
    <>
      <h1>{t("verifications.title")}</h1>
      <p className="muted">{t("verifications.lead")}</p>
      {done ? (
        <div className="alert success" role="status">
          {t(`verifications.done.${done.decision}`)}
        </div>
      ) : (
        <FormAlert failure={result as FailureLike | undefined} />
      )}
      <section className="panel" aria-labelledby="v-orgs">
        <h2 id="v-orgs">{t("verifications.organisations")}</h2>
        {organisations.length === 0 ? <div className="empty">{t("verifications.none")}</div> : null}
        <ul className="stack">
          {organisations.map((o) => (
            <li key={o.id}>
              <strong>{o.name}</strong> · {t(`orgType.${o.type}`)} · {t("verifications.creditCode")} {o.creditCode} ·{" "}
              {o.owners.map((u) => `${u.name} <${u.email}>`).join(", ")} · <DateTime value={o.createdAt} />
              <Decide kind="organisation" id={o.id} />
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="v-brokers">
        <h2 id="v-brokers">{t("verifications.brokers")}</h2>
        {brokers.length === 0 ? <div className="empty">{t("verifications.none")}</div> : null}
        <ul className="stack">
          {brokers.map((b) => (
            <li key={b.userId}>
              <strong>{b.name}</strong> &lt;{b.email}&gt; · {t("verifications.credential")} {b.credentialNumber} ·{" "}
              {t(`transfer.brokerLevel.${b.level}`)} · {b.fields.join("、")} · <DateTime value={b.updatedAt} />
              <Decide kind="broker" id={b.userId} />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
