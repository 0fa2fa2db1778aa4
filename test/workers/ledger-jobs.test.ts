import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { defaultJobRegistry } from "#workers/registry.ts";
import { jobSchedules } from "#workers/schedules.ts";
import { startJobRunner } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, testEnv, waitFor } from "./support.ts";

describe("scheduled platform jobs", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it("registers every scheduled job", () => {
    for (const schedule of jobSchedules) expect(defaultJobRegistry.get(schedule.job), schedule.job).toBeDefined();
  });

  it("runs ledger.reconcile, holds.expire and outbox.prune against a fresh database", async () => {
    const ids = [
      await enqueue(db.prisma, "ledger.reconcile", {}),
      await enqueue(db.prisma, "holds.expire", {}),
      await enqueue(db.prisma, "outbox.prune", {}),
    ];
    const runner = await startJobRunner({
      db: db.prisma,
      env: testEnv(),
      mail: logMail(),
      log: memoryLogger(),
      schedules: [],
      tuning: { pollIntervalMs: 50 },
    });
    try {
      for (const id of ids) {
        const row = await waitFor(async () => {
          const r = await db.prisma.outboxJob.findUnique({ where: { id } });
          return (r?.status === "done" || r?.status === "failed") && r;
        });
        expect(row.status, `${row.name}: ${row.lastError}`).toBe("done");
      }
    } finally {
      await runner.stop();
    }
  });
});
