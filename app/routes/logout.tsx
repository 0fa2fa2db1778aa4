import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "../domain.server.ts";
import { clearSessionCookie, clientIp, currentSessionToken } from "../utils/auth.server.ts";
import { csrfCookieFor, readForm } from "../utils/csrf.server.ts";

// @public Anyone may end their own session; the form is CSRF-protected so no other site can do it for them.
export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context);
  const token = currentSessionToken(request, context);
  if (token) await logout({ db: context.services.database.prisma, token, ip: clientIp(request, context) });
  const headers = new Headers();
  headers.append("Set-Cookie", clearSessionCookie(context));
  headers.append("Set-Cookie", csrfCookieFor(context, null));
  return redirect("/", { headers });
}

export function loader() {
  return redirect("/");
}
