import type { AccountTokenPurpose } from "#db/generated/client/enums.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { enqueue } from "../jobs/outbox.ts";
import type { Locale } from "./constants.ts";
import { consumeRateLimit, LIMITS, rateLimitKey, resetRateLimit, resetRateLimitPrefix } from "./rate-limit.ts";
import { createSession, type NewSession, primaryZoneId } from "./sessions.ts";
import { hashToken, randomToken } from "./tokens.ts";

/**
 * Mailed one-time links other than password resets (ADR 0022): the email-verification link a
 * new account must open before it can sign in, and the link that lifts a login lock.
 */
export const VERIFY_EMAIL_TTL_MS = 48 * 60 * 60_000;
export const UNLOCK_TTL_MS = 60 * 60_000;

export function verifyEmailPath(token: string): string {
  return `/verify-email?token=${encodeURIComponent(token)}`;
}

export function unlockLoginPath(token: string): string {
  return `/unlock?token=${encodeURIComponent(token)}`;
}

/** Every login bucket of one email: all its (email, address) pairs and the email's own. */
export function loginKeys(email: string): { email: string; pairPrefix: string; pair(ip: string): string } {
  const pairPrefix = `${rateLimitKey("login:pair", email)}:`;
  return {
    email: rateLimitKey("login:email", email),
    pairPrefix,
    pair: (ip: string) => `${pairPrefix}${rateLimitKey("ip", ip).slice(3)}`,
  };
}

async function issueToken(
  tx: DbOrTx,
  input: { userId: string; purpose: AccountTokenPurpose; ttlMs: number; now: Date },
): Promise<string> {
  const token = randomToken();
  await tx.accountToken.create({
    data: {
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: hashToken(token),
      expiresAt: new Date(input.now.getTime() + input.ttlMs),
    },
  });
  return token;
}

/** Queues the verification mail for a new account, in the caller's transaction. */
export async function queueVerificationMail(
  tx: DbOrTx,
  input: { userId: string; email: string; name: string; locale: Locale; now: Date },
): Promise<void> {
  const token = await issueToken(tx, {
    userId: input.userId,
    purpose: "verify_email",
    ttlMs: VERIFY_EMAIL_TTL_MS,
    now: input.now,
  });
  await enqueue(tx, "mail.send", {
    to: input.email,
    template: "verify-email",
    locale: input.locale,
    params: { name: input.name, verifyPath: verifyEmailPath(token) },
  });
}

/**
 * Queues a mail that a stranger's request triggers (an unlock link, a "you already have an
 * account" notice) at most once per window per address, so nobody can flood an inbox.
 * Returns whether it was queued.
 */
export async function queueAccountMail(
  tx: DbOrTx,
  input: {
    user: { id: string; email: string; name: string; locale: string };
    kind: "unlock" | "signup-existing";
    now: Date;
  },
): Promise<boolean> {
  const { user, now } = input;
  const budget = await consumeRateLimit({
    db: tx,
    key: rateLimitKey(`mail:${input.kind}`, user.email),
    ...LIMITS.accountMailPerEmail,
    now,
  });
  if (!budget.allowed) return false;
  const locale: Locale = user.locale === "en" ? "en" : "zh-CN";
  if (input.kind === "unlock") {
    const token = await issueToken(tx, { userId: user.id, purpose: "unlock_login", ttlMs: UNLOCK_TTL_MS, now });
    await enqueue(tx, "mail.send", {
      to: user.email,
      template: "login-unlock",
      locale,
      params: { name: user.name, unlockPath: unlockLoginPath(token) },
    });
  } else {
    await enqueue(tx, "mail.send", {
      to: user.email,
      template: "signup-existing",
      locale,
      params: { name: user.name, loginPath: "/login", resetPath: "/forgot-password" },
    });
  }
  return true;
}

async function claimToken(
  tx: DbOrTx,
  token: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<{ id: string; userId: string }> {
  const row = await tx.accountToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, purpose: true, expiresAt: true, usedAt: true },
  });
  if (!row || row.purpose !== purpose || row.usedAt) throw new AppError("bad_request", "errors.accountLinkInvalid");
  if (row.expiresAt <= now) throw new AppError("bad_request", "errors.accountLinkExpired");
  const claimed = await tx.accountToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (claimed.count !== 1) throw new AppError("bad_request", "errors.accountLinkInvalid");
  return row;
}

/** Opens the verification link: marks the email verified and signs the user in. */
export async function verifyEmail(options: {
  db: Db;
  token: string;
  ip?: string | null;
  userAgent?: string | null;
  now?: Date;
}): Promise<NewSession & { userId: string }> {
  const now = options.now ?? new Date();
  return options.db.$transaction(async (tx) => {
    const row = await claimToken(tx, options.token, "verify_email", now);
    await tx.user.update({ where: { id: row.userId }, data: { emailVerifiedAt: now } });
    await tx.accountToken.updateMany({
      where: { userId: row.userId, purpose: "verify_email", usedAt: null },
      data: { usedAt: now },
    });
    await recordAudit(tx, {
      actorId: row.userId,
      action: "user.email_verified",
      entityType: "user",
      entityId: row.userId,
      zoneId: await primaryZoneId(tx, row.userId),
      ip: options.ip ?? null,
    });
    const session = await createSession(tx, { userId: row.userId, ip: options.ip, userAgent: options.userAgent, now });
    return { userId: row.userId, ...session };
  });
}

/** Opens the unlock link: forgets every login counter of the account's email. */
export async function unlockLogin(options: { db: Db; token: string; ip?: string | null; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  await options.db.$transaction(async (tx) => {
    const row = await claimToken(tx, options.token, "unlock_login", now);
    const user = await tx.user.findUniqueOrThrow({ where: { id: row.userId }, select: { email: true } });
    const keys = loginKeys(user.email);
    await resetRateLimit({ db: tx, key: keys.email });
    await resetRateLimitPrefix({ db: tx, prefix: keys.pairPrefix });
    await recordAudit(tx, {
      actorId: row.userId,
      action: "user.login_unlocked",
      entityType: "user",
      entityId: row.userId,
      zoneId: await primaryZoneId(tx, row.userId),
      ip: options.ip ?? null,
    });
  });
}
