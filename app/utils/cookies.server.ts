import type { AppLoadContext } from "@remix-run/node";

/**
 * Cookie names and flags in one place. `__Host-` cookies must be Secure with Path=/ and no
 * Domain, which browsers honour on https and on http://localhost. INSECURE_COOKIES=1 drops
 * Secure (and so the prefix) for plain-http use on another host name.
 */
export function cookieSecurity(context: AppLoadContext) {
  const secure = context.services.env.INSECURE_COOKIES !== "1";
  return {
    secure,
    name: (base: string) => (secure ? `__Host-${base}` : base),
  };
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function serializeCookie(
  name: string,
  value: string,
  options: { secure: boolean; httpOnly?: boolean; maxAgeSeconds?: number; sameSite?: "Lax" | "Strict" },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", `SameSite=${options.sameSite ?? "Lax"}`];
  if (options.httpOnly !== false) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join("; ");
}
