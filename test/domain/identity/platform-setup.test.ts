import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createOrganisation, createUser, createZone as createZoneRow } from "#tests/support/factories.ts";
import type { Actor } from "#domain/access/permissions.ts";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { createPlatformAdmin } from "#domain/identity/create-platform-admin.ts";
import {
  createPlatformOrganisation,
  listPlatformOrganisations,
} from "#domain/identity/create-platform-organisation.ts";
import { createZone } from "#domain/identity/create-zone.ts";
import { verifyPassword } from "#domain/identity/passwords.ts";

/** ADR 0025: an installation set up without the demo seed — first admin, zones, platform organisations. */

let database: TestDatabase;
let admin: Actor;
let enterpriseOwner: Actor;
const db = () => database.prisma;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = await actorOf({
    db: db(),
    userId: (await createUser({ db: db(), roles: ["platform_admin"], passwordHash: "x" })).id,
  });
  const enterprise = await createOrganisation({ db: db(), type: "enterprise" });
  enterpriseOwner = await actorOf({
    db: db(),
    userId: (
      await createUser({ db: db(), passwordHash: "x", memberships: [{ organisationId: enterprise.id, role: "owner" }] })
    ).id,
  });
});
afterAll(async () => {
  await database?.close();
});

async function counts() {
  return {
    zones: await db().zone.count(),
    orgs: await db().organisation.count(),
    users: await db().user.count(),
    audit: await db().auditEvent.count(),
  };
}

async function refused(call: () => Promise<unknown>, match: Record<string, unknown>) {
  const before = await counts();
  await expect(call()).rejects.toMatchObject({ name: "AppError", ...match });
  expect(await counts()).toEqual(before);
}

describe("createPlatformAdmin", () => {
  it("creates a user holding platform_admin with a hashed password, audited", async () => {
    const result = await createPlatformAdmin({
      db: db(),
      email: " Root@Jiebang.Example.CN ",
      name: " 段思远 ",
      password: "a-long-admin-pass",
    });
    expect(result.email).toBe("root@jiebang.example.cn");
    const user = await db().user.findUniqueOrThrow({ where: { id: result.userId }, include: { roles: true } });
    expect(user.name).toBe("段思远");
    expect(user.roles.map((r) => r.role)).toEqual(["platform_admin"]);
    expect(await verifyPassword(user.passwordHash, "a-long-admin-pass")).toBe(true);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: user.id, action: "role.grant" } });
    expect(audit.after).toMatchObject({ role: "platform_admin", via: "admin:create" });
  });

  it("refuses an existing email, a weak password and a bad email, changing nothing", async () => {
    await refused(
      () => createPlatformAdmin({ db: db(), email: "root@jiebang.example.cn", password: "another-long-pass" }),
      {
        code: "conflict",
        messageKey: "errors.emailTaken",
      },
    );
    await refused(() => createPlatformAdmin({ db: db(), email: "new@jiebang.example.cn", password: "short" }), {
      messageKey: "errors.passwordTooShort",
    });
    await refused(() => createPlatformAdmin({ db: db(), email: "not an email", password: "a-long-admin-pass" }), {
      messageKey: "errors.emailInvalid",
    });
  });
});

describe("createZone", () => {
  it("adds a zone with a normalised code, audited", async () => {
    const zone = await createZone({
      db: db(),
      actor: admin,
      code: " Qujing ",
      nameZh: "曲靖高新技术产业开发区",
      nameEn: "Qujing High-tech Zone",
      province: "云南省",
    });
    expect(zone.code).toBe("qujing");
    expect(await db().zone.findUniqueOrThrow({ where: { id: zone.id } })).toMatchObject({
      nameZh: "曲靖高新技术产业开发区",
      province: "云南省",
    });
    expect(
      await db().auditEvent.count({ where: { action: "zone.create", entityId: zone.id, actorId: admin.userId } }),
    ).toBe(1);
  });

  it("refuses a taken code, a bad code, a short name and a non-admin, changing nothing", async () => {
    const base = { db: db(), actor: admin, nameZh: "红河高新区", nameEn: "Honghe Zone", province: "云南省" };
    await refused(() => createZone({ ...base, code: "qujing" }), {
      code: "conflict",
      fieldErrors: { code: "errors.zoneCodeTaken" },
    });
    await refused(() => createZone({ ...base, code: "红河" }), { fieldErrors: { code: "errors.zoneCodeInvalid" } });
    await refused(() => createZone({ ...base, code: "honghe", nameZh: "红" }), {
      fieldErrors: { nameZh: "errors.textLength" },
    });
    await refused(() => createZone({ ...base, actor: enterpriseOwner, code: "honghe" }), { code: "forbidden" });
  });
});

describe("createPlatformOrganisation", () => {
  it("adds the platform's organisation and a zone administration, listed for the admin page", async () => {
    const zone = await createZoneRow({ db: db(), code: "lijiang" });
    const platform = await createPlatformOrganisation({
      db: db(),
      actor: admin,
      name: "揭榜平台运营中心",
      type: "platform",
      zoneId: zone.id,
      creditCode: generateCreditCode({ division: "530100" }),
    });
    expect(platform.referenceCode).toMatch(/^JB[2-9A-Z]{7}$/);
    const administration = await createPlatformOrganisation({
      db: db(),
      actor: admin,
      name: "丽江高新技术产业开发区管理委员会",
      type: "zone_administration",
      zoneId: zone.id,
      creditCode: generateCreditCode({ division: "530700" }).toLowerCase(),
    });
    const listed = await listPlatformOrganisations({ db: db() });
    const ids = listed.map((org) => org.id);
    expect(ids).toEqual(expect.arrayContaining([platform.id, administration.id]));
    expect(listed.every((org) => org.type === "platform" || org.type === "zone_administration")).toBe(true);
    expect(await db().organisation.findUniqueOrThrow({ where: { id: administration.id } })).toMatchObject({
      type: "zone_administration",
      zoneId: zone.id,
    });
    expect(await db().outboxJob.count({ where: { name: "search.sync" } })).toBeGreaterThan(0);
    expect(await db().auditEvent.count({ where: { action: "organisation.create", entityId: administration.id } })).toBe(
      1,
    );
  });

  it("refuses a second administration for a zone, a self-service type, a bad credit code and a non-admin", async () => {
    const zone = await db().zone.findUniqueOrThrow({ where: { code: "lijiang" } });
    const base = { db: db(), actor: admin, name: "丽江管委会二", zoneId: zone.id, creditCode: generateCreditCode() };
    await refused(() => createPlatformOrganisation({ ...base, type: "zone_administration" }), {
      code: "conflict",
      messageKey: "errors.zoneAdministrationExists",
    });
    await refused(() => createPlatformOrganisation({ ...base, type: "enterprise" }), {
      fieldErrors: { type: "errors.orgTypeInvalid" },
    });
    await refused(() => createPlatformOrganisation({ ...base, type: "platform", creditCode: "123" }), {
      fieldErrors: { creditCode: "errors.creditCodeInvalid" },
    });
    await refused(() => createPlatformOrganisation({ ...base, type: "platform", zoneId: "nope" }), {
      fieldErrors: { zoneId: "errors.zoneUnknown" },
    });
    await refused(() => createPlatformOrganisation({ ...base, type: "platform", actor: enterpriseOwner }), {
      code: "forbidden",
    });
  });
});
