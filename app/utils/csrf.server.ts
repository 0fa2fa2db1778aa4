import crypto from "node:crypto";
import { unstable_parseMultipartFormData, type AppLoadContext, type UploadHandler } from "@remix-run/node";
import { cookieSecurity, readCookie, serializeCookie } from "./cookies.server.ts";
import { getOptionalUser } from "./auth.server.ts";
import { getTranslator } from "./locale.server.ts";

/**
 * Signed double-submit CSRF tokens bound to the session: a random value, signed with a key derived
 * from the server secret and the session's own `csrfSecret` (or "anonymous"), sits in an HttpOnly
 * `__Host-` cookie, and every mutating form carries the same value in a hidden field
 * (app/components/csrf-input.tsx). `readForm` checks it before an action reads anything else. A
 * token made before login (or in another session) does not verify after it: login and logout
 * issue a fresh one (`csrfCookieFor`), and a form left open across them says "page expired,
 * reload". Together with SameSite=Lax session cookies and the origin checks of
 * server/request-guards.ts (ADR 0021).
 */
export const CSRF_FIELD = "csrf";
const COOKIE = "jb_csrf";
const ANONYMOUS = "anonymous";

function keyFor(context: AppLoadContext, sessionCsrfSecret: string | null): Buffer {
  return crypto
    .createHmac("sha256", context.services.csrfSecret)
    .update(`csrf:${sessionCsrfSecret ?? ANONYMOUS}`)
    .digest();
}

function sign(value: string, key: Buffer): string {
  return crypto.createHmac("sha256", key).update(value).digest("base64url");
}

function isValid(token: string | undefined, key: Buffer): token is string {
  if (!token) return false;
  const [value, mac, extra] = token.split(".");
  if (!value || !mac || extra !== undefined) return false;
  const expected = Buffer.from(sign(value, key));
  const actual = Buffer.from(mac);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

async function sessionKey(request: Request, context: AppLoadContext): Promise<Buffer> {
  const current = await getOptionalUser(request, context);
  return keyFor(context, current?.session.csrfSecret ?? null);
}

function newToken(key: Buffer): string {
  const value = crypto.randomBytes(24).toString("base64url");
  return `${value}.${sign(value, key)}`;
}

/**
 * A Set-Cookie header with a fresh token for the session that starts (its `csrfSecret`) or for
 * no session (null, after logout): the token of the page before does not carry over.
 */
export function csrfCookieFor(context: AppLoadContext, sessionCsrfSecret: string | null): string {
  const security = cookieSecurity(context);
  return serializeCookie(security.name(COOKIE), newToken(keyFor(context, sessionCsrfSecret)), {
    secure: security.secure,
  });
}

/** The token for this request's forms, and a Set-Cookie header when a new one was made. */
export async function getCsrfToken(
  request: Request,
  context: AppLoadContext,
): Promise<{ token: string; setCookie?: string }> {
  const security = cookieSecurity(context);
  const key = await sessionKey(request, context);
  const existing = readCookie(request, security.name(COOKIE));
  if (isValid(existing, key)) return { token: existing };
  const token = newToken(key);
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
  const t = getTranslator(request);
  const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  let form: FormData;
  try {
    form =
      uploads && multipart
        ? await unstable_parseMultipartFormData(request, boundedUploadHandler(uploads))
        : await request.formData();
  } catch (error) {
    // A body over the limit was already answered with 413 (server/remix-handler.ts).
    if (error instanceof Error && error.name === "BodyTooLargeError") throw error;
    throw new Response(t("errors.unreadableForm"), {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const security = cookieSecurity(context);
  const cookieToken = readCookie(request, security.name(COOKIE));
  const formToken = form.get(CSRF_FIELD);
  const ok =
    typeof formToken === "string" &&
    isValid(cookieToken, await sessionKey(request, context)) &&
    cookieToken.length === formToken.length &&
    crypto.timingSafeEqual(Buffer.from(cookieToken), Buffer.from(formToken));
  // Stale or missing: the page was made before a login, a logout or a restart with a new secret.
  if (!ok) throw Response.json({ reason: "csrf", message: t("errors.csrf") }, { status: 403 });
  return form;
}
