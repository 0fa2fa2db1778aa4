import { AppError } from "../errors.ts";
import type { DbOrTx } from "../db/client.ts";

export interface FailedJob {
  id: bigint;
  name: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Failed jobs, most recently failed first, for the admin page. */
export async function listFailedJobs(options: { db: DbOrTx; limit?: number }): Promise<FailedJob[]> {
  return options.db.outboxJob.findMany({
    where: { status: "failed" },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
    select: { id: true, name: true, payload: true, attempts: true, lastError: true, createdAt: true, updatedAt: true },
  });
}

/** How many outbox rows are in each status, for the admin page's summary. */
export async function countJobsByStatus(options: {
  db: DbOrTx;
}): Promise<Record<"pending" | "dispatched" | "done" | "failed", number>> {
  const groups = await options.db.outboxJob.groupBy({ by: ["status"], _count: { _all: true } });
  const counts = { pending: 0, dispatched: 0, done: 0, failed: 0 };
  for (const group of groups) counts[group.status] = group._count._all;
  return counts;
}

/**
 * Re-queues a failed job: back to pending, due now, with a fresh attempt budget. The last error
 * stays on the row until the job next fails or for the record once it succeeds.
 */
export async function retryJob(options: { db: DbOrTx; id: bigint; now?: Date }): Promise<void> {
  const { count } = await options.db.outboxJob.updateMany({
    where: { id: options.id, status: "failed" },
    data: { status: "pending", attempts: 0, runAfter: options.now ?? new Date() },
  });
  if (count === 1) return;
  const exists = await options.db.outboxJob.findUnique({ where: { id: options.id }, select: { status: true } });
  if (!exists) throw new AppError("not_found", "errors.jobNotFound", { params: { id: options.id.toString() } });
  throw new AppError("conflict", "errors.jobNotFailed", {
    params: { id: options.id.toString(), status: exists.status },
  });
}

export interface TroubledJob {
  id: bigint;
  name: string;
  status: string;
  attempts: number;
  stalls: number;
  lostInQueue: number;
  lastError: string | null;
  updatedAt: Date;
}

/**
 * Jobs the queue lost (and that were sent again) and runs that were interrupted (BullMQ found
 * them stalled), with their totals, for the admin page: a job that was lost or interrupted and
 * then succeeded is not a failure, but an admin should see that it happened (ADR 0026).
 */
export async function listQueueTrouble(options: { db: DbOrTx; limit?: number }): Promise<{
  totals: { lostInQueue: number; stalls: number };
  jobs: TroubledJob[];
}> {
  const where = { OR: [{ stalls: { gt: 0 } }, { lostInQueue: { gt: 0 } }] };
  const [sums, jobs] = await Promise.all([
    options.db.outboxJob.aggregate({ where, _sum: { stalls: true, lostInQueue: true } }),
    options.db.outboxJob.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: Math.min(Math.max(options.limit ?? 50, 1), 500),
      select: {
        id: true,
        name: true,
        status: true,
        attempts: true,
        stalls: true,
        lostInQueue: true,
        lastError: true,
        updatedAt: true,
      },
    }),
  ]);
  return { totals: { lostInQueue: sums._sum.lostInQueue ?? 0, stalls: sums._sum.stalls ?? 0 }, jobs };
}
