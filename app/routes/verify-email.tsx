import { csrfCookieFor } from "../utils/csrf.server.ts";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { verifyEmail } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp, sessionCookie } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

const schema = z.object({ token: z.string({ error: "form.required" }).min(1, "form.required").max(200) });

// @public The one-time token mailed to the address is the proof of who is asking. The link opens
// a page with a button: mail scanners that fetch links must not verify anything by themselves.
export function loader({ request }: LoaderFunctionArgs) {
  if (!new URL(request.url).searchParams.get("token")) throw redirect("/login");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    const session = await verifyEmail({
      db: context.services.database.prisma,
      token: parsed.value.token,
      ip: clientIp(request, context),
      userAgent: request.headers.get("user-agent"),
    });
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(context, session.token));
    headers.append("Set-Cookie", csrfCookieFor(context, session.csrfSecret)); // a new session, a new token
    return redirect("/dashboard?verified=1", { headers });
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function VerifyEmail() {
  const failure = useActionData<FailureLike>();
  const t = useT();
  const [params] = useSearchParams();
  return (
    <section className="form-page panel">
      <h1>{t("verifyEmail.title")}</h1>
      <p className="muted">{t("verifyEmail.lead")}</p>
      <FormAlert failure={failure} />
      <Form method="post" className="stack">
        <CsrfInput />
        <input type="hidden" name="token" value={params.get("token") ?? ""} />
        <button type="submit" className="button">
          {t("verifyEmail.submit")}
        </button>
      </Form>
    </section>
  );
}
