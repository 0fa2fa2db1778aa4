import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { requestPasswordReset } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";
import { getLocale } from "../utils/locale.server.ts";

const schema = z.object({
  email: z.string({ error: "form.required" }).trim().min(1, "form.required").max(254, "errors.emailInvalid"),
});

// @public Anyone may ask; the answer is the same whether or not the email is registered.
export function loader(_args: LoaderFunctionArgs) {
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await requestPasswordReset({
      db: context.services.database.prisma,
      email: parsed.value.email,
      ip: clientIp(request, context),
      locale: getLocale(request),
    });
    return { ok: true as const };
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function ForgotPassword() {
  const result = useActionData<FailureLike | { ok: true }>();
  const t = useT();
  // A failure carries ok: false too.
  const sent = result && "ok" in result && result.ok === true;
  const failure = sent ? undefined : (result as FailureLike | undefined);
  return (
    <section className="form-page panel">
      <h1>{t("forgot.title")}</h1>
      {sent ? (
        <div className="alert success" role="status">
          {t("forgot.sent")}
        </div>
      ) : (
        <>
          <p className="muted">{t("forgot.lead")}</p>
          <FormAlert failure={failure} />
          <Form method="post" className="stack" noValidate>
            <CsrfInput />
            <Field
              name="email"
              type="email"
              label={t("forgot.email")}
              autoComplete="email"
              failure={failure}
              required
            />
            <button type="submit" className="button">
              {t("forgot.submit")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}
