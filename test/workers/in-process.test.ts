import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { listFailedJobs, retryJob } from "#domain/jobs/admin.ts";
import { startJobRunner, type JobRunner } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, testEnv, testJobs, waitFor } from "./support.ts";

describe("in-process job runner (no Redis)", () => {
  let db: TestDatabase;
  let runner: JobRunner | undefined;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await db.close();
  });

  const start = async (jobs: ReturnType<typeof testJobs>) => {
    runner = await startJobRunner({
      db: db.prisma,
      env: testEnv(),
      mail: logMail(),
      log: memoryLogger(),
      registry: jobs.registry,
      tuning: { pollIntervalMs: 50, retry: { attempts: 5, backoffMs: 100 } },
    });
    expect(runner.mode).toBe("in-process");
  };

  it("runs an outbox row once and marks it done", async () => {
    const jobs = testJobs();
    const id = await db.prisma.$transaction((tx) => enqueue(tx, "test.touch", { label: "a" }));
    await start(jobs);
    const row = await waitFor(async () => {
      const r = await db.prisma.outboxJob.findUnique({ where: { id } });
      return r?.status === "done" && r;
    });
    expect(row.attempts).toBe(1);
    expect(row.completedAt).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
  });

  it("retries a failing job with growing delays and ends done", async () => {
    const jobs = testJobs();
    const id = await enqueue(db.prisma, "test.flaky", { failures: 2 });
    await start(jobs);
    const started = Date.now();
    const row = await waitFor(async () => {
      const r = await db.prisma.outboxJob.findUnique({ where: { id } });
      return r?.status === "done" && r;
    });
    // backoff 100 ms then 200 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(row.attempts).toBe(3);
    expect(row.lastError).toContain("planned failure 2");
    expect(jobs.runs.get(`ob-${id}`)).toBe(3);
  });

  it("fails a job after its attempts, shows it to admins, and runs it again on retry", async () => {
    const jobs = testJobs();
    const id = await enqueue(db.prisma, "test.flaky", { failures: 5 });
    const invalid = await enqueue(db.prisma, "test.flaky", { failures: "many" });
    await start(jobs);
    await waitFor(async () => (await listFailedJobs({ db: db.prisma })).length === 2, 15_000, "two failed jobs");
    const failed = await listFailedJobs({ db: db.prisma });
    const byId = new Map(failed.map((f) => [f.id, f]));
    expect(byId.get(id)?.attempts).toBe(5);
    // An invalid payload is not retried.
    expect(byId.get(invalid)?.attempts).toBe(1);
    expect(byId.get(invalid)?.lastError).toContain("Invalid payload for test.flaky");
    expect(jobs.runs.get(`ob-${invalid}`)).toBeUndefined();

    await retryJob({ db: db.prisma, id });
    await waitFor(
      async () => (await db.prisma.outboxJob.findUnique({ where: { id } }))?.status === "done",
      15_000,
      "retried job done",
    );
    expect(jobs.runs.get(`ob-${id}`)).toBe(6);
    await expect(retryJob({ db: db.prisma, id })).rejects.toMatchObject({
      code: "conflict",
      messageKey: "errors.jobNotFailed",
    });
    await expect(retryJob({ db: db.prisma, id: 999_999n })).rejects.toMatchObject({ code: "not_found" });
  });

  it("sends mail.send once even when the job runs twice", async () => {
    const jobs = testJobs();
    const payload = {
      to: "li.lei@example.cn",
      template: "password-reset",
      locale: "zh-CN",
      params: { resetPath: "/reset/abc123" },
    };
    const id = await enqueue(db.prisma, "mail.send", payload);
    await start(jobs);
    await waitFor(
      async () => (await db.prisma.outboxJob.findUnique({ where: { id } }))?.status === "done",
      15_000,
      "mail job done",
    );
    // Simulate a duplicate delivery of the same outbox row.
    await db.prisma.outboxJob.update({ where: { id }, data: { status: "pending" } });
    runner!.wake();
    await waitFor(
      async () => (await db.prisma.outboxJob.findUnique({ where: { id } }))?.status === "done",
      15_000,
      "mail job done again",
    );
    const messages = await db.prisma.mailMessage.findMany({ where: { to: "li.lei@example.cn" } });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain("https://jiebang.example.cn/reset/abc123");
    expect(messages[0]!.subject).toBe("重置您的揭榜平台密码");
  });

  it("runs a row again when its run never finished (crash while dispatched)", async () => {
    const jobs = testJobs();
    const id = await enqueue(db.prisma, "test.touch", { label: "stuck" });
    await db.prisma.outboxJob.update({
      where: { id },
      data: { status: "dispatched", updatedAt: new Date(Date.now() - 3_600_000) },
    });
    runner = await startJobRunner({
      db: db.prisma,
      env: testEnv(),
      mail: logMail(),
      log: memoryLogger(),
      registry: jobs.registry,
      tuning: { pollIntervalMs: 50, staleAfterMs: 60_000 },
    });
    await waitFor(
      async () => (await db.prisma.outboxJob.findUnique({ where: { id } }))?.status === "done",
      15_000,
      "stale job done",
    );
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
  });
});
