import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { resetPassword } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { Field, FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

const schema = z
  .object({
    token: z.string({ error: "form.required" }).min(1, "form.required"),
    password: z.string({ error: "form.required" }).min(1, "form.required"),
    confirm: z.string({ error: "form.required" }).min(1, "form.required"),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "reset.mismatch" });

// @public The one-time token in the link is the proof of who is asking.
export function loader({ request }: LoaderFunctionArgs) {
  if (!new URL(request.url).searchParams.get("token")) throw redirect("/forgot-password");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await resetPassword({
      db: context.services.database.prisma,
      token: parsed.value.token,
      newPassword: parsed.value.password,
      ip: clientIp(request, context),
    });
    return redirect("/login?reset=1");
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function ResetPassword() {
  const failure = useActionData<FailureLike>();
  const [params] = useSearchParams();
  const t = useT();
  return (
    <section className="form-page panel">
      <h1>{t("reset.title")}</h1>
      <FormAlert failure={failure} />
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        <input type="hidden" name="token" value={params.get("token") ?? ""} />
        <Field
          name="password"
          type="password"
          label={t("reset.password")}
          hint={t("signup.passwordHint")}
          autoComplete="new-password"
          failure={failure}
          required
        />
        <Field
          name="confirm"
          type="password"
          label={t("reset.confirm")}
          autoComplete="new-password"
          failure={failure}
          required
        />
        <button type="submit" className="button">
          {t("reset.submit")}
        </button>
      </Form>
    </section>
  );
}
