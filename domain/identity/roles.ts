import type { PersonalRole } from "#db/generated/client/enums.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, requirePermission } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import { primaryZoneId } from "./sessions.ts";

/**
 * Grants a personal role; only platform admins may (finance and platform_admin exist only this
 * way). Granting a role the user already holds changes nothing and is not an error.
 */
export async function grantRole(options: {
  db: Db;
  actor: Actor;
  userId: string;
  role: PersonalRole;
  brokerCredentialNo?: string;
  ip?: string | null;
}): Promise<void> {
  const { db, actor, userId, role } = options;
  requirePermission(actor, "manage:roles:any");
  const credential = options.brokerCredentialNo?.trim() || null;
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { brokerCredentialNo: true } });
    if (!user) throw new AppError("not_found", "errors.userNotFound");
    if (role === "broker" && !credential && !user.brokerCredentialNo) {
      throw new AppError("bad_request", "errors.brokerCredentialRequired", {
        fieldErrors: { brokerCredentialNo: "errors.brokerCredentialRequired" },
      });
    }
    const existing = await tx.userRole.findUnique({ where: { userId_role: { userId, role } } });
    if (existing) return;
    await tx.userRole.create({ data: { userId, role } });
    if (role === "broker" && credential)
      await tx.user.update({ where: { id: userId }, data: { brokerCredentialNo: credential } });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "role.grant",
      entityType: "user",
      entityId: userId,
      zoneId: await primaryZoneId(tx, userId),
      after: { role, ...(role === "broker" && credential ? { brokerCredentialNo: credential } : {}) },
      ip: options.ip ?? null,
    });
  });
}

/** Takes a personal role away; platform admins only, and never their own admin role. */
export async function revokeRole(options: {
  db: Db;
  actor: Actor;
  userId: string;
  role: PersonalRole;
  ip?: string | null;
}): Promise<void> {
  const { db, actor, userId, role } = options;
  requirePermission(actor, "manage:roles:any");
  if (role === "platform_admin" && userId === actor.userId) {
    throw new AppError("bad_request", "errors.cannotRevokeOwnAdmin");
  }
  await db.$transaction(async (tx) => {
    const removed = await tx.userRole.deleteMany({ where: { userId, role } });
    if (removed.count === 0) return;
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "role.revoke",
      entityType: "user",
      entityId: userId,
      zoneId: await primaryZoneId(tx, userId),
      before: { role },
      ip: options.ip ?? null,
    });
  });
}
