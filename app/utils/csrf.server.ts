import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { cookieSecurity, readCookie, serializeCookie } from "./cookies.server.ts";
import { getTranslator } from "./locale.server.ts";

/**
 * Signed double-submit CSRF tokens: a random value signed with the server secret sits in an
 * HttpOnly `__Host-` cookie, and every mutating form carries the same value in a hidden field
 * (app/components/csrf-input.tsx). `readForm` checks it before an action reads anything else.
 * Together with SameSite=Lax session cookies and the Origin check in server/app.ts.
 */
export const CSRF_FIELD = "csrf";
const COOKIE = "jb_csrf";

function sign(value: string, secret: string): string {
  return crypto.createHmac("sha256", secret).update(value).digest("base64url");
}

function secretOf(context: AppLoadContext): string {
  return context.services.csrfSecret;
}

function isValid(token: string | undefined, secret: string): token is string {
  if (!token) return false;
  const [value, mac] = token.split(".");
  if (!value || !mac) return false;
  const expected = Buffer.from(sign(value, secret));
  const actual = Buffer.from(mac);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/** The token for this request's forms, and a Set-Cookie header when a new one was made. */
export function getCsrfToken(request: Request, context: AppLoadContext): { token: string; setCookie?: string } {
  const security = cookieSecurity(context);
  const existing = readCookie(request, security.name(COOKIE));
  if (isValid(existing, secretOf(context))) return { token: existing };
  const value = crypto.randomBytes(24).toString("base64url");
  const token = `${value}.${sign(value, secretOf(context))}`;
  return { token, setCookie: serializeCookie(security.name(COOKIE), token, { secure: security.secure }) };
}

export async function readForm(request: Request, context: AppLoadContext): Promise<FormData> {
  const form = await request.formData();
  const security = cookieSecurity(context);
  const cookieToken = readCookie(request, security.name(COOKIE));
  const formToken = form.get(CSRF_FIELD);
  const ok =
    typeof formToken === "string" &&
    isValid(cookieToken, secretOf(context)) &&
    cookieToken.length === formToken.length &&
    crypto.timingSafeEqual(Buffer.from(cookieToken), Buffer.from(formToken));
  if (!ok) {
    const t = getTranslator(request);
    throw new Response(t("errors.csrf"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return form;
}
