import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { parseCron } from "#workers/cron.ts";
import { startJobRunner, type JobRunner } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, testEnv, testJobs, waitFor } from "./support.ts";

describe("cron patterns in Asia/Shanghai", () => {
  it("matches minutes, hours, steps, lists and weekdays in Shanghai time", () => {
    const nightly = parseCron("30 2 * * *", "Asia/Shanghai");
    expect(nightly.matches(new Date("2026-11-25T18:30:00Z"))).toBe(true); // 02:30 on the 26th in Shanghai
    expect(nightly.matches(new Date("2026-11-26T02:30:00Z"))).toBe(false);
    const weekdays = parseCron("*/15 9-17 * * 1-5", "Asia/Shanghai");
    expect(weekdays.matches(new Date("2026-11-27T01:45:00Z"))).toBe(true); // Friday 09:45
    expect(weekdays.matches(new Date("2026-11-28T01:45:00Z"))).toBe(false); // Saturday
    expect(parseCron("0 0 1,15 * 7", "Asia/Shanghai").matches(new Date("2026-11-28T16:00:00Z"))).toBe(true); // Sunday the 29th
    expect(() => parseCron("61 * * * *", "Asia/Shanghai")).toThrow("minute out of range");
    expect(() => parseCron("* * *", "Asia/Shanghai")).toThrow("five fields");
  });
});

describe("in-process scheduler", () => {
  let db: TestDatabase | undefined;
  const runners: JobRunner[] = [];
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await db?.close();
  });

  it("enqueues one run per fire time even with two processes, and runs it", async () => {
    db = await createTestDatabase();
    const jobs = testJobs();
    const fixed = new Date("2026-11-25T18:30:20Z");
    for (let i = 0; i < 2; i++) {
      runners.push(
        await startJobRunner({
          db: db.prisma,
          env: testEnv(),
          mail: logMail(),
          log: memoryLogger(),
          registry: jobs.registry,
          schedules: [{ id: "touch-nightly", job: "test.touch", pattern: "30 2 * * *", payload: { label: "nightly" } }],
          tuning: { pollIntervalMs: 50, scheduleTickMs: 50 },
          now: () => fixed,
        }),
      );
    }
    const row = await waitFor(async () => {
      const r = await db!.prisma.outboxJob.findFirst({ where: { name: "test.touch" } });
      return r?.status === "done" && r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.prisma.outboxJob.count({ where: { name: "test.touch" } })).toBe(1);
    expect(row.runAfter.toISOString()).toBe("2026-11-25T18:30:00.000Z");
    expect(row.payload).toEqual({ label: "nightly" });
  });
});
