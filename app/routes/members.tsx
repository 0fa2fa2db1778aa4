import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { createInvitation, listManagedOrganisations } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, requireUser } from "../utils/auth.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

// Owners and admins of an organisation; listManagedOrganisations and createInvitation check it.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const orgs = await domainCall(() =>
    listManagedOrganisations({ db: context.services.database.prisma, actor: current.actor }),
  );
  return {
    orgs: orgs.map((org) => ({
      ...org,
      members: org.members.map((m) => ({ ...m, since: m.since.toISOString() })),
      pendingInvitations: org.pendingInvitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() })),
    })),
  };
}

const schema = z.object({
  organisationId: z.string().min(1, "form.required"),
  email: z.string({ error: "form.required" }).trim().min(1, "form.required").max(254, "errors.emailInvalid"),
  role: z.enum(["admin", "member"], { error: "form.required" }),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    const invitation = await createInvitation({
      db: context.services.database.prisma,
      actor: current.actor,
      organisationId: parsed.value.organisationId,
      email: parsed.value.email,
      role: parsed.value.role,
      ip: clientIp(request, context),
    });
    return { ok: true as const, email: invitation.email };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function Members() {
  const { orgs } = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; email: string }>();
  // A failure carries ok: false too: only ok === true is a sent invitation.
  const sent = result && "ok" in result && result.ok === true ? (result as { ok: true; email: string }) : undefined;
  const failure = sent ? undefined : (result as FailureLike | undefined);
  const t = useT();
  return (
    <>
      <h1>{t("members.title")}</h1>
      {sent ? (
        <div className="alert success" role="status">
          {t("members.invited", { email: sent.email })}
        </div>
      ) : null}
      {orgs.map((org) => (
        <section className="panel" key={org.id} aria-labelledby={`org-${org.id}`}>
          <h2 id={`org-${org.id}`}>
            {org.name} <span className="badge">{t(`orgType.${org.type}`)}</span>
          </h2>
          <h3>{t("members.list")}</h3>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("members.name")}</th>
                  <th scope="col">{t("members.email")}</th>
                  <th scope="col">{t("members.role")}</th>
                </tr>
              </thead>
              <tbody>
                {org.members.map((m) => (
                  <tr key={m.userId}>
                    <td>{m.name}</td>
                    <td>{m.email}</td>
                    <td>{t(`membershipRole.${m.role}`)}</td>
                  </tr>
                ))}
                {org.pendingInvitations.map((i) => (
                  <tr key={i.id} className="muted">
                    <td>{t("members.pending")}</td>
                    <td>{i.email}</td>
                    <td>
                      {t(`membershipRole.${i.role}`)} · {t("members.expires")} <DateTime value={i.expiresAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t("members.invite")}</h3>
          <FormAlert failure={failure} />
          <Form method="post" className="stack" noValidate>
            <CsrfInput />
            <input type="hidden" name="organisationId" value={org.id} />
            <Field name="email" type="email" label={t("members.inviteEmail")} failure={failure} required />
            <Field name="role" label={t("members.inviteRole")} failure={failure}>
              <select id="field-role" name="role" defaultValue="member">
                <option value="member">{t("membershipRole.member")}</option>
                <option value="admin">{t("membershipRole.admin")}</option>
              </select>
            </Field>
            <button type="submit" className="button">
              {t("members.inviteSubmit")}
            </button>
          </Form>
        </section>
      ))}
    </>
  );
}
