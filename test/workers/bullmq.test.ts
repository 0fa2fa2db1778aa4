import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { listFailedJobs, listQueueTrouble } from "#domain/jobs/admin.ts";
import { outboxJobId, startJobRunner, type JobRunner, type RunnerTuning } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, redisUrlForTests, testEnv, testJobs, uniqueName, waitFor } from "./support.ts";

const redisUrl = redisUrlForTests();

describe.skipIf(!redisUrl)("BullMQ job runner (REDIS_URL)", () => {
  let db: TestDatabase;
  let runner: JobRunner | undefined;
  let tuning: Partial<RunnerTuning>;
  let cleanup: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    // A queue of its own per test, so tests (and parallel test files) never share jobs.
    tuning = {
      queueName: uniqueName("jobs"),
      prefix: uniqueName("test"),
      pollIntervalMs: 50,
      retry: { attempts: 5, backoffMs: 100 },
    };
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    for (const step of cleanup) await step();
    cleanup = [];
    await db.close();
  });

  const start = async (jobs: ReturnType<typeof testJobs>, url = redisUrl!, extra: Partial<RunnerTuning> = {}) => {
    runner = await startJobRunner({
      db: db.prisma,
      env: testEnv({ REDIS_URL: url }),
      mail: logMail(),
      log: memoryLogger(),
      registry: jobs.registry,
      tuning: { ...tuning, ...extra },
    });
    expect(runner.mode).toBe("bullmq");
  };
  const openQueue = () => {
    const connection = new Redis(redisUrl!, { maxRetriesPerRequest: null });
    const queue = new Queue(tuning.queueName!, { connection, prefix: tuning.prefix! });
    cleanup.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    });
    return queue;
  };
  const statusOf = async (id: bigint) => (await db.prisma.outboxJob.findUnique({ where: { id } }))?.status;

  it("takes an outbox row through BullMQ to the processor and marks it done", async () => {
    const jobs = testJobs();
    const queue = openQueue();
    const id = await db.prisma.$transaction((tx) => enqueue(tx, "test.touch", { label: "via redis" }));
    await start(jobs);
    await waitFor(async () => (await statusOf(id)) === "done", 15_000, "row done");
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
    const job = await queue.getJob(outboxJobId(id));
    expect(job?.name).toBe("test.touch");
    expect(await job?.isCompleted()).toBe(true);
  });

  it("retries a job that fails twice with exponential backoff, then marks it done", async () => {
    const jobs = testJobs();
    openQueue();
    const id = await enqueue(db.prisma, "test.flaky", { failures: 2 });
    await start(jobs);
    const started = Date.now();
    await waitFor(async () => (await statusOf(id)) === "done", 20_000, "row done");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // 100 ms + 200 ms
    const row = await db.prisma.outboxJob.findUniqueOrThrow({ where: { id } });
    expect(row.attempts).toBe(3);
    expect(row.lastError).toContain("planned failure 2");
    expect(jobs.runs.get(`ob-${id}`)).toBe(3);
  });

  it("marks a job failed after its attempts, and an invalid payload at once", async () => {
    const jobs = testJobs();
    openQueue();
    const id = await enqueue(db.prisma, "test.flaky", { failures: 10 });
    const invalid = await enqueue(db.prisma, "test.flaky", { failures: "x" });
    await start(jobs, redisUrl, { retry: { attempts: 3, backoffMs: 50 } });
    await waitFor(async () => (await listFailedJobs({ db: db.prisma })).length === 2, 20_000, "two failed rows");
    const failed = new Map((await listFailedJobs({ db: db.prisma })).map((f) => [f.id, f]));
    expect(failed.get(id)?.attempts).toBe(3);
    expect(failed.get(invalid)?.attempts).toBe(1);
    expect(jobs.runs.get(`ob-${invalid}`)).toBeUndefined();
  });

  it("runs a row once when the dispatcher crashed after adding it to the queue but before marking it", async () => {
    const jobs = testJobs();
    const queue = openQueue();
    const id = await enqueue(db.prisma, "test.touch", { label: "crash" });
    // What the dispatcher's queue.add did before the crash; the row is still pending.
    await queue.add(
      "test.touch",
      { outboxId: id.toString() },
      { jobId: outboxJobId(id), attempts: 5, removeOnComplete: { age: 3600 } },
    );
    await start(jobs);
    await waitFor(async () => (await statusOf(id)) === "done", 15_000, "row done");
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the dispatcher pass over it again
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
    expect(await statusOf(id)).toBe("done");
  });

  it("dispatches again a row marked dispatched whose BullMQ job is gone", async () => {
    const jobs = testJobs();
    openQueue();
    const id = await enqueue(db.prisma, "test.touch", { label: "lost" });
    await db.prisma.outboxJob.update({
      where: { id },
      data: { status: "dispatched", updatedAt: new Date(Date.now() - 3_600_000) },
    });
    await start(jobs, redisUrl, { staleAfterMs: 60_000 });
    await waitFor(async () => (await statusOf(id)) === "done", 15_000, "row done");
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
  });

  it("leaves rows pending while Redis is unreachable, and loses none", async () => {
    const jobs = testJobs();
    const ids = [
      await enqueue(db.prisma, "test.touch", { label: "1" }),
      await enqueue(db.prisma, "test.touch", { label: "2" }),
    ];
    await start(jobs, "redis://127.0.0.1:1", { handOffTimeoutMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await runner!.stop();
    runner = undefined;
    for (const id of ids) expect(await statusOf(id)).toBe("pending");
    expect(jobs.runs.size).toBe(0);

    // Redis is back: the same rows go through.
    openQueue();
    await start(jobs);
    for (const id of ids) await waitFor(async () => (await statusOf(id)) === "done", 15_000, `row ${id} done`);
    for (const id of ids) expect(jobs.runs.get(`ob-${id}`)).toBe(1);
  });

  it("sends mail.send once through BullMQ even when the job is delivered twice", async () => {
    const jobs = testJobs();
    const queue = openQueue();
    const id = await enqueue(db.prisma, "mail.send", {
      to: "wang.fang@example.cn",
      template: "invitation",
      locale: "en",
      params: { invitePath: "/invitations/xyz", inviterName: "Li Lei", organisationName: "昆明理工大学" },
    });
    await start(jobs);
    await waitFor(async () => (await statusOf(id)) === "done", 15_000, "mail row done");
    // A second delivery of the same logical job (as after a lost acknowledgement), under a new BullMQ id.
    await db.prisma.outboxJob.update({ where: { id }, data: { status: "dispatched" } });
    await queue.add("mail.send", { outboxId: id.toString() }, { jobId: `${outboxJobId(id)}-again` });
    await waitFor(async () => (await statusOf(id)) === "done", 15_000, "mail row done again");
    const messages = await db.prisma.mailMessage.findMany({ where: { to: "wang.fang@example.cn" } });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe("Li Lei invited you to join 昆明理工大学");
  });

  it("turns a scheduler tick into one outbox run per fire time", async () => {
    const jobs = testJobs();
    const queue = openQueue();
    await start(jobs);
    const fire = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000; // an hour ago: due now
    // What BullMQ's job scheduler adds each tick (its ids end with the fire time in ms); twice, as after a duplicate tick.
    await queue.add(
      "test.touch",
      { scheduleId: "touch-nightly", payload: { label: "nightly" } },
      { jobId: `sched-a-${fire}` },
    );
    await queue.add(
      "test.touch",
      { scheduleId: "touch-nightly", payload: { label: "nightly" } },
      { jobId: `sched-b-${fire}` },
    );
    const row = await waitFor(async () => {
      const r = await db.prisma.outboxJob.findFirst({ where: { name: "test.touch" } });
      return r?.status === "done" && r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.prisma.outboxJob.count({ where: { name: "test.touch" } })).toBe(1);
    expect(row.runAfter.getTime()).toBe(fire);
    expect(jobs.runs.get(`ob-${row.id}`)).toBe(1);
    // Each tick is recorded for /healthz, whichever process ran it.
    const tick = await db.prisma.jobScheduleTick.findUniqueOrThrow({ where: { id: "touch-nightly" } });
    expect(tick).toMatchObject({ job: "test.touch", ticks: 2 });
    expect(tick.lastFireAt.getTime()).toBe(fire);
  });
  it("notices within seconds that the queue lost a dispatched row's job, sends it again and counts it", async () => {
    const jobs = testJobs();
    openQueue();
    const id = await enqueue(db.prisma, "test.touch", { label: "lost in a Redis restart" });
    // Dispatched a few seconds ago, then Redis restarted without its data: the job is gone.
    await db.prisma.outboxJob.update({
      where: { id },
      data: { status: "dispatched", updatedAt: new Date(Date.now() - 5_000) },
    });
    await start(jobs, redisUrl, { lossCheckIntervalMs: 200 });
    await waitFor(async () => (await statusOf(id)) === "done", 5_000, "lost row sent again and done");
    const row = await db.prisma.outboxJob.findUniqueOrThrow({ where: { id } });
    expect(row.lostInQueue).toBe(1);
    expect(row.lastError).toMatch(/lost by the queue/);
    expect(jobs.runs.get(`ob-${id}`)).toBe(1);
    const trouble = await listQueueTrouble({ db: db.prisma });
    expect(trouble.totals.lostInQueue).toBe(1);
    expect(trouble.jobs.map((job) => job.id)).toEqual([id]);
  });

  it("counts a run interrupted by a worker that stopped mid-job (stalled) and runs it to the end", async () => {
    const jobs = testJobs();
    const queue = openQueue();
    const id = await enqueue(db.prisma, "test.touch", { label: "interrupted" });
    // A worker takes the job and then freezes: its lock lapses without the job finishing.
    const frozenConnection = new Redis(redisUrl!, { maxRetriesPerRequest: null });
    await queue.add("test.touch", { outboxId: id.toString() }, { jobId: outboxJobId(id), attempts: 5 });
    await db.prisma.outboxJob.update({ where: { id }, data: { status: "dispatched" } });
    const frozen = new Worker(tuning.queueName!, () => new Promise(() => undefined), {
      connection: frozenConnection,
      prefix: tuning.prefix!,
      lockDuration: 300,
      skipLockRenewal: true,
      skipStalledCheck: true,
    });
    cleanup.push(async () => {
      await frozen.close(true);
      frozenConnection.disconnect();
    });
    await waitFor(async () => (await queue.getActiveCount()) === 1, 5_000, "frozen worker took the job");
    await start(jobs, redisUrl, { stalledIntervalMs: 300 });
    await waitFor(async () => (await statusOf(id)) === "done", 10_000, "interrupted row done");
    const row = await db.prisma.outboxJob.findUniqueOrThrow({ where: { id } });
    expect(row.stalls).toBeGreaterThanOrEqual(1);
    expect((await listQueueTrouble({ db: db.prisma })).totals.stalls).toBeGreaterThanOrEqual(1);
  });
});
