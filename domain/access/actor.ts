import type { DbOrTx } from "../db/client.ts";
import type { Actor } from "./permissions.ts";

/** The actor for a user id, or null when the user does not exist. */
export async function loadActor(options: { db: DbOrTx; userId: string }): Promise<Actor | null> {
  const user = await options.db.user.findUnique({
    where: { id: options.userId },
    select: {
      id: true,
      roles: { select: { role: true } },
      memberships: {
        select: {
          organisationId: true,
          role: true,
          organisation: { select: { type: true, zoneId: true, confirmation: true } },
        },
      },
    },
  });
  if (!user) return null;
  return {
    userId: user.id,
    roles: user.roles.map((r) => r.role),
    memberships: user.memberships.map((m) => ({
      organisationId: m.organisationId,
      orgType: m.organisation.type,
      zoneId: m.organisation.zoneId,
      role: m.role,
      confirmation: m.organisation.confirmation,
    })),
  };
}
