import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { normaliseEmail } from "./email.ts";
import { verifyAgainstDummy, verifyPassword } from "./passwords.ts";
import { consumeRateLimit, LIMITS, rateLimitedError, resetRateLimit, type RateLimitResult } from "./rate-limit.ts";
import { createSession, type NewSession, primaryZoneId } from "./sessions.ts";

export interface LoginResult extends NewSession {
  userId: string;
}

type Outcome = { ok: true; result: LoginResult } | { ok: false; limited?: RateLimitResult };

/**
 * Checks an email and password and opens a session (2 h idle, 12 h at most: sessions.ts). Every failure says only
 * "errors.invalidCredentials"; an unknown email costs the same hashing work as a wrong password.
 * Attempts are limited per email and per IP; the counts and the audit of a failure are committed
 * even though the call then throws.
 */
export async function login(options: {
  db: Db;
  email: string;
  password: string;
  ip?: string | null;
  userAgent?: string | null;
  now?: Date;
}): Promise<LoginResult> {
  const { db, password } = options;
  const now = options.now ?? new Date();
  const email = normaliseEmail(options.email);
  const ip = options.ip ?? null;

  // Counting is one atomic upsert per key, committed at once; password hashing (~50 ms, far more
  // under load) runs outside any transaction so that no lock or transaction timeout spans it.
  const perEmail = await consumeRateLimit({ db, key: `login:email:${email}`, ...LIMITS.loginPerEmail, now });
  const perIp = ip ? await consumeRateLimit({ db, key: `login:ip:${ip}`, ...LIMITS.loginPerIp, now }) : null;
  const limited = [perEmail, perIp].find((r) => r && !r.allowed) ?? undefined;
  const user = await db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });

  const outcome = await (async (): Promise<Outcome> => {
    if (limited) {
      await recordAudit(db, {
        actorId: user?.id ?? null,
        action: "user.login_rate_limited",
        entityType: "user",
        entityId: user?.id ?? email,
        zoneId: user ? await primaryZoneId(db, user.id) : null,
        ip,
      });
      return { ok: false, limited };
    }
    const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !valid) {
      await recordAudit(db, {
        actorId: user?.id ?? null,
        action: "user.login_failed",
        entityType: "user",
        entityId: user?.id ?? email,
        zoneId: user ? await primaryZoneId(db, user.id) : null,
        after: { reason: user ? "wrong_password" : "unknown_email", attemptsInWindow: perEmail.count },
        ip,
      });
      return { ok: false };
    }
    return db.$transaction(async (tx): Promise<Outcome> => {
      await resetRateLimit({ db: tx, key: `login:email:${email}` });
      const session = await createSession(tx, { userId: user.id, ip, userAgent: options.userAgent, now });
      await recordAudit(tx, {
        actorId: user.id,
        action: "user.login",
        entityType: "user",
        entityId: user.id,
        zoneId: await primaryZoneId(tx, user.id),
        after: { userAgent: options.userAgent?.slice(0, 200) ?? null },
        ip,
      });
      return { ok: true, result: { userId: user.id, ...session } };
    });
  })();

  if (outcome.ok) return outcome.result;
  if (outcome.limited) throw rateLimitedError(outcome.limited);
  throw new AppError("unauthenticated", "errors.invalidCredentials", {
    fieldErrors: { password: "errors.invalidCredentials" },
  });
}
