import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { SELF_DECLARED_ROLES, SELF_SERVICE_ORG_TYPES } from "#domain/identity/constants.ts";
import { signUp } from "../domain.server.ts";
import { listZones } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, getOptionalUser, sessionCookie } from "../utils/auth.server.ts";
import { csrfCookieFor } from "../utils/csrf.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

const base = {
  name: z.string({ error: "form.required" }).trim().min(1, "form.required").max(100),
  email: z.string({ error: "form.required" }).trim().min(1, "form.required").max(254, "errors.emailInvalid"),
  password: z.string({ error: "form.required" }).min(1, "form.required"),
  roles: z.array(z.enum(SELF_DECLARED_ROLES)).optional(),
  brokerCredentialNo: z.string().trim().optional(),
};
const schema = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("create"),
    ...base,
    orgName: z.string({ error: "form.required" }).trim().min(1, "form.required").max(200),
    orgType: z.enum(SELF_SERVICE_ORG_TYPES, { error: "form.required" }),
    creditCode: z.string({ error: "form.required" }).trim().min(1, "form.required"),
    zoneId: z.string({ error: "form.required" }).min(1, "form.required"),
  }),
  z.object({
    mode: z.literal("join"),
    ...base,
    invitationToken: z.string({ error: "form.required" }).trim().min(1, "form.required"),
  }),
]);

// @public Anyone may sign up; what they may create is limited in domain/identity/signup.ts.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getOptionalUser(request, context)) throw redirect("/dashboard");
  return { zones: await listZones({ db: context.services.database.prisma }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  try {
    const result = await signUp({
      db: context.services.database.prisma,
      email: v.email,
      name: v.name,
      password: v.password,
      personalRoles: v.roles ?? [],
      brokerCredentialNo: v.brokerCredentialNo || undefined,
      organisation:
        v.mode === "create"
          ? { create: { name: v.orgName, type: v.orgType, creditCode: v.creditCode, zoneId: v.zoneId } }
          : { invitationToken: v.invitationToken },
      ip: clientIp(request, context),
      userAgent: request.headers.get("user-agent"),
    });
    // The same answer whether or not the email has an account (ADR 0022).
    if (result.kind === "verification_sent") return { sent: true as const, email: result.email };
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(context, result.token));
    headers.append("Set-Cookie", csrfCookieFor(context, result.csrfSecret)); // a new session, a new token
    return redirect("/dashboard", { headers });
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function SignUp() {
  const { zones } = useLoaderData<typeof loader>();
  const data = useActionData<FailureLike | { sent: true; email: string }>();
  const failure = data && "sent" in data ? undefined : data;
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const initialMode = (failure?.values?.mode as string | undefined) ?? (params.get("invitation") ? "join" : "create");
  const [mode, setMode] = useState(initialMode);
  if (data && "sent" in data) {
    return (
      <section className="form-page panel">
        <h1>{t("signup.sentTitle")}</h1>
        <div className="alert success" role="status">
          {t("signup.sent", { email: data.email })}
        </div>
        <p className="muted">{t("signup.sentHint")}</p>
      </section>
    );
  }
  const chosenRoles = new Set(([] as unknown[]).concat(failure?.values?.roles ?? []).map(String));
  return (
    <section className="form-page panel">
      <h1>{t("signup.title")}</h1>
      <p className="muted">{t("signup.lead")}</p>
      <FormAlert failure={failure} />
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        <fieldset className="field">
          <legend>{t("signup.mode")}</legend>
          {(["create", "join"] as const).map((m) => (
            <label className="choice" key={m}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {t(`signup.mode.${m}`)}
            </label>
          ))}
        </fieldset>
        <Field name="name" label={t("signup.name")} autoComplete="name" failure={failure} required />
        <Field name="email" type="email" label={t("signup.email")} autoComplete="email" failure={failure} required />
        <Field
          name="password"
          type="password"
          label={t("signup.password")}
          hint={t("signup.passwordHint")}
          autoComplete="new-password"
          failure={failure}
          required
        />
        {/* Without JavaScript both groups show; the chosen mode decides which one is read. */}
        <fieldset className="field" hidden={mode !== "create"}>
          <legend>{t("signup.mode.create")}</legend>
          <Field name="orgName" label={t("signup.orgName")} autoComplete="organization" failure={failure} />
          <Field name="orgType" label={t("signup.orgType")} failure={failure}>
            <select id="field-orgType" name="orgType" defaultValue={String(failure?.values?.orgType ?? "enterprise")}>
              {SELF_SERVICE_ORG_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`orgType.${type}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="creditCode" label={t("signup.creditCode")} hint={t("signup.creditCodeHint")} failure={failure} />
          <Field name="zoneId" label={t("signup.zone")} failure={failure}>
            <select
              id="field-zoneId"
              name="zoneId"
              defaultValue={String(failure?.values?.zoneId ?? zones[0]?.id ?? "")}
            >
              {zones.map((zone) => (
                <option key={zone.id} value={zone.id}>
                  {locale === "en" ? zone.nameEn : zone.nameZh}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset className="field" hidden={mode !== "join"}>
          <legend>{t("signup.mode.join")}</legend>
          <Field
            name="invitationToken"
            label={t("signup.invitationToken")}
            hint={t("signup.invitationHint")}
            defaultValue={params.get("invitation") ?? ""}
            failure={failure}
          />
        </fieldset>
        <fieldset className="field">
          <legend>{t("signup.roles")}</legend>
          {SELF_DECLARED_ROLES.map((role) => (
            <label className="choice" key={role}>
              <input type="checkbox" name="roles" value={role} defaultChecked={chosenRoles.has(role)} />
              {t(`personalRole.${role}`)}
            </label>
          ))}
        </fieldset>
        <Field name="brokerCredentialNo" label={t("signup.brokerCredential")} failure={failure} />
        <button type="submit" className="button">
          {t("signup.submit")}
        </button>
      </Form>
      <p className="muted">
        {t("signup.haveAccount")} <Link to="/login">{t("nav.login")}</Link>
      </p>
    </section>
  );
}
