import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Db } from "#domain/db/client.ts";
import type { Env } from "#domain/env.ts";
import {
  claimOutboxJobs,
  enqueueScheduledRun,
  findOutboxJob,
  findStaleDispatchedJobs,
  listDispatchedJobs,
  markOutboxJobDone,
  recordOutboxFailure,
  recordStalledRun,
  releaseDispatchedJobs,
  releaseLostJobs,
  type ClaimedOutboxJob,
} from "#domain/jobs/outbox-rows.ts";
import { recordScheduleTick } from "#domain/jobs/schedule-ticks.ts";
import type { MailTransport } from "#domain/mail/transport.ts";
import type { SearchEngine } from "#search/engine.ts";
import { parseCron } from "./cron.ts";
import {
  backoffDelay,
  defaultRetryPolicy,
  errorMessage,
  PermanentJobError,
  resolveJob,
  type JobContext,
  type JobLogger,
  type JobRegistry,
  type RetryPolicy,
} from "./jobs.ts";
import { defaultJobRegistry } from "./registry.ts";
import { assertSchedule, jobSchedules, SCHEDULE_TIME_ZONE, type JobSchedule } from "./schedules.ts";

/**
 * Runs the outbox (docs/decisions/0005-outbox-and-jobs.md) in one of two modes of the same code:
 * - REDIS_URL set: a dispatcher hands due outbox rows to one BullMQ queue (jobId "ob-<id>") and a
 *   BullMQ worker runs them, with BullMQ's retries and exponential backoff;
 * - otherwise: an in-process runner polls the same table and runs the same processors with the
 *   same retry policy, keeping the next attempt's time in runAfter.
 */
export interface RunnerTuning {
  /** How often to look for due rows, ms. */
  pollIntervalMs: number;
  /** Rows claimed per pass. */
  batchSize: number;
  retry: RetryPolicy;
  /** A row dispatched longer than this, whose BullMQ job is gone, is dispatched again. In-process: whose run never finished. */
  staleAfterMs: number;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** BullMQ queue name and key prefix (tests use unique ones). */
  queueName: string;
  prefix: string;
  /** A queue.add that takes longer (Redis down) gives up; the rows stay pending. */
  handOffTimeoutMs: number;
  /** In-process scheduler tick, ms. */
  scheduleTickMs: number;
  /** BullMQ: how often dispatched rows are compared with the queue (also at every reconnect), ms. */
  lossCheckIntervalMs: number;
  /** BullMQ: how often the job schedulers are registered again (also at every reconnect), ms. */
  scheduleSyncIntervalMs: number;
  /** BullMQ: how often the worker looks for runs whose worker stopped renewing their lock, ms. */
  stalledIntervalMs: number;
}

export const defaultTuning: RunnerTuning = {
  pollIntervalMs: 1_000,
  batchSize: 50,
  retry: defaultRetryPolicy,
  staleAfterMs: 10 * 60_000,
  concurrency: 5,
  queueName: "jiebang-jobs",
  prefix: "bull",
  handOffTimeoutMs: 5_000,
  scheduleTickMs: 15_000,
  lossCheckIntervalMs: 15_000,
  scheduleSyncIntervalMs: 60_000,
  stalledIntervalMs: 30_000,
};

export interface StartJobRunnerOptions {
  db: Db;
  env: Env;
  mail: MailTransport;
  search?: SearchEngine | undefined;
  log: JobLogger;
  registry?: JobRegistry;
  schedules?: JobSchedule[];
  tuning?: Partial<RunnerTuning>;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * BullMQ mode only: false runs the dispatcher without a worker (a web process that leaves the
   * jobs to `npm run worker`). Default true. In-process mode always runs its jobs.
   */
  runWorker?: boolean;
}

export interface JobRunner {
  mode: "bullmq" | "in-process";
  /** Look for due rows now rather than at the next poll (after an enqueue, say). */
  wake(): void;
  stop(): Promise<void>;
}

/** Starts the runner for this process: BullMQ when env.REDIS_URL is set, in-process otherwise. */
export async function startJobRunner(options: StartJobRunnerOptions): Promise<JobRunner> {
  const tuning = { ...defaultTuning, ...options.tuning };
  const registry = options.registry ?? defaultJobRegistry;
  // The platform schedules belong to the platform registry; a custom registry (tests) brings its own.
  const schedules = options.schedules ?? (options.registry ? [] : jobSchedules);
  for (const schedule of schedules) {
    assertSchedule(schedule);
    if (!registry.get(schedule.job)) throw new Error(`Schedule ${schedule.id} names unknown job ${schedule.job}`);
  }
  const shared = { ...options, tuning, registry, schedules, now: options.now ?? (() => new Date()) };
  return options.env.REDIS_URL ? startBullmqRunner(shared, options.env.REDIS_URL) : startInProcessRunner(shared);
}

type Shared = Omit<StartJobRunnerOptions, "tuning" | "registry" | "schedules" | "now"> & {
  tuning: RunnerTuning;
  registry: JobRegistry;
  schedules: JobSchedule[];
  now: () => Date;
};

function contextFor(shared: Shared, idempotencyKey: string, attempt: number, name: string): JobContext {
  return {
    db: shared.db,
    mail: shared.mail,
    search: shared.search,
    env: shared.env,
    log: childLogger(shared.log, { job: name, key: idempotencyKey, attempt }),
    now: shared.now,
    idempotencyKey,
    attempt,
  };
}

function childLogger(log: JobLogger, bindings: object): JobLogger {
  const child = (log as JobLogger & { child?: (b: object) => JobLogger }).child;
  return typeof child === "function" ? child.call(log, bindings) : log;
}

/** A loop that runs `pass` every `intervalMs` (at once again when the pass says there is more), and stops cleanly. */
function startLoop(intervalMs: number, pass: () => Promise<boolean>, log: JobLogger, what: string, firstRunMs = 0) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    timer = undefined;
    if (stopped || running) return;
    running = (async () => {
      let more = false;
      try {
        more = await pass();
      } catch (error) {
        log.warn({ err: errorMessage(error) }, `${what} pass failed; will try again`);
      }
      running = undefined;
      if (!stopped) timer = setTimeout(run, more ? 0 : intervalMs);
    })();
  };
  timer = setTimeout(run, firstRunMs);
  return {
    wake() {
      if (stopped || running) return;
      if (timer) clearTimeout(timer);
      run();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

// --- in-process ------------------------------------------------------------------------------

function startInProcessRunner(shared: Shared): JobRunner {
  const { db, tuning, log } = shared;
  const inFlight = new Set<Promise<void>>();

  const runRow = async (row: ClaimedOutboxJob) => {
    const attempt = row.attempts + 1;
    const key = `ob-${row.id}`;
    try {
      const { definition, payload } = resolveJob(shared.registry, row.name, row.payload);
      await definition.process(payload, contextFor(shared, key, attempt, row.name));
      await markOutboxJobDone(db, { id: row.id, attempt, now: shared.now() });
    } catch (error) {
      const final = error instanceof PermanentJobError || attempt >= tuning.retry.attempts;
      const retryAt = final ? undefined : new Date(shared.now().getTime() + backoffDelay(tuning.retry, attempt));
      log.warn(
        { job: row.name, key, attempt, final, err: errorMessage(error) },
        final ? "job failed" : "job failed; will retry",
      );
      await recordOutboxFailure(db, {
        id: row.id,
        attempt,
        error: errorMessage(error),
        final,
        ...(retryAt ? { retryAt } : {}),
      });
    }
  };

  let lastStaleCheck = 0;
  const loop = startLoop(
    tuning.pollIntervalMs,
    async () => {
      const now = shared.now();
      if (now.getTime() - lastStaleCheck >= Math.min(tuning.staleAfterMs, 60_000)) {
        lastStaleCheck = now.getTime();
        const stale = await findStaleDispatchedJobs(db, {
          olderThan: new Date(now.getTime() - tuning.staleAfterMs),
          limit: tuning.batchSize,
        });
        const released = await releaseDispatchedJobs(
          db,
          stale.map((row) => row.id),
        );
        if (released > 0) log.warn({ released }, "outbox rows whose run never finished are due again");
      }
      const free = tuning.concurrency - inFlight.size;
      if (free <= 0) return false;
      const rows = await claimOutboxJobs({ db, limit: Math.min(free, tuning.batchSize), now });
      for (const row of rows) {
        const running = runRow(row).catch((error: unknown) =>
          log.error({ err: errorMessage(error) }, "could not record a job's outcome"),
        );
        inFlight.add(running);
        void running.finally(() => {
          inFlight.delete(running);
          loop.wake();
        });
      }
      return false;
    },
    log,
    "outbox",
  );
  const scheduler = startInProcessScheduler(shared);
  log.info({ mode: "in-process", jobs: shared.registry.names() }, "job runner started");
  return {
    mode: "in-process",
    wake: () => loop.wake(),
    async stop() {
      scheduler.stop();
      await loop.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Enqueues each schedule's run into the outbox at its minute; several processes enqueue it once. */
function startInProcessScheduler(shared: Shared) {
  const compiled = shared.schedules.map((schedule) => ({
    schedule,
    cron: parseCron(schedule.pattern, SCHEDULE_TIME_ZONE),
  }));
  if (compiled.length === 0) return { stop() {} };
  let lastMinute = Math.floor(shared.now().getTime() / 60_000) - 1;
  const tick = async () => {
    const currentMinute = Math.floor(shared.now().getTime() / 60_000);
    // Catch up at most an hour after a pause; a process that was down does not replay the night.
    for (let minute = Math.max(lastMinute + 1, currentMinute - 60); minute <= currentMinute; minute++) {
      const fireAt = new Date(minute * 60_000);
      for (const { schedule, cron } of compiled) {
        if (!cron.matches(fireAt)) continue;
        await enqueueScheduledRun(shared.db, { name: schedule.job, payload: schedule.payload ?? {}, fireAt });
        await recordScheduleTick(shared.db, { id: schedule.id, job: schedule.job, fireAt, now: shared.now() });
      }
    }
    lastMinute = currentMinute;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => shared.log.warn({ err: errorMessage(error) }, "scheduler tick failed"));
  }, shared.tuning.scheduleTickMs);
  return { stop: () => clearInterval(timer) };
}

// --- BullMQ ----------------------------------------------------------------------------------

interface OutboxJobData {
  outboxId: string;
}
interface ScheduledJobData {
  scheduleId: string;
  payload: Record<string, unknown>;
}

/**
 * Completed jobs are kept a day so a second add of the same jobId stays a no-op (failures live on
 * the outbox row). BullMQ trims the queue's whole completed set to the `count` of whichever job
 * finishes, so every job of the queue must carry this same setting: the schedulers' ticks once
 * kept 100 and so removed the outbox jobs' records within minutes (test/faults/two-of-each.test.ts).
 */
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };

export function outboxJobId(id: bigint): string {
  return `ob-${id}`;
}

async function startBullmqRunner(shared: Shared, redisUrl: string): Promise<JobRunner> {
  const { db, tuning, log } = shared;
  const onRedisError = throttledWarn(log, "redis connection error");
  // The queue's connection fails fast while Redis is away, so the dispatcher leaves rows pending.
  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queueConnection.on("error", onRedisError);
  workerConnection.on("error", onRedisError);
  const queue = new Queue(tuning.queueName, { connection: queueConnection, prefix: tuning.prefix });
  queue.on("error", onRedisError);

  const processor = async (job: Job<OutboxJobData | ScheduledJobData>) => {
    const attempt = job.attemptsMade + 1;
    if ("scheduleId" in job.data) {
      // A scheduler's tick only writes the run into the outbox (once per fire time), so scheduled
      // runs are retried, recorded and shown to admins like every other job.
      const fireMillis = Number(/(\d+)$/.exec(job.id ?? "")?.[1] ?? job.timestamp);
      const fireAt = new Date(Math.floor(fireMillis / 60_000) * 60_000);
      const created = await enqueueScheduledRun(db, { name: job.name, payload: job.data.payload, fireAt });
      await recordScheduleTick(db, {
        id: job.data.scheduleId,
        job: job.name,
        fireAt: new Date(fireMillis),
        now: shared.now(),
      });
      if (created) loop.wake();
      return;
    }
    const id = BigInt(job.data.outboxId);
    const key = outboxJobId(id);
    const row = await findOutboxJob(db, id);
    if (!row || row.status === "done" || row.status === "failed") {
      log.info({ key, status: row?.status ?? "missing" }, "outbox row already settled; nothing to do");
      return;
    }
    try {
      const { definition, payload } = resolveJob(shared.registry, row.name, row.payload);
      await definition.process(payload, contextFor(shared, key, attempt, row.name));
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      const final = permanent || attempt >= (job.opts.attempts ?? 1);
      log.warn(
        { job: row.name, key, attempt, final, err: errorMessage(error) },
        final ? "job failed" : "job failed; BullMQ will retry",
      );
      await recordOutboxFailure(db, { id, attempt, error: errorMessage(error), final });
      if (permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
    await markOutboxJobDone(db, { id, attempt, now: shared.now() });
  };

  const worker =
    shared.runWorker === false
      ? undefined
      : new Worker<OutboxJobData | ScheduledJobData>(tuning.queueName, processor, {
          connection: workerConnection,
          prefix: tuning.prefix,
          concurrency: tuning.concurrency,
          stalledInterval: tuning.stalledIntervalMs,
        });
  worker?.on("error", onRedisError);
  // A run whose worker died or froze: BullMQ runs it again (or gives it up after two stalls, when
  // the loss check below sends it again). Counted on the row for admins.
  worker?.on("stalled", (jobId: string) => {
    const outboxId = /^ob-(\d+)$/.exec(jobId)?.[1];
    log.warn({ key: jobId }, "a job's run was interrupted (stalled); BullMQ takes it up again");
    if (outboxId)
      recordStalledRun(db, BigInt(outboxId)).catch((error: unknown) =>
        log.warn({ key: jobId, err: errorMessage(error) }, "could not count a stalled run"),
      );
  });

  const handOff = async (rows: ClaimedOutboxJob[]) => {
    const jobs = rows.map((row) => ({
      name: row.name,
      data: { outboxId: row.id.toString() },
      opts: {
        jobId: outboxJobId(row.id),
        attempts: tuning.retry.attempts,
        backoff: { type: "exponential" as const, delay: tuning.retry.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: true,
      },
    }));
    await withTimeout(queue.addBulk(jobs), tuning.handOffTimeoutMs, "adding jobs to the queue");
  };

  const loop = startLoop(
    tuning.pollIntervalMs,
    async () => {
      const now = shared.now();
      const rows = await claimOutboxJobs({ db, limit: tuning.batchSize, now, handOff });
      if (rows.length > 0) log.debug({ count: rows.length }, "outbox rows dispatched to BullMQ");
      return rows.length === tuning.batchSize;
    },
    log,
    "dispatcher",
  );

  /**
   * Dispatched rows whose BullMQ job is gone (Redis restarted without its data, or BullMQ gave the
   * job up after it stalled twice) go back to pending and are sent again. Every dispatched row's
   * job was added before the row was marked, and a job stays in Redis until a day after it
   * completed, so a missing job is a lost one.
   */
  const checkForLostJobs = async () => {
    // Rows marked in the last seconds may belong to a claim whose transaction is still open.
    const updatedBefore = new Date(shared.now().getTime() - 2_000);
    let afterId = 0n;
    let released = 0;
    for (;;) {
      const rows = await listDispatchedJobs(db, { afterId, limit: 500, updatedBefore });
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]!.id;
      const pipeline = queueConnection.pipeline();
      for (const row of rows) pipeline.exists(queue.toKey(outboxJobId(row.id)));
      const results = await withTimeout(pipeline.exec(), tuning.handOffTimeoutMs, "looking up jobs");
      if (!results) break;
      const lost = rows.filter((_row, i) => {
        const [error, exists] = results[i] ?? [new Error("no reply"), 1];
        return !error && exists === 0;
      });
      released += await releaseLostJobs(db, lost, `lost by the queue; sent again at ${shared.now().toISOString()}`);
    }
    if (released > 0) {
      log.warn({ released }, "dispatched outbox rows had no BullMQ job (lost by Redis); dispatching them again");
      loop.wake();
    }
  };

  /** Registers the job schedulers (again): at start, at every reconnect and on a timer. */
  const registerSchedules = async () => {
    if (shared.schedules.length === 0) return;
    const missing = await syncSchedulers(queue, shared.schedules, tuning.handOffTimeoutMs);
    if (missing.length > 0 && schedulesRegistered)
      log.warn({ schedules: missing }, "job schedulers were missing from Redis (restarted?); registered them again");
    schedulesRegistered = true;
  };
  let schedulesRegistered = false;

  const upkeep = (what: "schedules" | "lost jobs", pass: () => Promise<void>, intervalMs: number, firstRunMs = 0) => {
    const failed = throttledWarn(log, `could not check ${what} now; will try again`);
    return startLoop(
      intervalMs,
      async () => {
        try {
          await pass();
        } catch (error) {
          // Redis away: the next reconnect or pass tries again.
          failed(error);
        }
        return false;
      },
      log,
      what,
      firstRunMs,
    );
  };
  try {
    await registerSchedules();
  } catch (error) {
    log.warn(
      { err: errorMessage(error) },
      "could not register job schedulers now (Redis unreachable?); registering them when Redis is back",
    );
  }
  const scheduleLoop = upkeep(
    "schedules",
    registerSchedules,
    tuning.scheduleSyncIntervalMs,
    tuning.scheduleSyncIntervalMs,
  );
  const lossLoop = upkeep("lost jobs", checkForLostJobs, tuning.lossCheckIntervalMs);
  // 'ready' fires at the first connect and after every reconnect: a Redis that restarted empty
  // gets its schedulers back and its lost jobs re-sent at once, not at the next process start.
  queueConnection.on("ready", () => {
    scheduleLoop.wake();
    lossLoop.wake();
  });

  log.info(
    { mode: "bullmq", queue: tuning.queueName, worker: Boolean(worker), jobs: shared.registry.names() },
    "job runner started",
  );

  return {
    mode: "bullmq",
    wake: () => loop.wake(),
    async stop() {
      await Promise.all([loop.stop(), scheduleLoop.stop(), lossLoop.stop()]);
      // A graceful close waits for running jobs, but never returns while Redis is unreachable.
      if (workerConnection.status === "ready") await worker?.close();
      else {
        workerConnection.disconnect();
        await worker?.close(true);
      }
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
    },
  };
}

/** Upserts every schedule's job scheduler and removes unknown ones; returns the ids that were missing. */
async function syncSchedulers(queue: Queue, schedules: JobSchedule[], timeoutMs: number): Promise<string[]> {
  const before = await withTimeout(queue.getJobSchedulers(), timeoutMs, "listing job schedulers");
  const present = new Set(before.map((existing) => existing.id ?? existing.key));
  for (const schedule of schedules) {
    await withTimeout(
      queue.upsertJobScheduler(
        schedule.id,
        { pattern: schedule.pattern, tz: SCHEDULE_TIME_ZONE },
        {
          name: schedule.job,
          data: { scheduleId: schedule.id, payload: schedule.payload ?? {} },
          opts: {
            attempts: 3,
            backoff: { type: "exponential", delay: 5_000 },
            removeOnComplete: KEEP_COMPLETED,
            removeOnFail: { count: 100 },
          },
        },
      ),
      timeoutMs,
      "registering a job scheduler",
    );
  }
  const wanted = new Set(schedules.map((s) => s.id));
  for (const id of present) if (!wanted.has(id)) await queue.removeJobScheduler(id);
  return schedules.map((s) => s.id).filter((id) => !present.has(id));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Redis reconnect errors repeat every retry; log the first and then one a minute. */
function throttledWarn(log: JobLogger, message: string) {
  let last = 0;
  return (error: unknown) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    log.warn({ err: errorMessage(error) }, message);
  };
}
