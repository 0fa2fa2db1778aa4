import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { login } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, getOptionalUser, sessionCookie } from "../utils/auth.server.ts";
import { csrfCookieFor } from "../utils/csrf.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";
import { safeRedirectPath } from "../utils/redirect.ts";

const schema = z.object({
  email: z.string({ error: "form.required" }).trim().min(1, "form.required").max(254, "errors.emailInvalid"),
  password: z.string({ error: "form.required" }).min(1, "form.required"),
  next: z.string().optional(),
});

// @public Anyone may try to log in (rate limited per email and IP); a signed-in user goes straight on.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getOptionalUser(request, context)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("next"), "/dashboard"));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    const session = await login({
      db: context.services.database.prisma,
      email: parsed.value.email,
      password: parsed.value.password,
      ip: clientIp(request, context),
      userAgent: request.headers.get("user-agent"),
    });
    // A new session gets a new CSRF token: the one of the login page does not carry over.
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(context, session.token));
    headers.append("Set-Cookie", csrfCookieFor(context, session.csrfSecret));
    return redirect(safeRedirectPath(parsed.value.next, "/dashboard"), { headers });
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function Login() {
  const failure = useActionData<FailureLike>();
  const t = useT();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <section className="form-page panel">
      <h1>{t("login.title")}</h1>
      {params.get("reset") === "1" ? <div className="alert success">{t("login.resetDone")}</div> : null}
      {params.get("unlocked") === "1" ? <div className="alert success">{t("login.unlocked")}</div> : null}
      <FormAlert failure={failure} />
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        <input type="hidden" name="next" value={params.get("next") ?? ""} />
        <Field name="email" type="email" label={t("login.email")} autoComplete="username" failure={failure} required />
        <Field
          name="password"
          type="password"
          label={t("login.password")}
          autoComplete="current-password"
          failure={failure}
          required
        />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
      <p>
        <Link to="/forgot-password">{t("login.forgot")}</Link>
      </p>
      <p className="muted">
        {t("login.noAccount")} <Link to="/signup">{t("login.signupLink")}</Link>
      </p>
    </section>
  );
}
