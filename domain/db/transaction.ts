import { Prisma } from "#db/generated/client/client.ts";
import type { Db, Tx } from "./client.ts";

const SERIALIZATION_FAILURE = "P2034";

export interface SerializableOptions {
  /** How many times to retry a serialization failure or deadlock before giving up. */
  maxRetries?: number;
}

/**
 * Runs `work` in one Serializable transaction, retrying serialization failures (P2034) a bounded
 * number of times with jittered backoff. Money moves only through this (MACHINE-FACTS: 20
 * conflicting transfers needed ~120 retries in total, so the loop is required, not optional).
 * PGlite silently runs Serializable as read committed; it is single-process, so that is safe.
 */
export async function serializable<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  options: SerializableOptions = {},
): Promise<T> {
  const maxRetries = options.maxRetries ?? 12;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(work, {
        isolationLevel: Prisma.TransactionIsolationLevel.Serializable,
        maxWait: 10_000,
        timeout: 30_000,
      });
    } catch (error) {
      if (attempt >= maxRetries || !isRetryable(error)) throw error;
      const backoff = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === SERIALIZATION_FAILURE;
  }
  // Driver errors surfaced without a Prisma code still carry the PostgreSQL SQLSTATE.
  const message = error instanceof Error ? error.message : String(error);
  return /40001|40P01|could not serialize|deadlock detected/i.test(message);
}
