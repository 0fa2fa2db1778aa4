import type { Prisma } from "#db/generated/client/client.ts";
import type { DbOrTx } from "../db/client.ts";

/**
 * Writes a follow-up job into the transactional outbox, inside the caller's transaction, so the
 * job exists if and only if the change that needs it committed (docs/decisions/0005-outbox-and-jobs.md).
 * The payload is validated against the job's zod schema by the dispatcher (workers/jobs.ts);
 * keep it small and free of secrets — ids, not records.
 */
export async function enqueue(
  tx: DbOrTx,
  name: string,
  payload: Prisma.InputJsonValue,
  options: { runAfter?: Date } = {},
): Promise<bigint> {
  const row = await tx.outboxJob.create({
    data: { name, payload, ...(options.runAfter ? { runAfter: options.runAfter } : {}) },
    select: { id: true },
  });
  return row.id;
}
