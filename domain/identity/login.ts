import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { normaliseEmail } from "./email.ts";
import { verifyAgainstDummy, verifyPassword } from "./passwords.ts";
import { loginKeys, queueAccountMail, queueVerificationMail } from "./account-links.ts";
import {
  consumeRateLimit,
  LIMITS,
  rateLimitedError,
  rateLimitKey,
  resetRateLimit,
  type RateLimitResult,
} from "./rate-limit.ts";
import { createSession, type NewSession, primaryZoneId } from "./sessions.ts";

export interface LoginResult extends NewSession {
  userId: string;
}

type Outcome = { ok: true; result: LoginResult } | { ok: false; limited?: RateLimitResult; unverified?: boolean };

/**
 * Checks an email and password and opens a session (2 h idle, 12 h at most: sessions.ts). Every failure says only
 * "errors.invalidCredentials"; an unknown email costs the same hashing work as a wrong password.
 * Attempts are limited per (email, address) pair, per email across addresses and per address
 * (ADR 0022): a stranger's wrong passwords lock only their own address out, and when an account
 * is locked its owner is mailed a link that lifts the lock. An account whose email is not yet
 * verified is refused (after a correct password only, so this tells nothing to a guesser) and
 * its verification mail is sent again. The counts and the audit of a failure are committed even
 * though the call then throws.
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
  const keys = loginKeys(email);

  // Counting is one atomic upsert per key, committed at once; password hashing (~50 ms, far more
  // under load) runs outside any transaction so that no lock or transaction timeout spans it.
  const perPair = await consumeRateLimit({ db, key: keys.pair(ip ?? "-"), ...LIMITS.loginPerPair, now });
  const perEmail = await consumeRateLimit({ db, key: keys.email, ...LIMITS.loginPerEmail, now });
  const perIp = ip
    ? await consumeRateLimit({ db, key: rateLimitKey("login:ip", ip), ...LIMITS.loginPerIp, now })
    : null;
  const limited = [perPair, perEmail, perIp].find((r) => r && !r.allowed) ?? undefined;
  const user =
    email.length > 254
      ? null
      : await db.user.findUnique({
          where: { email },
          select: { id: true, email: true, name: true, locale: true, passwordHash: true, emailVerifiedAt: true },
        });

  const outcome = await (async (): Promise<Outcome> => {
    if (limited) {
      // The owner of a locked account gets a link to lift the lock (at most one mail a window).
      if (user && limited !== perIp) await queueAccountMail(db, { user, kind: "unlock", now });
      await recordAudit(db, {
        actorId: user?.id ?? null,
        action: "user.login_rate_limited",
        entityType: "user",
        entityId: user?.id ?? email.slice(0, 254),
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
        entityId: user?.id ?? email.slice(0, 254),
        zoneId: user ? await primaryZoneId(db, user.id) : null,
        after: { reason: user ? "wrong_password" : "unknown_email", attemptsInWindow: perPair.count },
        ip,
      });
      return { ok: false };
    }
    if (!user.emailVerifiedAt) {
      await db.$transaction(async (tx) => {
        const budget = await consumeRateLimit({
          db: tx,
          key: rateLimitKey("mail:verify", email),
          ...LIMITS.accountMailPerEmail,
          now,
        });
        if (budget.allowed) {
          const locale = user.locale === "en" ? "en" : "zh-CN";
          await queueVerificationMail(tx, { userId: user.id, email: user.email, name: user.name, locale, now });
        }
        await recordAudit(tx, {
          actorId: user.id,
          action: "user.login_unverified",
          entityType: "user",
          entityId: user.id,
          zoneId: await primaryZoneId(tx, user.id),
          ip,
        });
      });
      return { ok: false, unverified: true };
    }
    return db.$transaction(async (tx): Promise<Outcome> => {
      await resetRateLimit({ db: tx, key: keys.pair(ip ?? "-") });
      await resetRateLimit({ db: tx, key: keys.email });
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
  if (outcome.unverified) throw new AppError("unauthenticated", "errors.emailNotVerified");
  throw new AppError("unauthenticated", "errors.invalidCredentials", {
    fieldErrors: { password: "errors.invalidCredentials" },
  });
}
