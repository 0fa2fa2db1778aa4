import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  createInvitation,
  createPlatformOrganisation,
  listPlatformOrganisations,
  listZones,
} from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, requirePermission } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

/**
 * Platform admins add the organisations nobody signs up as — the platform's own (平台运营方) and
 * each zone's administration (高新区管委会) — and invite their first admin.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "manage:organisation:any");
  const db = context.services.database.prisma;
  const [organisations, zones] = await Promise.all([listPlatformOrganisations({ db }), listZones({ db })]);
  return {
    zones,
    organisations: organisations.map(({ _count, ...org }) => ({ ...org, members: _count.memberships })),
  };
}

const required = { error: "form.required" };
const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z.string(required).trim().min(1, "form.required"),
    type: z.enum(["platform", "zone_administration"], required),
    zoneId: z.string(required).min(1, "form.required"),
    creditCode: z.string(required).trim().min(1, "form.required"),
  }),
  z.object({
    intent: z.literal("invite"),
    organisationId: z.string(required).min(1, "form.required"),
    email: z.string(required).trim().min(1, "form.required"),
  }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requirePermission(request, context, "manage:organisation:any");
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const db = context.services.database.prisma;
  const ip = clientIp(request, context);
  const { value } = parsed;
  try {
    if (value.intent === "create") {
      const { intent: _intent, ...input } = value;
      const org = await createPlatformOrganisation({ db, actor: current.actor, ...input, ip });
      return { ok: true as const, intent: "create" as const, name: input.name, referenceCode: org.referenceCode };
    }
    // Owners are made by transfer, so the first member is invited as an admin of the organisation.
    await createInvitation({
      db,
      actor: current.actor,
      organisationId: value.organisationId,
      email: value.email,
      role: "admin",
      ip,
    });
    return { ok: true as const, intent: "invite" as const, email: value.email };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

type Done =
  { ok: true; intent: "create"; name: string; referenceCode: string } | { ok: true; intent: "invite"; email: string };

export default function AdminOrganisations() {
  const { organisations, zones } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | Done>();
  const done = result && "ok" in result ? (result as Done) : undefined;
  const failure = done ? undefined : (result as FailureLike | undefined);
  const failedIntent = failure?.values?.intent;
  const t = useT();
  const locale = useLocale();
  const zoneName = (zone: { nameZh: string; nameEn: string }) => (locale === "en" ? zone.nameEn : zone.nameZh);
  return (
    <>
      <h1>{t("platformSetup.orgs.title")}</h1>
      <p className="muted">{t("platformSetup.orgs.lead")}</p>
      {done?.intent === "create" ? (
        <div className="alert success" role="status">
          {t("platformSetup.orgs.created", { name: done.name, referenceCode: done.referenceCode })}
        </div>
      ) : null}
      {done?.intent === "invite" ? (
        <div className="alert success" role="status">
          {t("members.invited", { email: done.email })}
        </div>
      ) : null}
      {failedIntent === "invite" ? <FormAlert failure={failure} /> : null}
      {organisations.length === 0 ? (
        <div className="empty">{t("platformSetup.orgs.empty")}</div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("platformSetup.orgs.name")}</th>
                <th scope="col">{t("platformSetup.orgs.type")}</th>
                <th scope="col">{t("platformSetup.orgs.zone")}</th>
                <th scope="col">{t("platformSetup.orgs.members")}</th>
                <th scope="col">{t("platformSetup.orgs.invite")}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((org) => (
                <tr key={org.id}>
                  <td>
                    {org.name}
                    <br />
                    <span className="small muted">
                      {org.creditCode} · {org.referenceCode}
                    </span>
                  </td>
                  <td>{t(`orgType.${org.type}`)}</td>
                  <td>{zoneName(org.zone)}</td>
                  <td>{org.members}</td>
                  <td>
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="intent" value="invite" />
                      <input type="hidden" name="organisationId" value={org.id} />
                      <label className="visually-hidden" htmlFor={`invite-${org.id}`}>
                        {t("platformSetup.orgs.inviteEmail", { name: org.name })}
                      </label>
                      <input id={`invite-${org.id}`} name="email" type="email" required />
                      <button type="submit" className="button secondary small">
                        {t("platformSetup.orgs.inviteSubmit")}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel" aria-labelledby="new-org">
        <h2 id="new-org">{t("platformSetup.orgs.new")}</h2>
        {zones.length === 0 ? (
          <p>
            <Link to="/admin/zones">{t("platformSetup.orgs.noZones")}</Link>
          </p>
        ) : (
          <>
            {failedIntent === "create" ? <FormAlert failure={failure} /> : null}
            <Form method="post" className="stack" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="create" />
              <Field name="name" label={t("platformSetup.orgs.name")} failure={failure} required />
              <Field name="type" label={t("platformSetup.orgs.type")} failure={failure}>
                <select id="field-type" name="type" defaultValue="zone_administration">
                  <option value="zone_administration">{t("orgType.zone_administration")}</option>
                  <option value="platform">{t("orgType.platform")}</option>
                </select>
              </Field>
              <Field name="zoneId" label={t("platformSetup.orgs.zone")} failure={failure}>
                <select id="field-zoneId" name="zoneId">
                  {zones.map((zone) => (
                    <option key={zone.id} value={zone.id}>
                      {zoneName(zone)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field name="creditCode" label={t("platformSetup.orgs.creditCode")} failure={failure} required />
              <button type="submit" className="button">
                {t("platformSetup.orgs.submit")}
              </button>
            </Form>
          </>
        )}
      </section>
    </>
  );
}
