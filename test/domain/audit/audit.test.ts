import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { listAuditEvents } from "#domain/audit/list.ts";
import { recordAudit } from "#domain/audit/record.ts";
import { grantRole, revokeRole } from "#domain/identity/roles.ts";
import type { Actor } from "#domain/access/permissions.ts";

let database: TestDatabase;
const db = () => database.prisma;
let kunming: string;
let yuxi: string;
let officer: Actor;
let admin: Actor;
let enterpriseOwner: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  kunming = (await createZone({ db: db(), code: "kunming" })).id;
  yuxi = (await createZone({ db: db(), code: "yuxi", nameZh: "玉溪高新技术产业开发区", nameEn: "Yuxi High-tech Zone" }))
    .id;
  const committee = await createOrganisation({ db: db(), type: "zone_administration", zoneId: kunming });
  const platform = await createOrganisation({ db: db(), type: "platform", zoneId: kunming });
  const company = await createOrganisation({ db: db(), type: "enterprise", zoneId: kunming });
  const o = await createUser({ db: db(), passwordHash: "x", memberships: [{ organisationId: committee.id }] });
  const a = await createUser({
    db: db(),
    passwordHash: "x",
    roles: ["platform_admin"],
    memberships: [{ organisationId: platform.id }],
  });
  const e = await createUser({
    db: db(),
    passwordHash: "x",
    memberships: [{ organisationId: company.id, role: "owner" }],
  });
  officer = await actorOf({ db: db(), userId: o.id });
  admin = await actorOf({ db: db(), userId: a.id });
  enterpriseOwner = await actorOf({ db: db(), userId: e.id });
  for (let i = 0; i < 5; i++) {
    await recordAudit(db(), {
      actorId: e.id,
      action: "challenge.post",
      entityType: "challenge",
      entityId: `km-${i}`,
      zoneId: kunming,
    });
    await recordAudit(db(), {
      actorId: e.id,
      action: "challenge.post",
      entityType: "challenge",
      entityId: `yx-${i}`,
      zoneId: yuxi,
    });
  }
});
afterAll(async () => {
  await database?.close();
});

describe("recordAudit", () => {
  it("redacts secret-looking keys at any depth and keeps the summary", async () => {
    await recordAudit(db(), {
      actorId: admin.userId,
      action: "test.redact",
      entityType: "user",
      entityId: "u-1",
      before: { passwordHash: "$argon2id$…", nested: { resetToken: "abc", csrfSecret: "def" }, name: "张伟" },
      after: { amountFen: 12_345n, at: new Date("2026-11-25T00:00:00Z") },
      ip: "192.0.2.1",
    });
    const row = await db().auditEvent.findFirstOrThrow({ where: { action: "test.redact" } });
    expect(row.before).toEqual({
      passwordHash: "[redacted]",
      nested: { resetToken: "[redacted]", csrfSecret: "[redacted]" },
      name: "张伟",
    });
    expect(row.after).toEqual({ amountFen: "12345", at: "2026-11-25T00:00:00.000Z" });
    expect(row).toMatchObject({ actorId: admin.userId, ip: "192.0.2.1" });
    expect(row.createdAt).toBeInstanceOf(Date);
  });
});

describe("listAuditEvents", () => {
  it("a zone officer sees only their own zone's events", async () => {
    const page = await listAuditEvents({ db: db(), actor: officer });
    expect(page.events.length).toBe(5);
    expect(page.events.every((e) => e.zoneId === kunming)).toBe(true);
    expect(page.events[0]?.actorName).toBeTruthy();
    await expect(listAuditEvents({ db: db(), actor: officer, zoneId: yuxi })).rejects.toMatchObject({
      code: "forbidden",
      params: { permission: "read:audit:zone" },
    });
    await expect(listAuditEvents({ db: db(), actor: officer, zoneId: kunming })).resolves.toMatchObject({
      nextCursor: null,
    });
  });

  it("a platform admin sees every zone, or one, page by page", async () => {
    const all = await listAuditEvents({ db: db(), actor: admin, limit: 100 });
    expect(new Set(all.events.map((e) => e.zoneId))).toEqual(new Set([kunming, yuxi, null]));
    const onlyYuxi = await listAuditEvents({ db: db(), actor: admin, zoneId: yuxi });
    expect(onlyYuxi.events.map((e) => e.entityId)).toEqual(["yx-4", "yx-3", "yx-2", "yx-1", "yx-0"]);

    const first = await listAuditEvents({ db: db(), actor: admin, zoneId: yuxi, limit: 2 });
    const second = await listAuditEvents({ db: db(), actor: admin, zoneId: yuxi, limit: 2, cursor: first.nextCursor });
    const third = await listAuditEvents({ db: db(), actor: admin, zoneId: yuxi, limit: 2, cursor: second.nextCursor });
    expect([...first.events, ...second.events, ...third.events].map((e) => e.entityId)).toEqual(
      onlyYuxi.events.map((e) => e.entityId),
    );
    expect(third.nextCursor).toBeNull();
    await expect(listAuditEvents({ db: db(), actor: admin, cursor: "1; drop" })).rejects.toMatchObject({
      messageKey: "errors.badCursor",
    });
  });

  it("refuses everyone else", async () => {
    await expect(listAuditEvents({ db: db(), actor: enterpriseOwner })).rejects.toMatchObject({
      code: "forbidden",
      messageKey: "errors.forbidden",
      params: { permission: "read:audit:zone" },
    });
  });
});

describe("grantRole and revokeRole", () => {
  it("only a platform admin grants finance and platform_admin, audited with the actor", async () => {
    const target = await createUser({ db: db(), passwordHash: "x" });
    await expect(
      grantRole({ db: db(), actor: enterpriseOwner, userId: target.id, role: "finance" }),
    ).rejects.toMatchObject({
      code: "forbidden",
      params: { permission: "manage:roles:any" },
    });
    await expect(
      grantRole({ db: db(), actor: officer, userId: target.id, role: "platform_admin" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await grantRole({ db: db(), actor: admin, userId: target.id, role: "finance", ip: "192.0.2.7" });
    await grantRole({ db: db(), actor: admin, userId: target.id, role: "finance" }); // idempotent
    expect((await actorOf({ db: db(), userId: target.id })).roles).toEqual(["finance"]);
    const audit = await db().auditEvent.findMany({ where: { action: "role.grant", entityId: target.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.userId, ip: "192.0.2.7", after: { role: "finance" } });

    await expect(grantRole({ db: db(), actor: admin, userId: target.id, role: "broker" })).rejects.toMatchObject({
      messageKey: "errors.brokerCredentialRequired",
    });
    await grantRole({
      db: db(),
      actor: admin,
      userId: target.id,
      role: "broker",
      brokerCredentialNo: "JSJJ-53-2026-00420",
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).brokerCredentialNo).toBe(
      "JSJJ-53-2026-00420",
    );

    await revokeRole({ db: db(), actor: admin, userId: target.id, role: "finance" });
    expect((await actorOf({ db: db(), userId: target.id })).roles).toEqual(["broker"]);
    await expect(
      revokeRole({ db: db(), actor: admin, userId: admin.userId, role: "platform_admin" }),
    ).rejects.toMatchObject({
      messageKey: "errors.cannotRevokeOwnAdmin",
    });
    await expect(grantRole({ db: db(), actor: admin, userId: "nobody", role: "expert" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
