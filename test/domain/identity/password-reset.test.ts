import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { login } from "#domain/identity/login.ts";
import { getSessionUser } from "#domain/identity/sessions.ts";
import { requestPasswordReset, resetPassword } from "#domain/identity/password-reset.ts";
import { hashToken } from "#domain/identity/tokens.ts";

let database: TestDatabase;
const db = () => database.prisma;
let orgId: string;
let zoneId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  zoneId = (await createZone({ db: db() })).id;
  orgId = (await createOrganisation({ db: db(), zoneId, type: "university" })).id;
});
afterAll(async () => {
  await database?.close();
});

interface MailPayload {
  to: string;
  template: string;
  locale: string;
  params: Record<string, string>;
}

async function mailsTo(email: string): Promise<MailPayload[]> {
  const jobs = await db().outboxJob.findMany({ where: { name: "mail.send" }, orderBy: { id: "asc" } });
  return jobs.map((j) => j.payload as unknown as MailPayload).filter((p) => p.to === email);
}

function tokenFrom(mail: MailPayload): string {
  const url = new URL(mail.params.resetPath!, "http://localhost");
  expect(url.pathname).toBe("/reset-password");
  return url.searchParams.get("token")!;
}

describe("password reset", () => {
  it("runs end to end: mail queued, token one-time, old sessions gone, new password works", async () => {
    const user = await createUser({ db: db(), locale: "en", memberships: [{ organisationId: orgId }] });
    const session = await login({ db: db(), email: user.email, password: user.password, ip: "203.0.113.1" });

    await expect(
      requestPasswordReset({ db: db(), email: user.email.toUpperCase(), ip: "203.0.113.1" }),
    ).resolves.toBeUndefined();
    const [mail, ...more] = await mailsTo(user.email);
    expect(more).toHaveLength(0);
    expect(mail).toMatchObject({
      to: user.email,
      template: "password-reset",
      locale: "en",
      params: { name: user.name },
    });
    expect(Object.values(mail!.params).every((v) => typeof v === "string")).toBe(true);
    const token = tokenFrom(mail!);
    const stored = await db().passwordResetToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(stored.userId).toBe(user.id);
    expect(Math.abs(stored.expiresAt.getTime() - Date.now() - 3_600_000)).toBeLessThan(60_000);
    expect(await db().passwordResetToken.count({ where: { tokenHash: token } })).toBe(0);

    await expect(resetPassword({ db: db(), token, newPassword: "short" })).rejects.toMatchObject({
      messageKey: "errors.passwordTooShort",
    });
    await expect(resetPassword({ db: db(), token, newPassword: "新的昆明密码2026年" })).resolves.toEqual({
      userId: user.id,
    });

    expect(await getSessionUser({ db: db(), token: session.token })).toBeNull();
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    await expect(
      login({ db: db(), email: user.email, password: user.password, ip: "203.0.113.2" }),
    ).rejects.toMatchObject({
      messageKey: "errors.invalidCredentials",
    });
    await expect(
      login({ db: db(), email: user.email, password: "新的昆明密码2026年", ip: "203.0.113.2" }),
    ).resolves.toHaveProperty("token");

    // one time only
    await expect(resetPassword({ db: db(), token, newPassword: "再来一次的新密码2026" })).rejects.toMatchObject({
      code: "bad_request",
      messageKey: "errors.resetTokenInvalid",
    });
    const audit = await db().auditEvent.findMany({
      where: { entityId: user.id, action: { startsWith: "user.password_reset" } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["user.password_reset", "user.password_reset_requested"]);
    const text = JSON.stringify(audit.map((a) => [a.before, a.after]));
    expect(text).not.toContain(token);
    expect(text).not.toContain("新的昆明密码");
  });

  it("refuses an expired token and leaves the password alone", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await requestPasswordReset({ db: db(), email: user.email, ip: "203.0.113.3", now: twoHoursAgo });
    const [mail] = await mailsTo(user.email);
    expect(mail?.locale).toBe("zh-CN");
    await expect(
      resetPassword({ db: db(), token: tokenFrom(mail!), newPassword: "过期之后的新密码2026" }),
    ).rejects.toMatchObject({
      messageKey: "errors.resetTokenExpired",
    });
    await expect(
      login({ db: db(), email: user.email, password: user.password, ip: "203.0.113.3" }),
    ).resolves.toHaveProperty("token");
  });

  it("answers an unknown email exactly like a known one, and queues nothing", async () => {
    const before = await db().outboxJob.count();
    await expect(
      requestPasswordReset({ db: db(), email: "nobody@example.cn", ip: "203.0.113.4" }),
    ).resolves.toBeUndefined();
    expect(await db().outboxJob.count()).toBe(before);
    expect(await db().passwordResetToken.count({ where: { user: { email: "nobody@example.cn" } } })).toBe(0);
  });

  it("a newer reset voids older tokens once used; requests are rate limited", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const ip = "203.0.113.5";
    await requestPasswordReset({ db: db(), email: user.email, ip });
    await requestPasswordReset({ db: db(), email: user.email, ip });
    const [first, second] = (await mailsTo(user.email)).map(tokenFrom);
    await resetPassword({ db: db(), token: second!, newPassword: "第二封邮件里的密码2026" });
    await expect(
      resetPassword({ db: db(), token: first!, newPassword: "第一封邮件里的密码2026" }),
    ).rejects.toMatchObject({
      messageKey: "errors.resetTokenInvalid",
    });
    await requestPasswordReset({ db: db(), email: user.email, ip });
    await expect(requestPasswordReset({ db: db(), email: user.email, ip })).rejects.toMatchObject({
      code: "rate_limited",
      messageKey: "errors.rateLimited",
    });
    expect(await mailsTo(user.email)).toHaveLength(3);
  });

  it("two concurrent resets with one token: exactly one succeeds", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    await requestPasswordReset({ db: db(), email: user.email, ip: "203.0.113.6" });
    const token = tokenFrom((await mailsTo(user.email))[0]!);
    const results = await Promise.allSettled([
      resetPassword({ db: db(), token, newPassword: "并发重置甲的密码2026" }),
      resetPassword({ db: db(), token, newPassword: "并发重置乙的密码2026" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ messageKey: "errors.resetTokenInvalid" });
  });
});
