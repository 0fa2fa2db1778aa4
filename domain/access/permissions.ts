import type { MembershipRole, OrgType, PersonalRole } from "#db/generated/client/enums.ts";
import { AppError } from "../errors.ts";

/**
 * Typed permissions, `action:entity:access` (Epic Stack style). Access is the scope of a grant:
 * `own` — things of an organisation the actor belongs to; `zone` — things in the zone of the
 * actor's zone-administration organisation; `assigned` — things the actor was assigned to (an
 * expert's bids); `any` — everything. An `any` grant satisfies every narrower check.
 */
export const PERMISSIONS = [
  // organisations and people
  "manage:organisation:own",
  "manage:organisation:any",
  "manage:roles:any",
  "manage:zone:any",
  "confirm:identity:zone",
  "confirm:identity:any",
  // challenges (揭榜挂帅)
  "post:challenge:own",
  "fund:challenge:own",
  "bid:challenge:any",
  "review:bid:own",
  "review:bid:assigned",
  "approve:challenge:zone",
  "approve:challenge:any",
  // technology transfer (成果转化)
  "publish:offer:own",
  "buy:offer:any",
  "broker:deal:any",
  "sign:deal:own",
  "fund:deal:own",
  "declare:relation:own",
  "arbitrate:deal:zone",
  "arbitrate:deal:any",
  // vouchers (科技创新券) and subsidies
  "apply:voucher:own",
  "redeem:voucher:own",
  "apply:subsidy:own",
  "approve:provider:zone",
  "manage:programme:zone",
  "read:indicators:zone",
  "read:indicators:any",
  // money
  "read:wallet:own",
  "withdraw:wallet:own",
  "confirm:deposit:any",
  "confirm:withdrawal:any",
  "read:ledger:any",
  // operations
  "read:audit:zone",
  "read:audit:any",
  "read:jobs:any",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export interface ActorMembership {
  organisationId: string;
  orgType: OrgType;
  zoneId: string;
  role: MembershipRole;
  /** A self-registered organisation a zone officer has not confirmed yet (ADR 0022); absent = confirmed. */
  confirmation?: "pending" | "confirmed" | "rejected";
}

/** Who is asking: enough to decide every permission without another query. */
export interface Actor {
  userId: string;
  roles: PersonalRole[];
  memberships: ActorMembership[];
}

/** What a check is about: the organisation that owns the thing, its zone, or an assignment. */
export interface PermissionContext {
  organisationId?: string;
  zoneId?: string;
  /** For `assigned` permissions: whether the actor is assigned to the thing. */
  assigned?: boolean;
}

const ANY_MEMBER = ["owner", "admin", "member"] as const satisfies readonly MembershipRole[];
const MANAGERS = ["owner", "admin"] as const satisfies readonly MembershipRole[];

/** Permissions a membership gives, by organisation type and membership role. */
const BY_ORG_TYPE: Record<OrgType, { roles: readonly MembershipRole[]; permissions: Permission[] }[]> = {
  enterprise: [
    {
      roles: ANY_MEMBER,
      permissions: [
        "post:challenge:own",
        "review:bid:own",
        "bid:challenge:any",
        "buy:offer:any",
        "apply:voucher:own",
        "apply:subsidy:own",
        "read:wallet:own",
      ],
    },
    {
      roles: MANAGERS,
      permissions: [
        "manage:organisation:own",
        "fund:challenge:own",
        "withdraw:wallet:own",
        "sign:deal:own",
        "fund:deal:own",
        "declare:relation:own",
      ],
    },
  ],
  university: [
    {
      roles: ANY_MEMBER,
      permissions: ["bid:challenge:any", "publish:offer:own", "apply:subsidy:own", "read:wallet:own"],
    },
    {
      roles: MANAGERS,
      permissions: ["manage:organisation:own", "withdraw:wallet:own", "sign:deal:own", "declare:relation:own"],
    },
  ],
  research_institute: [
    {
      roles: ANY_MEMBER,
      permissions: ["bid:challenge:any", "publish:offer:own", "apply:subsidy:own", "read:wallet:own"],
    },
    {
      roles: MANAGERS,
      permissions: ["manage:organisation:own", "withdraw:wallet:own", "sign:deal:own", "declare:relation:own"],
    },
  ],
  service_provider: [
    { roles: ANY_MEMBER, permissions: ["redeem:voucher:own", "read:wallet:own"] },
    { roles: MANAGERS, permissions: ["manage:organisation:own", "withdraw:wallet:own"] },
  ],
  zone_administration: [
    {
      roles: ANY_MEMBER,
      permissions: [
        "approve:challenge:zone",
        "approve:provider:zone",
        "manage:programme:zone",
        "read:indicators:zone",
        "read:audit:zone",
        "arbitrate:deal:zone",
        "confirm:identity:zone",
      ],
    },
    { roles: MANAGERS, permissions: ["manage:organisation:own"] },
  ],
  // Platform staff act through personal roles (finance, platform_admin), not through membership.
  platform: [{ roles: MANAGERS, permissions: ["manage:organisation:own"] }],
};

/** Permissions a personal role gives, whatever the organisation. */
const BY_PERSONAL_ROLE: Record<PersonalRole, Permission[]> = {
  researcher: ["bid:challenge:any"],
  broker: ["broker:deal:any"],
  expert: ["review:bid:assigned"],
  finance: ["confirm:deposit:any", "confirm:withdrawal:any", "read:ledger:any"],
  // Admins run the platform; confirming money stays with finance (separation of duties).
  platform_admin: [
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
};

export interface Grant {
  permission: Permission;
  /** Set for grants that come from a membership: the organisation and its zone. */
  organisationId?: string;
  zoneId?: string;
}

/**
 * What a membership of an unconfirmed organisation still allows (ADR 0022): inviting colleagues
 * and seeing the wallet; nothing that posts, lists, buys, bids, pays or signs.
 */
const UNCONFIRMED_ORG_PERMISSIONS: readonly Permission[] = ["manage:organisation:own", "read:wallet:own"];

/** Every grant the actor holds, with the organisation/zone each one is scoped to. */
export function grantsOf(actor: Actor): Grant[] {
  const grants: Grant[] = [];
  for (const m of actor.memberships) {
    const unconfirmed = m.confirmation !== undefined && m.confirmation !== "confirmed";
    for (const rule of BY_ORG_TYPE[m.orgType]) {
      if (!rule.roles.includes(m.role)) continue;
      for (const permission of rule.permissions) {
        if (unconfirmed && !UNCONFIRMED_ORG_PERMISSIONS.includes(permission)) continue;
        grants.push({ permission, organisationId: m.organisationId, zoneId: m.zoneId });
      }
    }
  }
  for (const role of actor.roles) {
    for (const permission of BY_PERSONAL_ROLE[role]) grants.push({ permission });
  }
  return grants;
}

/** The distinct permission strings the actor holds (for menus and the 403 page). */
export function permissionsOf(actor: Actor): Set<Permission> {
  return new Set(grantsOf(actor).map((g) => g.permission));
}

/**
 * Whether the actor holds `permission` for `context`. Without a context, a scoped permission is
 * held if any grant of it exists (e.g. "may see the approvals page at all").
 */
export function can(actor: Actor | null | undefined, permission: Permission, context: PermissionContext = {}): boolean {
  if (!actor) return false;
  const [action, entity, access] = permission.split(":") as [string, string, string];
  const grants = grantsOf(actor);
  if (grants.some((g) => g.permission === `${action}:${entity}:any`)) return true;
  const matching = grants.filter((g) => g.permission === permission);
  switch (access) {
    case "own":
      return matching.some((g) => context.organisationId === undefined || g.organisationId === context.organisationId);
    case "zone":
      return matching.some((g) => context.zoneId === undefined || g.zoneId === context.zoneId);
    case "assigned":
      return matching.length > 0 && context.assigned !== false;
    default:
      return false;
  }
}

/** Throws the 403 AppError naming the missing permission unless the actor holds it. */
export function requirePermission(
  actor: Actor | null | undefined,
  permission: Permission,
  context: PermissionContext = {},
): asserts actor is Actor {
  if (!actor) throw new AppError("unauthenticated", "errors.unauthenticated");
  if (!can(actor, permission, context)) {
    throw new AppError("forbidden", "errors.forbidden", { params: { permission } });
  }
}

/** The translation key describing a permission, for the 403 page: "permissions.read:audit:zone". */
export function describePermission(permission: Permission): `permissions.${Permission}` {
  return `permissions.${permission}`;
}

/** Zones in which the actor is a zone officer (member of that zone's administration). */
export function officerZoneIds(actor: Actor): string[] {
  return [...new Set(actor.memberships.filter((m) => m.orgType === "zone_administration").map((m) => m.zoneId))];
}
