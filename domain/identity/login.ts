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
 * Checks an email and password and opens a 30-day session. Every failure says only
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

  const outcome = await db.$transaction(async (tx): Promise<Outcome> => {
    const perEmail = await consumeRateLimit({ db: tx, key: `login:email:${email}`, ...LIMITS.loginPerEmail, now });
    const perIp = ip ? await consumeRateLimit({ db: tx, key: `login:ip:${ip}`, ...LIMITS.loginPerIp, now }) : null;
    const limited = [perEmail, perIp].find((r) => r && !r.allowed) ?? undefined;

    const user = await tx.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    const zoneId = user ? await primaryZoneId(tx, user.id) : null;
    if (limited) {
      await recordAudit(tx, {
        actorId: user?.id ?? null,
        action: "user.login_rate_limited",
        entityType: "user",
        entityId: user?.id ?? email,
        zoneId,
        ip,
      });
      return { ok: false, limited };
    }
    const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !valid) {
      await recordAudit(tx, {
        actorId: user?.id ?? null,
        action: "user.login_failed",
        entityType: "user",
        entityId: user?.id ?? email,
        zoneId,
        after: { reason: user ? "wrong_password" : "unknown_email", attemptsInWindow: perEmail.count },
        ip,
      });
      return { ok: false };
    }
    await resetRateLimit({ db: tx, key: `login:email:${email}` });
    const session = await createSession(tx, { userId: user.id, ip, userAgent: options.userAgent, now });
    await recordAudit(tx, {
      actorId: user.id,
      action: "user.login",
      entityType: "user",
      entityId: user.id,
      zoneId,
      after: { userAgent: options.userAgent?.slice(0, 200) ?? null },
      ip,
    });
    return { ok: true, result: { userId: user.id, ...session } };
  });

  if (outcome.ok) return outcome.result;
  if (outcome.limited) throw rateLimitedError(outcome.limited);
  throw new AppError("unauthenticated", "errors.invalidCredentials", {
    fieldErrors: { password: "errors.invalidCredentials" },
  });
}
