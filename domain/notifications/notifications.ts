import type { Prisma } from "#db/generated/client/client.ts";
import type { DbOrTx } from "../db/client.ts";

/**
 * Records one in-app notification per recipient. `dedupeKey` (the job's idempotency key) makes a
 * retried job write nothing new: the rows are keyed by it and the recipient.
 */
export async function recordNotifications(options: {
  db: DbOrTx;
  dedupeKey: string;
  userIds: readonly string[];
  event: string;
  entityType: string;
  entityId: string;
  params?: Prisma.InputJsonValue;
}): Promise<number> {
  const userIds = [...new Set(options.userIds)];
  if (userIds.length === 0) return 0;
  const result = await options.db.notification.createMany({
    data: userIds.map((userId) => ({
      userId,
      event: options.event,
      entityType: options.entityType,
      entityId: options.entityId,
      params: options.params ?? {},
      dedupeKey: `${options.dedupeKey}:${userId}`,
    })),
    skipDuplicates: true,
  });
  return result.count;
}

export interface NotificationView {
  id: string;
  event: string;
  entityType: string;
  entityId: string;
  params: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
}

/** A user's newest notifications, and how many are unread. */
export async function listNotifications(options: { db: DbOrTx; userId: string; limit?: number; unreadOnly?: boolean }) {
  const [items, unread] = await Promise.all([
    options.db.notification.findMany({
      where: { userId: options.userId, ...(options.unreadOnly ? { readAt: null } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(Math.max(options.limit ?? 50, 1), 200),
    }),
    options.db.notification.count({ where: { userId: options.userId, readAt: null } }),
  ]);
  return {
    unread,
    items: items.map((n): NotificationView => ({ ...n, params: (n.params ?? {}) as Record<string, unknown> })),
  };
}

/** Marks all of a user's notifications read; a user can only touch their own. */
export async function markNotificationsRead(options: { db: DbOrTx; userId: string; now?: Date }): Promise<void> {
  await options.db.notification.updateMany({
    where: { userId: options.userId, readAt: null },
    data: { readAt: options.now ?? new Date() },
  });
}

/** How many of a user's notifications are unread: one indexed count, for the header on every page. */
export function countUnreadNotifications(options: { db: DbOrTx; userId: string }): Promise<number> {
  return options.db.notification.count({ where: { userId: options.userId, readAt: null } });
}

/** Marks one of the user's own notifications read; someone else's id changes nothing. */
export async function markNotificationRead(options: {
  db: DbOrTx;
  userId: string;
  notificationId: string;
  now?: Date;
}): Promise<boolean> {
  const result = await options.db.notification.updateMany({
    where: { id: options.notificationId, userId: options.userId, readAt: null },
    data: { readAt: options.now ?? new Date() },
  });
  return result.count > 0;
}
