import type { MembershipRole, OrgType } from "#db/generated/client/enums.ts";
import type { DbOrTx } from "../db/client.ts";
import { type Actor, can, requirePermission } from "../access/permissions.ts";

export interface ManagedOrganisation {
  id: string;
  name: string;
  type: OrgType;
  members: { userId: string; name: string; email: string; role: MembershipRole; since: Date }[];
  pendingInvitations: { id: string; email: string; role: MembershipRole; expiresAt: Date }[];
}

/** The organisations the actor manages, with their members and open invitations. */
export async function listManagedOrganisations(options: {
  db: DbOrTx;
  actor: Actor;
  now?: Date;
}): Promise<ManagedOrganisation[]> {
  const { db, actor } = options;
  const ids = actor.memberships
    .filter((m) => can(actor, "manage:organisation:own", { organisationId: m.organisationId }))
    .map((m) => m.organisationId);
  if (ids.length === 0) requirePermission(actor, "manage:organisation:own");
  const orgs = await db.organisation.findMany({
    where: { id: { in: ids } },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      type: true,
      memberships: {
        orderBy: { createdAt: "asc" },
        select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
      },
      invitations: {
        where: { acceptedAt: null, expiresAt: { gt: options.now ?? new Date() } },
        orderBy: { createdAt: "desc" },
        select: { id: true, email: true, role: true, expiresAt: true },
      },
    },
  });
  return orgs.map((org) => ({
    id: org.id,
    name: org.name,
    type: org.type,
    members: org.memberships.map((m) => ({
      userId: m.user.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      since: m.createdAt,
    })),
    pendingInvitations: org.invitations,
  }));
}
