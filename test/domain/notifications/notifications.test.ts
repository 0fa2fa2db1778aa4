import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createUser } from "#tests/support/factories.ts";
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationRead,
  markNotificationsRead,
  recordNotifications,
} from "#domain/notifications/notifications.ts";

describe("in-app notifications (the inbox)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("lists newest first, counts unread, marks one (only one's own) and all as read", async () => {
    const alice = await createUser({ db: db.prisma });
    const bob = await createUser({ db: db.prisma });
    for (const [i, event] of ["challenge.approved", "challenge.question_answered", "challenge.result"].entries()) {
      await recordNotifications({
        db: db.prisma,
        dedupeKey: `k${i}`,
        userIds: [alice.id, bob.id],
        event,
        entityType: "challenge",
        entityId: `c${i}`,
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    // A retried job writes nothing new.
    expect(
      await recordNotifications({
        db: db.prisma,
        dedupeKey: "k0",
        userIds: [alice.id],
        event: "challenge.approved",
        entityType: "challenge",
        entityId: "c0",
      }),
    ).toBe(0);
    const listed = await listNotifications({ db: db.prisma, userId: alice.id });
    expect(listed.items.map((n) => n.event)).toEqual([
      "challenge.result",
      "challenge.question_answered",
      "challenge.approved",
    ]);
    expect(listed.unread).toBe(3);
    expect(await countUnreadNotifications({ db: db.prisma, userId: alice.id })).toBe(3);

    const newest = listed.items[0]!;
    // Bob cannot mark Alice's notification.
    expect(await markNotificationRead({ db: db.prisma, userId: bob.id, notificationId: newest.id })).toBe(false);
    expect(await countUnreadNotifications({ db: db.prisma, userId: alice.id })).toBe(3);
    expect(await markNotificationRead({ db: db.prisma, userId: alice.id, notificationId: newest.id })).toBe(true);
    expect(await markNotificationRead({ db: db.prisma, userId: alice.id, notificationId: newest.id })).toBe(false);
    expect(await countUnreadNotifications({ db: db.prisma, userId: alice.id })).toBe(2);
    expect(
      (await listNotifications({ db: db.prisma, userId: alice.id, unreadOnly: true })).items.map((n) => n.event),
    ).toEqual(["challenge.question_answered", "challenge.approved"]);

    await markNotificationsRead({ db: db.prisma, userId: alice.id });
    expect(await countUnreadNotifications({ db: db.prisma, userId: alice.id })).toBe(0);
    expect(await countUnreadNotifications({ db: db.prisma, userId: bob.id })).toBe(3);
  });
});
