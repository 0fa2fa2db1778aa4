import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { listNotifications, markNotificationsRead } from "#domain/notifications/notifications.ts";
import { startJobRunner } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, testEnv, waitFor } from "./support.ts";

describe("challenge jobs", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  async function runUntilSettled(ids: bigint[]) {
    const runner = await startJobRunner({
      db: db.prisma,
      env: testEnv(),
      mail: logMail(),
      log: memoryLogger(),
      schedules: [],
      tuning: { pollIntervalMs: 50 },
    });
    try {
      return await Promise.all(
        ids.map((id) =>
          waitFor(async () => {
            const row = await db.prisma.outboxJob.findUnique({ where: { id } });
            return (row?.status === "done" || row?.status === "failed") && row;
          }),
        ),
      );
    } finally {
      await runner.stop();
    }
  }

  it("records challenge.notify as one in-app notification per recipient, once even when retried", async () => {
    const zone = await createZone({ db: db.prisma });
    const org = await createOrganisation({ db: db.prisma, zoneId: zone.id });
    const [a, b] = [
      await createUser({ db: db.prisma, passwordHash: "x", memberships: [{ organisationId: org.id }] }),
      await createUser({ db: db.prisma, passwordHash: "x" }),
    ];
    const id = await enqueue(db.prisma, "challenge.notify", {
      event: "approved",
      challengeId: "ch-1",
      userIds: [a.id, b.id, a.id],
      reason: "符合发榜条件",
    });
    const [first] = await runUntilSettled([id]);
    expect(first?.status, first?.lastError ?? "").toBe("done");
    // A retry of the same outbox row (same idempotency key) writes nothing new.
    await db.prisma.outboxJob.update({ where: { id }, data: { status: "pending", runAfter: new Date(0) } });
    const [second] = await runUntilSettled([id]);
    expect(second?.status).toBe("done");

    const forA = await listNotifications({ db: db.prisma, userId: a.id });
    expect(forA.unread).toBe(1);
    expect(forA.items[0]).toMatchObject({
      event: "challenge.approved",
      entityType: "challenge",
      entityId: "ch-1",
      params: { reason: "符合发榜条件" },
    });
    expect((await listNotifications({ db: db.prisma, userId: b.id })).items).toHaveLength(1);
    await markNotificationsRead({ db: db.prisma, userId: a.id });
    expect((await listNotifications({ db: db.prisma, userId: a.id })).unread).toBe(0);
    expect((await listNotifications({ db: db.prisma, userId: b.id })).unread).toBe(1);
  });

  it("runs the deadline and public-notice schedules' jobs against a fresh database", async () => {
    const ids = [
      await enqueue(db.prisma, "challenge.closeDue", {}),
      await enqueue(db.prisma, "challenge.noticesEnd", {}),
    ];
    for (const row of await runUntilSettled(ids)) expect(row?.status, `${row?.name}: ${row?.lastError}`).toBe("done");
  });
});
