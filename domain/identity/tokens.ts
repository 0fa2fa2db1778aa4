import { createHash, randomBytes } from "node:crypto";

/** A secret for a cookie or a link: 32 random bytes, base64url. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database stores in place of a token: its sha256, hex. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
