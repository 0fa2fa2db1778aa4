import { createHash } from "node:crypto";
import type { DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";

/**
 * A bounded bucket key: `scope:part:part`, each user-supplied part (an email, an address) as a
 * 32-hex-digit sha256 prefix, so no input length can overflow the key's index and the parts
 * stay separable (`login:pair:<email>:` is the prefix of every address's bucket for one email).
 */
export function rateLimitKey(scope: string, ...parts: string[]): string {
  return [scope, ...parts.map((p) => createHash("sha256").update(p, "utf8").digest("hex").slice(0, 32))].join(":");
}

export interface RateLimitResult {
  allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  count: number;
  limit: number;
  /** Milliseconds until the window resets. */
  retryAfterMs: number;
}

/**
 * Counts one attempt against `key` in a fixed window of `windowMs`, shared by every web process.
 * One upsert statement, so concurrent attempts never lose a count: the row lock taken by
 * ON CONFLICT serialises them.
 */
export async function consumeRateLimit(options: {
  db: DbOrTx;
  key: string;
  limit: number;
  windowMs: number;
  now?: Date;
}): Promise<RateLimitResult> {
  const { db, limit, windowMs } = options;
  // Callers build keys with rateLimitKey; anything longer is hashed whole rather than stored.
  const key = options.key.length > 200 ? rateLimitKey("long", options.key) : options.key;
  const now = options.now ?? new Date();
  const expiredBefore = new Date(now.getTime() - windowMs);
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
    VALUES (${key}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expiredBefore} THEN 1
                     ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expiredBefore} THEN ${now}
                           ELSE "RateLimitBucket"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0]!;
  const count = Number(row.count);
  const retryAfterMs = Math.max(0, new Date(row.windowStart).getTime() + windowMs - now.getTime());
  return { allowed: count <= limit, count, limit, retryAfterMs };
}

/** Forgets a key, e.g. the per-email login counter after a successful login. */
export async function resetRateLimit(options: { db: DbOrTx; key: string }): Promise<void> {
  await options.db.rateLimitBucket.deleteMany({ where: { key: options.key } });
}

/** Forgets every key that starts with `prefix` (all addresses' buckets of one email). */
export async function resetRateLimitPrefix(options: { db: DbOrTx; prefix: string }): Promise<void> {
  await options.db.rateLimitBucket.deleteMany({ where: { key: { startsWith: options.prefix } } });
}

/** The error shown when a limit is hit; `minutes` fills "try again in {minutes} minutes". */
export function rateLimitedError(result: RateLimitResult): AppError {
  return new AppError("rate_limited", "errors.rateLimited", {
    params: { minutes: Math.max(1, Math.ceil(result.retryAfterMs / 60_000)) },
  });
}

/** Limits on login and password-reset attempts. */
export const LIMITS = {
  // Five wrong passwords lock one email from one address only, so a stranger locks out nobody
  // but themselves (ADR 0022); the owner can lift any lock through a mailed link.
  loginPerPair: { limit: 5, windowMs: 15 * 60_000 },
  // All addresses together: slows guessing spread over many addresses; when it trips the owner
  // is mailed an unlock link.
  loginPerEmail: { limit: 50, windowMs: 15 * 60_000 },
  // A whole campus or company can sit behind one NAT address: the per-IP limit only slows
  // password spraying across many emails; the per-email limit protects each account.
  loginPerIp: { limit: 100, windowMs: 15 * 60_000 },
  signupPerIp: { limit: 20, windowMs: 60 * 60_000 },
  resetPerEmail: { limit: 3, windowMs: 60 * 60_000 },
  resetPerIp: { limit: 10, windowMs: 60 * 60_000 },
  /** Account mails a stranger can trigger (unlock links, "you already have an account"). */
  accountMailPerEmail: { limit: 1, windowMs: 15 * 60_000 },
} as const;
