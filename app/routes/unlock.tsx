import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { unlockLogin } from "../domain.server.ts";
import { CsrfInput } from "../components/csrf-input.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { clientIp } from "../utils/auth.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

const schema = z.object({ token: z.string({ error: "form.required" }).min(1, "form.required").max(200) });

// @public The one-time token mailed to the account's owner is the proof of who is asking.
export function loader({ request }: LoaderFunctionArgs) {
  if (!new URL(request.url).searchParams.get("token")) throw redirect("/login");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  try {
    await unlockLogin({
      db: context.services.database.prisma,
      token: parsed.value.token,
      ip: clientIp(request, context),
    });
    return redirect("/login?unlocked=1");
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
}

export default function Unlock() {
  const failure = useActionData<FailureLike>();
  const t = useT();
  const [params] = useSearchParams();
  return (
    <section className="form-page panel">
      <h1>{t("unlock.title")}</h1>
      <p className="muted">{t("unlock.lead")}</p>
      <FormAlert failure={failure} />
      <Form method="post" className="stack">
        <CsrfInput />
        <input type="hidden" name="token" value={params.get("token") ?? ""} />
        <button type="submit" className="button">
          {t("unlock.submit")}
        </button>
      </Form>
    </section>
  );
}
