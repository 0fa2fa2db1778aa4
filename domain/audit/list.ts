import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { type Actor, can, officerZoneIds, requirePermission } from "../access/permissions.ts";

export interface AuditEventView {
  id: string;
  actorId: string | null;
  /** The actor's display name, when the actor is a user that still exists. */
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  zoneId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: Date;
}

/**
 * Audit events, newest first, a page at a time. Platform admins read every zone (or the one they
 * ask for); zone officers read their own zone only. `cursor` is the `nextCursor` of the previous page.
 */
export async function listAuditEvents(options: {
  db: Db;
  actor: Actor;
  zoneId?: string;
  cursor?: string | null;
  limit?: number;
}): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const { db, actor } = options;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  let zoneIds: string[] | undefined;
  if (can(actor, "read:audit:any")) {
    zoneIds = options.zoneId ? [options.zoneId] : undefined;
  } else if (options.zoneId) {
    requirePermission(actor, "read:audit:zone", { zoneId: options.zoneId });
    zoneIds = [options.zoneId];
  } else {
    requirePermission(actor, "read:audit:zone");
    zoneIds = officerZoneIds(actor);
  }
  let cursorId: bigint | undefined;
  if (options.cursor) {
    if (!/^\d{1,19}$/.test(options.cursor)) throw new AppError("bad_request", "errors.badCursor");
    cursorId = BigInt(options.cursor);
  }
  const rows = await db.auditEvent.findMany({
    where: {
      ...(zoneIds ? { zoneId: { in: zoneIds } } : {}),
      ...(cursorId !== undefined ? { id: { lt: cursorId } } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const actorIds = [...new Set(page.map((r) => r.actorId).filter((id): id is string => id !== null))];
  const actors = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } });
  const names = new Map(actors.map((a) => [a.id, a.name]));
  return {
    events: page.map((r) => ({
      ...r,
      id: r.id.toString(),
      actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
  };
}
