import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLocale } from "../i18n/index.ts";
import { readForm } from "../utils/csrf.server.ts";
import { localeCookie } from "../utils/locale.server.ts";
import { safeRedirectPath } from "../utils/redirect.ts";

// @public Anyone may switch the language; the form is CSRF-protected like every other.
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context);
  const locale = form.get("locale");
  const next = safeRedirectPath(form.get("next"));
  if (!isLocale(locale)) return redirect(next);
  return redirect(next, { headers: { "Set-Cookie": localeCookie(context, locale) } });
}

export function loader() {
  return redirect("/");
}
