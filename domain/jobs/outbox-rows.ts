import type { Db, DbOrTx, Tx } from "../db/client.ts";

/**
 * The outbox row's life (docs/decisions/0005-outbox-and-jobs.md):
 * pending → dispatched (handed to BullMQ, or running in-process) → done | failed;
 * a retry in-process goes back to pending with a later runAfter; an admin retry moves failed → pending.
 * Every transition is conditional on the status it leaves, so a late or duplicate actor changes nothing.
 */
export interface ClaimedOutboxJob {
  id: bigint;
  name: string;
  payload: unknown;
  attempts: number;
}

export interface ClaimOutboxJobsOptions {
  db: Db;
  limit: number;
  now: Date;
  /**
   * Runs inside the claiming transaction while the rows are locked (BullMQ: add them to the
   * queue). If it throws, the transaction rolls back and the rows stay pending for a later pass.
   */
  handOff?: (jobs: ClaimedOutboxJob[]) => Promise<void>;
}

/** Claims due pending rows (FOR UPDATE SKIP LOCKED, so concurrent dispatchers split the work) and marks them dispatched. */
export async function claimOutboxJobs(options: ClaimOutboxJobsOptions): Promise<ClaimedOutboxJob[]> {
  const { db, limit, now, handOff } = options;
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<ClaimedOutboxJob[]>`
        SELECT "id", "name", "payload", "attempts" FROM "OutboxJob"
        WHERE "status" = 'pending' AND "runAfter" <= ${now}::timestamp
        ORDER BY "runAfter", "id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return rows;
      if (handOff) await handOff(rows);
      await tx.outboxJob.updateMany({
        where: { id: { in: rows.map((row) => row.id) }, status: "pending" },
        data: { status: "dispatched" },
      });
      return rows;
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

export async function findOutboxJob(db: DbOrTx, id: bigint) {
  return db.outboxJob.findUnique({ where: { id } });
}

/** Marks a row done after run number `attempt` succeeded. False if it was already done or failed. */
export async function markOutboxJobDone(
  db: DbOrTx,
  options: { id: bigint; attempt: number; now: Date },
): Promise<boolean> {
  const { count } = await db.outboxJob.updateMany({
    where: { id: options.id, status: { in: ["pending", "dispatched"] } },
    data: { status: "done", attempts: options.attempt, completedAt: options.now },
  });
  return count === 1;
}

export interface RecordOutboxFailureOptions {
  id: bigint;
  attempt: number;
  error: string;
  /** No retry follows: the row becomes failed (visible to admins). */
  final: boolean;
  /** In-process retries: back to pending, due at this time. BullMQ retries keep the row dispatched. */
  retryAt?: Date;
}

export async function recordOutboxFailure(db: DbOrTx, options: RecordOutboxFailureOptions): Promise<void> {
  const status = options.final ? "failed" : options.retryAt ? "pending" : "dispatched";
  await db.outboxJob.updateMany({
    where: { id: options.id, status: { in: ["pending", "dispatched"] } },
    data: {
      status,
      attempts: options.attempt,
      lastError: options.error,
      ...(options.retryAt && !options.final ? { runAfter: options.retryAt } : {}),
    },
  });
}

/** Rows dispatched longer ago than `olderThan` (by their last update): candidates for re-dispatch. */
export async function findStaleDispatchedJobs(db: DbOrTx, options: { olderThan: Date; limit: number }) {
  return db.outboxJob.findMany({
    where: { status: "dispatched", updatedAt: { lt: options.olderThan } },
    orderBy: { id: "asc" },
    take: options.limit,
    select: { id: true, name: true, attempts: true, updatedAt: true },
  });
}

/** Puts stale dispatched rows back to pending so the next pass dispatches them again. */
export async function releaseDispatchedJobs(db: DbOrTx, ids: bigint[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await db.outboxJob.updateMany({
    where: { id: { in: ids }, status: "dispatched" },
    data: { status: "pending" },
  });
  return count;
}

/**
 * Enqueues a scheduled run unless one for the same job and fire time exists (several processes
 * may run the in-process scheduler against one PostgreSQL database). The fire time is the row's runAfter.
 */
export async function enqueueScheduledRun(
  db: Db,
  options: { name: string; payload: object; fireAt: Date },
): Promise<boolean> {
  return db.$transaction(async (tx: Tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`schedule ${options.name}`}))`;
    const existing = await tx.outboxJob.findFirst({
      where: { name: options.name, runAfter: options.fireAt },
      select: { id: true },
    });
    if (existing) return false;
    await tx.outboxJob.create({ data: { name: options.name, payload: options.payload, runAfter: options.fireAt } });
    return true;
  });
}

/** Deletes done rows completed before the given time. */
export async function pruneSettledOutboxJobs(db: DbOrTx, options: { completedBefore: Date }): Promise<number> {
  const { count } = await db.outboxJob.deleteMany({
    where: { status: "done", completedAt: { lt: options.completedBefore } },
  });
  return count;
}

/** Dispatched rows by id, one page after `afterId`: the dispatcher compares them with the queue. */
export async function listDispatchedJobs(
  db: DbOrTx,
  options: { afterId: bigint; limit: number; updatedBefore: Date },
): Promise<{ id: bigint; updatedAt: Date }[]> {
  return db.outboxJob.findMany({
    where: { status: "dispatched", id: { gt: options.afterId }, updatedAt: { lt: options.updatedBefore } },
    orderBy: { id: "asc" },
    take: options.limit,
    select: { id: true, updatedAt: true },
  });
}

/**
 * Rows whose job the queue no longer holds go back to pending (the next pass sends them again),
 * counted and noted on the row for admins. Conditional on the row being unchanged since it was
 * read, so two processes that notice the same loss count it once.
 */
export async function releaseLostJobs(
  db: DbOrTx,
  rows: { id: bigint; updatedAt: Date }[],
  note: string,
): Promise<number> {
  let released = 0;
  for (const row of rows) {
    const { count } = await db.outboxJob.updateMany({
      where: { id: row.id, status: "dispatched", updatedAt: row.updatedAt },
      data: { status: "pending", lostInQueue: { increment: 1 }, lastError: note },
    });
    released += count;
  }
  return released;
}

/** BullMQ found this row's run stalled (its worker died or froze) and will run it again, or give it up. */
export async function recordStalledRun(db: DbOrTx, id: bigint): Promise<void> {
  await db.outboxJob.updateMany({ where: { id }, data: { stalls: { increment: 1 } } });
}
