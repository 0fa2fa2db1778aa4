import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { login } from "#domain/identity/login.ts";
import { unlockLogin } from "#domain/identity/account-links.ts";
import { requestPasswordReset } from "#domain/identity/password-reset.ts";
import { getSessionUser, logout, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "#domain/identity/sessions.ts";
import { consumeRateLimit, LIMITS } from "#domain/identity/rate-limit.ts";
import { hashToken } from "#domain/identity/tokens.ts";
import { hashPassword, verifyPassword } from "#domain/identity/passwords.ts";

let database: TestDatabase;
const db = () => database.prisma;
let zoneId: string;
let orgId: string;
let ipCounter = 0;
const freshIp = () => `192.0.2.${++ipCounter}`;

beforeAll(async () => {
  database = await createTestDatabase();
  zoneId = (await createZone({ db: db() })).id;
  orgId = (await createOrganisation({ db: db(), zoneId, type: "enterprise" })).id;
});
afterAll(async () => {
  await database?.close();
});

describe("login", () => {
  it("opens a session stored only as a hash, with a CSRF secret, and audits it", async () => {
    const user = await createUser({
      db: db(),
      password: "春城科技园2026年",
      memberships: [{ organisationId: orgId, role: "owner" }],
    });
    const result = await login({
      db: db(),
      email: user.email.toUpperCase(),
      password: "春城科技园2026年",
      ip: freshIp(),
      userAgent: "vitest",
    });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await db().session.findUniqueOrThrow({ where: { id: hashToken(result.token) } });
    expect(session).toMatchObject({ userId: user.id, csrfSecret: result.csrfSecret, userAgent: "vitest" });
    expect(await db().session.count({ where: { id: result.token } })).toBe(0);
    expect(Math.abs(session.expiresAt.getTime() - Date.now() - SESSION_IDLE_MS)).toBeLessThan(60_000);

    const current = await getSessionUser({ db: db(), token: result.token });
    expect(current).toMatchObject({
      user: { id: user.id, email: user.email },
      roles: [],
      actor: {
        userId: user.id,
        memberships: [{ organisationId: orgId, orgType: "enterprise", zoneId, role: "owner" }],
      },
    });
    expect(current?.memberships[0]?.organisation.zone.id).toBe(zoneId);

    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.login", actorId: user.id } });
    expect(audit.zoneId).toBe(zoneId);
    expect(JSON.stringify([audit.before, audit.after])).not.toContain("春城科技园");
  });

  it("refuses a wrong password and an unknown email with the same generic key, audited without the password", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const ip = freshIp();
    const wrong = login({ db: db(), email: user.email, password: "wrong-password-123", ip });
    await expect(wrong).rejects.toMatchObject({ code: "unauthenticated", messageKey: "errors.invalidCredentials" });
    const unknown = login({ db: db(), email: "nobody.here@example.cn", password: "wrong-password-123", ip });
    await expect(unknown).rejects.toMatchObject({ code: "unauthenticated", messageKey: "errors.invalidCredentials" });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);

    const failures = await db().auditEvent.findMany({
      where: { action: "user.login_failed", ip },
      orderBy: { id: "asc" },
    });
    expect(failures.map((f) => [f.actorId, f.entityId, (f.after as { reason: string }).reason])).toEqual([
      [user.id, user.id, "wrong_password"],
      [null, "nobody.here@example.cn", "unknown_email"],
    ]);
    expect(JSON.stringify(failures.map((f) => [f.before, f.after]))).not.toContain("wrong-password-123");
  });

  it("pays an argon2id verification for an unknown email too", async () => {
    // Timing a whole login compares database work too (slow on PGlite); instead check that a
    // login for an unknown email costs at least most of one verification, which it would not
    // without the dummy hash (it would be a single indexed lookup).
    const hash = await hashPassword("some-password-2026");
    const timed = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work().catch(() => undefined);
      return performance.now() - start;
    };
    const verifyCosts: number[] = [];
    const unknownCosts: number[] = [];
    for (let i = 0; i < 3; i++) {
      verifyCosts.push(await timed(() => verifyPassword(hash, "wrong-password-123")));
      unknownCosts.push(
        await timed(() =>
          login({ db: db(), email: `ghost.${i}@example.cn`, password: "wrong-password-123", ip: freshIp() }),
        ),
      );
    }
    expect(Math.min(...unknownCosts)).toBeGreaterThan(0.6 * Math.min(...verifyCosts));
  });

  it("refuses the 6th attempt for one email from one address within 15 minutes, even with the right password", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const now = new Date();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      await expect(
        login({ db: db(), email: user.email, password: "wrong-password-123", ip, now }),
      ).rejects.toMatchObject({
        messageKey: "errors.invalidCredentials",
      });
    }
    const sixth = login({ db: db(), email: user.email, password: user.password, ip, now });
    await expect(sixth).rejects.toMatchObject({
      code: "rate_limited",
      messageKey: "errors.rateLimited",
      params: { minutes: 15 },
    });
    expect(await db().auditEvent.count({ where: { action: "user.login_rate_limited", actorId: user.id } })).toBe(1);
    // After the window, the right password works again and clears the count.
    const later = new Date(now.getTime() + 15 * 60_000 + 1);
    await expect(
      login({ db: db(), email: user.email, password: user.password, ip, now: later }),
    ).resolves.toHaveProperty("token");
  });

  it("a stranger's wrong passwords lock only the stranger's address: the owner signs in from theirs (ADR 0022)", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const now = new Date();
    const attacker = freshIp();
    for (let i = 0; i < 8; i++) {
      await expect(
        login({ db: db(), email: user.email, password: "wrong-password-123", ip: attacker, now }),
      ).rejects.toHaveProperty("code");
    }
    await expect(
      login({ db: db(), email: user.email, password: user.password, ip: attacker, now }),
    ).rejects.toMatchObject({ code: "rate_limited" });
    await expect(
      login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now }),
    ).resolves.toHaveProperty("token");
  });

  it(
    "guessing spread over many addresses locks the email; the owner is mailed a link that lifts the lock",
    { timeout: 180_000 },
    async () => {
      const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
      const now = new Date();
      for (let i = 0; i < LIMITS.loginPerEmail.limit; i++) {
        await expect(
          login({ db: db(), email: user.email, password: "wrong-password-123", ip: `198.51.100.${i}`, now }),
        ).rejects.toMatchObject({ messageKey: "errors.invalidCredentials" });
      }
      await expect(
        login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now }),
      ).rejects.toMatchObject({ code: "rate_limited" });
      await expect(
        login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now }),
      ).rejects.toMatchObject({ code: "rate_limited" });
      const mails = (await db().outboxJob.findMany({ where: { name: "mail.send" } }))
        .map((m) => m.payload as { to: string; template: string; params: Record<string, string> })
        .filter((m) => m.to === user.email && m.template === "login-unlock");
      expect(mails).toHaveLength(1); // one mail a window, however often the lock is hit
      const token = new URL(mails[0]!.params.unlockPath!, "http://x").searchParams.get("token")!;
      await unlockLogin({ db: db(), token, now });
      await expect(
        login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now }),
      ).resolves.toHaveProperty("token");
      await expect(unlockLogin({ db: db(), token, now })).rejects.toMatchObject({
        messageKey: "errors.accountLinkInvalid",
      });
    },
  );

  it("a 3,000-character email is refused like any wrong login, and a reset for it answers as usual", async () => {
    const long = `${"a".repeat(3000)}@example.cn`;
    await expect(login({ db: db(), email: long, password: "wrong-password-123", ip: freshIp() })).rejects.toMatchObject(
      {
        messageKey: "errors.invalidCredentials",
      },
    );
    await expect(requestPasswordReset({ db: db(), email: long, ip: freshIp() })).resolves.toBeUndefined();
    const keys = await db().rateLimitBucket.findMany({ select: { key: true } });
    expect(Math.max(...keys.map((k) => k.key.length))).toBeLessThanOrEqual(200);
  });

  it("an account whose email is not verified cannot sign in, and gets its link again", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    await db().user.update({ where: { id: user.id }, data: { emailVerifiedAt: null } });
    await expect(
      login({ db: db(), email: user.email, password: "wrong-password-123", ip: freshIp() }),
    ).rejects.toMatchObject({ messageKey: "errors.invalidCredentials" });
    await expect(login({ db: db(), email: user.email, password: user.password, ip: freshIp() })).rejects.toMatchObject({
      messageKey: "errors.emailNotVerified",
    });
    const sent = (await db().outboxJob.findMany({ where: { name: "mail.send" } }))
      .map((m) => m.payload as { to: string; template: string })
      .filter((m) => m.to === user.email);
    expect(sent.map((m) => m.template)).toEqual(["verify-email"]);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("limits one IP to LIMITS.loginPerIp attempts across emails", { timeout: 180_000 }, async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginPerIp.limit; i++) {
      await expect(
        login({ db: db(), email: `spray.${i}@example.cn`, password: "wrong-password-123", ip }),
      ).rejects.toMatchObject({
        messageKey: "errors.invalidCredentials",
      });
    }
    await expect(
      login({ db: db(), email: "spray.last@example.cn", password: "wrong-password-123", ip }),
    ).rejects.toMatchObject({
      code: "rate_limited",
    });
  });
});

describe("sessions", () => {
  it("end after 2 hours without use, and are deleted when seen expired (ADR 0021)", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const start = new Date("2026-11-01T08:00:00Z");
    const { token } = await login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now: start });
    const at = (ms: number) => new Date(start.getTime() + ms);
    expect(await getSessionUser({ db: db(), token, now: at(SESSION_IDLE_MS - 1000) })).not.toBeNull();
    // The use just before the idle end moved it: 2 hours from then.
    expect(await getSessionUser({ db: db(), token, now: at(2 * SESSION_IDLE_MS - 2000) })).not.toBeNull();
    expect(await getSessionUser({ db: db(), token, now: at(3 * SESSION_IDLE_MS) })).toBeNull();
    expect(await db().session.count({ where: { id: hashToken(token) } })).toBe(0);
    expect(await getSessionUser({ db: db(), token: "not-a-token" })).toBeNull();
    expect(await getSessionUser({ db: db(), token: "" })).toBeNull();
  });

  it("end 12 hours after login however often they are used", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const start = new Date("2026-11-03T08:00:00Z");
    const { token } = await login({ db: db(), email: user.email, password: user.password, ip: freshIp(), now: start });
    let seen;
    for (let minutes = 30; minutes < SESSION_ABSOLUTE_MS / 60_000; minutes += 30) {
      seen = await getSessionUser({ db: db(), token, now: new Date(start.getTime() + minutes * 60_000) });
      expect(seen, `used every 30 minutes, at ${minutes} min`).not.toBeNull();
    }
    // Never renewed past the absolute end.
    expect(seen?.session.expiresAt.getTime()).toBeLessThanOrEqual(start.getTime() + SESSION_ABSOLUTE_MS);
    expect(await getSessionUser({ db: db(), token, now: new Date(start.getTime() + SESSION_ABSOLUTE_MS) })).toBeNull();
    expect(await db().session.count({ where: { id: hashToken(token) } })).toBe(0);
  });

  it("renew at most once a minute", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const start = new Date("2026-11-02T08:00:00Z");
    const { token, expiresAt } = await login({
      db: db(),
      email: user.email,
      password: user.password,
      ip: freshIp(),
      now: start,
    });
    expect(expiresAt).toEqual(new Date(start.getTime() + SESSION_IDLE_MS));
    const seen = await getSessionUser({ db: db(), token, now: new Date(start.getTime() + 30_000) });
    expect(seen?.session.expiresAt).toEqual(expiresAt);
    const later = new Date(start.getTime() + 5 * 60_000);
    const renewed = await getSessionUser({ db: db(), token, now: later });
    expect(renewed?.session.expiresAt).toEqual(new Date(later.getTime() + SESSION_IDLE_MS));
  });

  it("logout ends only that session and is audited", async () => {
    const user = await createUser({ db: db(), memberships: [{ organisationId: orgId }] });
    const a = await login({ db: db(), email: user.email, password: user.password, ip: freshIp() });
    const b = await login({ db: db(), email: user.email, password: user.password, ip: freshIp() });
    await logout({ db: db(), token: a.token, ip: "198.51.100.9" });
    expect(await getSessionUser({ db: db(), token: a.token })).toBeNull();
    expect(await getSessionUser({ db: db(), token: b.token })).not.toBeNull();
    await logout({ db: db(), token: a.token }); // already gone: no error
    const audit = await db().auditEvent.findMany({ where: { action: "user.logout", actorId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ ip: "198.51.100.9", zoneId });
  });
});

describe("consumeRateLimit", () => {
  it("counts every one of many concurrent attempts exactly once", async () => {
    const key = `test:concurrent:${Date.now()}`;
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => consumeRateLimit({ db: db(), key, limit: 10, windowMs: 60_000, now })),
    );
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const row = await db().rateLimitBucket.findUniqueOrThrow({ where: { key } });
    expect(row.count).toBe(30);
  });

  it("starts a new window when the old one has passed", async () => {
    const key = `test:window:${Date.now()}`;
    const t0 = new Date("2026-11-03T00:00:00Z");
    await consumeRateLimit({ db: db(), key, limit: 1, windowMs: 60_000, now: t0 });
    const second = await consumeRateLimit({
      db: db(),
      key,
      limit: 1,
      windowMs: 60_000,
      now: new Date(t0.getTime() + 30_000),
    });
    expect(second).toMatchObject({ allowed: false, count: 2, retryAfterMs: 30_000 });
    const third = await consumeRateLimit({
      db: db(),
      key,
      limit: 1,
      windowMs: 60_000,
      now: new Date(t0.getTime() + 60_000),
    });
    expect(third).toMatchObject({ allowed: true, count: 1, retryAfterMs: 60_000 });
  });
});
