import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { loadActor } from "#domain/access/actor.ts";
import { getDashboardKind } from "#domain/access/dashboards.ts";
import { can } from "#domain/access/permissions.ts";
import { isValidCreditCode } from "#domain/identity/credit-code.ts";
import type { OrgType } from "#db/generated/client/enums.ts";

let database: TestDatabase;
const db = () => database.prisma;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("factories and actors from the database", () => {
  it("create realistic organisations of every type with valid credit codes", async () => {
    const zone = await createZone({ db: db() });
    expect(zone.nameZh).toMatch(/开发区$/);
    const types: OrgType[] = [
      "enterprise",
      "university",
      "research_institute",
      "service_provider",
      "zone_administration",
      "platform",
    ];
    for (const type of types) {
      const org = await createOrganisation({ db: db(), type, zoneId: zone.id });
      expect(isValidCreditCode(org.creditCode), org.creditCode).toBe(true);
      expect(org.name).toMatch(/[\u4e00-\u9fff]/);
      expect(org.type).toBe(type);
    }
    const committee = await db().organisation.findFirstOrThrow({ where: { type: "zone_administration" } });
    expect(committee.name).toBe(`${zone.nameZh}管理委员会`);
  });

  it("builds the actor each kind of user needs for permissions and dashboards", async () => {
    const km = await createZone({ db: db() });
    const org = (type: OrgType) => createOrganisation({ db: db(), type, zoneId: km.id });
    const [company, university, provider, committee, platform] = await Promise.all(
      (["enterprise", "university", "service_provider", "zone_administration", "platform"] as const).map(org),
    );
    const make = async (
      roles: Parameters<typeof createUser>[0]["roles"],
      organisationId?: string,
      role: "owner" | "member" = "member",
    ) => {
      const u = await createUser({
        db: db(),
        passwordHash: "x",
        roles,
        memberships: organisationId ? [{ organisationId, role }] : [],
      });
      return actorOf({ db: db(), userId: u.id });
    };
    const owner = await make([], company!.id, "owner");
    expect(getDashboardKind(owner)).toEqual(["enterprise"]);
    expect(can(owner, "withdraw:wallet:own", { organisationId: company!.id })).toBe(true);
    expect(can(owner, "withdraw:wallet:own", { organisationId: university!.id })).toBe(false);

    const researcher = await make(["researcher"], university!.id);
    expect(getDashboardKind(researcher)).toEqual(["university", "researcher"]);
    const broker = await make(["broker"]);
    expect(getDashboardKind(broker)).toEqual(["broker"]);
    expect((await db().user.findUniqueOrThrow({ where: { id: broker.userId } })).brokerCredentialNo).toMatch(
      /^JSJJ-53-/,
    );
    expect(getDashboardKind(await make(["expert"]))).toEqual(["expert"]);
    expect(getDashboardKind(await make([], provider!.id))).toEqual(["service_provider"]);

    const officer = await make([], committee!.id);
    expect(getDashboardKind(officer)).toEqual(["zone_officer"]);
    expect(can(officer, "approve:challenge:zone", { zoneId: km.id })).toBe(true);
    expect(can(officer, "approve:challenge:zone", { zoneId: "elsewhere" })).toBe(false);

    expect(getDashboardKind(await make(["finance"], platform!.id))).toEqual(["finance"]);
    expect(getDashboardKind(await make(["platform_admin"], platform!.id))).toEqual(["platform_admin"]);
    expect(await loadActor({ db: db(), userId: "missing" })).toBeNull();
  });
});
