import { describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import { getDashboardKind } from "#domain/access/dashboards.ts";
import {
  type Actor,
  type ActorMembership,
  can,
  describePermission,
  PERMISSIONS,
  type Permission,
  permissionsOf,
  requirePermission,
} from "#domain/access/permissions.ts";

const KM = "zone-kunming";
const YX = "zone-yuxi";

function member(
  orgType: ActorMembership["orgType"],
  role: ActorMembership["role"] = "member",
  zoneId = KM,
): ActorMembership {
  return { organisationId: `org-${orgType}-${zoneId}`, orgType, zoneId, role };
}
function actor(memberships: ActorMembership[], roles: Actor["roles"] = []): Actor {
  return { userId: "u1", roles, memberships };
}

const ACTORS: Record<string, Actor> = {
  enterpriseOwner: actor([member("enterprise", "owner")]),
  enterpriseMember: actor([member("enterprise", "member")]),
  universityMember: actor([member("university")]),
  instituteAdmin: actor([member("research_institute", "admin")]),
  provider: actor([member("service_provider")]),
  zoneOfficer: actor([member("zone_administration")]),
  researcher: actor([member("university")], ["researcher"]),
  broker: actor([], ["broker"]),
  expert: actor([], ["expert"]),
  finance: actor([member("platform")], ["finance"]),
  admin: actor([member("platform", "owner")], ["platform_admin"]),
  nobody: actor([]),
};

/** Exactly the permissions each kind of user holds (no context): any change here is deliberate. */
const EXPECTED: Record<string, Permission[]> = {
  enterpriseOwner: [
    "post:challenge:own",
    "review:bid:own",
    "bid:challenge:any",
    "buy:offer:any",
    "apply:voucher:own",
    "apply:subsidy:own",
    "read:wallet:own",
    "manage:organisation:own",
    "fund:challenge:own",
    "withdraw:wallet:own",
    "sign:deal:own",
    "fund:deal:own",
    "declare:relation:own",
  ],
  enterpriseMember: [
    "post:challenge:own",
    "review:bid:own",
    "bid:challenge:any",
    "buy:offer:any",
    "apply:voucher:own",
    "apply:subsidy:own",
    "read:wallet:own",
  ],
  universityMember: ["bid:challenge:any", "publish:offer:own", "apply:subsidy:own", "read:wallet:own"],
  instituteAdmin: [
    "bid:challenge:any",
    "publish:offer:own",
    "apply:subsidy:own",
    "read:wallet:own",
    "manage:organisation:own",
    "withdraw:wallet:own",
    "sign:deal:own",
    "declare:relation:own",
  ],
  provider: ["redeem:voucher:own", "read:wallet:own"],
  zoneOfficer: [
    "approve:challenge:zone",
    "approve:provider:zone",
    "manage:programme:zone",
    "read:indicators:zone",
    "read:audit:zone",
    "arbitrate:deal:zone",
    "confirm:identity:zone",
  ],
  researcher: ["bid:challenge:any", "publish:offer:own", "apply:subsidy:own", "read:wallet:own"],
  broker: ["broker:deal:any"],
  expert: ["review:bid:assigned"],
  finance: ["confirm:deposit:any", "confirm:withdrawal:any", "read:ledger:any"],
  admin: [
    "manage:organisation:own",
    "manage:zone:any",
    "manage:roles:any",
    "manage:organisation:any",
    "confirm:identity:any",
    "approve:challenge:any",
    "arbitrate:deal:any",
    "read:indicators:any",
    "read:audit:any",
    "read:ledger:any",
    "read:jobs:any",
  ],
  nobody: [],
};

describe("unconfirmed organisations (ADR 0022)", () => {
  it("a pending organisation's owner may manage members and see the wallet, nothing else", () => {
    const owner = ACTORS.enterpriseOwner!;
    const pending = {
      ...owner,
      memberships: owner.memberships.map((m) => ({ ...m, confirmation: "pending" as const })),
    };
    expect([...permissionsOf(pending)].sort()).toEqual(["manage:organisation:own", "read:wallet:own"]);
    const rejected = {
      ...owner,
      memberships: owner.memberships.map((m) => ({ ...m, confirmation: "rejected" as const })),
    };
    expect(can(rejected, "post:challenge:own")).toBe(false);
    const confirmed = {
      ...owner,
      memberships: owner.memberships.map((m) => ({ ...m, confirmation: "confirmed" as const })),
    };
    expect(can(confirmed, "post:challenge:own")).toBe(true);
  });
});

describe("permissions matrix", () => {
  for (const [name, a] of Object.entries(ACTORS)) {
    it(`${name} holds exactly its permissions and is refused the rest`, () => {
      const expected = new Set(EXPECTED[name]);
      expect([...permissionsOf(a)].sort()).toEqual([...expected].sort());
      for (const permission of PERMISSIONS) {
        // An `any` grant implies the narrower scopes of the same action and entity.
        const [act, entity] = permission.split(":");
        const implied = expected.has(permission) || expected.has(`${act}:${entity}:any` as Permission);
        expect(can(a, permission), `${name} ${permission}`).toBe(implied);
      }
    });
  }
});

describe("scopes", () => {
  it("own: only the actor's own organisation", () => {
    const a = ACTORS.enterpriseOwner!;
    const own = a.memberships[0]!.organisationId;
    expect(can(a, "manage:organisation:own", { organisationId: own })).toBe(true);
    expect(can(a, "manage:organisation:own", { organisationId: "someone-else" })).toBe(false);
    expect(can(ACTORS.admin!, "manage:organisation:own", { organisationId: "someone-else" })).toBe(true); // via :any
  });

  it("own: a member of two organisations holds manager rights only where they manage", () => {
    const a = actor([
      member("enterprise", "member", KM),
      { ...member("enterprise", "owner", YX), organisationId: "org-b" },
    ]);
    expect(can(a, "withdraw:wallet:own", { organisationId: "org-b" })).toBe(true);
    expect(can(a, "withdraw:wallet:own", { organisationId: "org-enterprise-zone-kunming" })).toBe(false);
    expect(can(a, "read:wallet:own", { organisationId: "org-enterprise-zone-kunming" })).toBe(true);
  });

  it("zone: a zone officer acts in their zone only; an admin everywhere", () => {
    expect(can(ACTORS.zoneOfficer!, "approve:challenge:zone", { zoneId: KM })).toBe(true);
    expect(can(ACTORS.zoneOfficer!, "approve:challenge:zone", { zoneId: YX })).toBe(false);
    expect(can(ACTORS.zoneOfficer!, "read:audit:zone", { zoneId: YX })).toBe(false);
    expect(can(ACTORS.admin!, "read:audit:zone", { zoneId: YX })).toBe(true);
    expect(can(ACTORS.admin!, "approve:challenge:zone", { zoneId: YX })).toBe(true);
    // an enterprise in the zone is no officer of it
    expect(can(ACTORS.enterpriseOwner!, "approve:challenge:zone", { zoneId: KM })).toBe(false);
  });

  it("assigned: an expert reviews only bids assigned to them", () => {
    expect(can(ACTORS.expert!, "review:bid:assigned", { assigned: true })).toBe(true);
    expect(can(ACTORS.expert!, "review:bid:assigned", { assigned: false })).toBe(false);
    expect(can(ACTORS.enterpriseOwner!, "review:bid:assigned", { assigned: true })).toBe(false);
  });

  it("finance confirms deposits; the admin does not (separation of duties)", () => {
    expect(can(ACTORS.finance!, "confirm:deposit:any")).toBe(true);
    expect(can(ACTORS.admin!, "confirm:deposit:any")).toBe(false);
  });
});

describe("requirePermission", () => {
  it("throws forbidden naming the permission, or unauthenticated without an actor", () => {
    expect(() => requirePermission(ACTORS.finance!, "read:ledger:any")).not.toThrow();
    try {
      requirePermission(ACTORS.broker!, "confirm:deposit:any");
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error)).toBe(true);
      if (!isAppError(error)) return;
      expect(error.code).toBe("forbidden");
      expect(error.status).toBe(403);
      expect(error.messageKey).toBe("errors.forbidden");
      expect(error.params).toEqual({ permission: "confirm:deposit:any" });
    }
    expect(() => requirePermission(null, "read:wallet:own")).toThrow(
      expect.objectContaining({ code: "unauthenticated" }),
    );
    expect(can(undefined, "read:wallet:own")).toBe(false);
  });

  it("describes a permission with a translation key", () => {
    expect(describePermission("read:audit:zone")).toBe("permissions.read:audit:zone");
  });
});

describe("getDashboardKind", () => {
  it("gives every kind of user its dashboard", () => {
    expect(getDashboardKind(ACTORS.enterpriseOwner!)).toEqual(["enterprise"]);
    expect(getDashboardKind(ACTORS.universityMember!)).toEqual(["university"]);
    expect(getDashboardKind(ACTORS.instituteAdmin!)).toEqual(["university"]);
    expect(getDashboardKind(ACTORS.provider!)).toEqual(["service_provider"]);
    expect(getDashboardKind(ACTORS.zoneOfficer!)).toEqual(["zone_officer"]);
    expect(getDashboardKind(ACTORS.researcher!)).toEqual(["university", "researcher"]);
    expect(getDashboardKind(ACTORS.broker!)).toEqual(["broker"]);
    expect(getDashboardKind(ACTORS.expert!)).toEqual(["expert"]);
    expect(getDashboardKind(ACTORS.finance!)).toEqual(["finance"]);
    expect(getDashboardKind(ACTORS.admin!)).toEqual(["platform_admin"]);
    expect(getDashboardKind(ACTORS.nobody!)).toEqual([]);
  });
});
