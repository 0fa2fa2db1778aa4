import crypto from "node:crypto";
import { unstable_parseMultipartFormData, type AppLoadContext, type UploadHandler } from "@remix-run/node";
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

/**
 * How a multipart form (one with files) is read: every file is kept in memory up to `maxFileBytes`
 * + 1 bytes (the rest is drained, so the domain sees it is too large and says so, naming the
 * file), at most `maxFiles` files, text fields up to 256 KB each.
 */
export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

const MAX_TEXT_FIELD = 256 * 1024;

function boundedUploadHandler(limits: UploadLimits): UploadHandler {
  let files = 0;
  return async ({ name, filename, contentType, data }) => {
    const limit = filename === undefined ? MAX_TEXT_FIELD : limits.maxFileBytes + 1;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      if (size >= limit) continue; // drain
      const room = limit - size;
      chunks.push(chunk.byteLength > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.byteLength, room);
    }
    if (filename === undefined) return new TextDecoder().decode(Buffer.concat(chunks));
    if (!filename || size === 0 || ++files > limits.maxFiles || !name) return undefined;
    // The browser's Content-Type is kept only as given; the domain decides the type from the bytes.
    return new File([Buffer.concat(chunks)], filename, { type: contentType || "application/octet-stream" });
  };
}

export async function readForm(request: Request, context: AppLoadContext, uploads?: UploadLimits): Promise<FormData> {
  const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  const form =
    uploads && multipart
      ? await unstable_parseMultipartFormData(request, boundedUploadHandler(uploads))
      : await request.formData();
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
