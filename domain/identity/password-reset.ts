import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { enqueue } from "../jobs/outbox.ts";
import { normaliseEmail } from "./email.ts";
import { assertPasswordPolicy, hashPassword } from "./passwords.ts";
import { consumeRateLimit, LIMITS, rateLimitedError, rateLimitKey } from "./rate-limit.ts";
import { primaryZoneId } from "./sessions.ts";
import { hashToken, randomToken } from "./tokens.ts";
import type { Locale } from "./constants.ts";

export const RESET_TOKEN_TTL_MS = 60 * 60_000;

/** The path of the reset page for a raw token; the mail processor prefixes the site's origin. */
export function resetPasswordPath(token: string): string {
  return `/reset-password?token=${encodeURIComponent(token)}`;
}

/**
 * Starts a password reset. The outward result is the same whether or not the email has an
 * account; when it has, a one-hour one-time token is stored (as its sha256) and the mail is
 * queued in the same transaction. Limited per email and per IP.
 */
export async function requestPasswordReset(options: {
  db: Db;
  email: string;
  ip?: string | null;
  /** The language of the page that asked; else the user's own. */
  locale?: Locale;
  now?: Date;
}): Promise<void> {
  const { db } = options;
  const now = options.now ?? new Date();
  const email = normaliseEmail(options.email);
  const ip = options.ip ?? null;

  const limited = await db.$transaction(async (tx) => {
    const perEmail = await consumeRateLimit({
      db: tx,
      key: rateLimitKey("reset:email", email),
      ...LIMITS.resetPerEmail,
      now,
    });
    const perIp = ip
      ? await consumeRateLimit({ db: tx, key: rateLimitKey("reset:ip", ip), ...LIMITS.resetPerIp, now })
      : null;
    const over = [perEmail, perIp].find((r) => r && !r.allowed);
    if (over) return over;

    // No account has a longer address; the length is capped before it reaches an index.
    const user =
      email.length > 254
        ? null
        : await tx.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, locale: true } });
    if (!user) {
      await recordAudit(tx, {
        actorId: null,
        action: "user.password_reset_requested",
        entityType: "user",
        entityId: email.slice(0, 254),
        after: { accountExists: false },
        ip,
      });
      return null;
    }
    const token = randomToken();
    const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_MS);
    const row = await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: hashToken(token), expiresAt },
      select: { id: true },
    });
    const locale: Locale = options.locale ?? (user.locale === "en" ? "en" : "zh-CN");
    await enqueue(tx, "mail.send", {
      to: user.email,
      template: "password-reset",
      locale,
      params: {
        name: user.name,
        resetPath: resetPasswordPath(token),
        expiresInMinutes: String(RESET_TOKEN_TTL_MS / 60_000),
      },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "user.password_reset_requested",
      entityType: "user",
      entityId: user.id,
      zoneId: await primaryZoneId(tx, user.id),
      after: { resetRequestId: row.id, expiresAt },
      ip,
    });
    return null;
  });
  if (limited) throw rateLimitedError(limited);
}

/**
 * Sets a new password with a reset token: one time only, within the hour. Ends every session of
 * the user and voids their other outstanding reset tokens.
 */
export async function resetPassword(options: {
  db: Db;
  token: string;
  newPassword: string;
  ip?: string | null;
  now?: Date;
}): Promise<{ userId: string }> {
  const { db } = options;
  const now = options.now ?? new Date();
  assertPasswordPolicy(options.newPassword, { field: "password" });
  const passwordHash = await hashPassword(options.newPassword);
  const tokenHash = hashToken(options.token);

  return db.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, expiresAt: true, usedAt: true },
    });
    if (!row || row.usedAt) throw new AppError("bad_request", "errors.resetTokenInvalid");
    if (row.expiresAt <= now) throw new AppError("bad_request", "errors.resetTokenExpired");
    // Claim the token with a conditional update, so two concurrent resets cannot both use it.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw new AppError("bad_request", "errors.resetTokenInvalid");
    await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    const ended = await tx.session.deleteMany({ where: { userId: row.userId } });
    await recordAudit(tx, {
      actorId: row.userId,
      action: "user.password_reset",
      entityType: "user",
      entityId: row.userId,
      zoneId: await primaryZoneId(tx, row.userId),
      after: { sessionsEnded: ended.count },
      ip: options.ip ?? null,
    });
    return { userId: row.userId };
  });
}
