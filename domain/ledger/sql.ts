import type pg from "pg";
import type { Db, DbOrTx, Tx } from "../db/client.ts";

/**
 * The ledger's writes are calls of two SQL functions (ledger_submit_arrays, ledger_resolve) from the
 * ledger migration. A `LedgerSql` runs one such statement; it wraps either a Prisma client or
 * transaction (the app and workers) or a pg Pool (the benchmark), so both run the same SQL.
 */
export interface LedgerSql {
  query<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]>;
  /** True when the runner is inside a caller's transaction: a failure aborts it, so no retry here. */
  readonly inTransaction: boolean;
}

export type LedgerDb = DbOrTx | LedgerSql;

function isLedgerSql(db: LedgerDb): db is LedgerSql {
  return typeof (db as LedgerSql).query === "function" && "inTransaction" in db;
}

export function ledgerSql(db: LedgerDb): LedgerSql {
  if (isLedgerSql(db)) return db;
  const inTransaction = typeof (db as { $transaction?: unknown }).$transaction !== "function";
  return {
    inTransaction,
    query: <T>(text: string, values: unknown[]) => db.$queryRawUnsafe<T[]>(text, ...values),
  } as LedgerSql;
}

export function pgLedgerSql(pool: pg.Pool | pg.PoolClient): LedgerSql {
  return {
    inTransaction: false,
    async query<T extends Record<string, unknown>>(text: string, values: unknown[]) {
      const result = await pool.query(text, values);
      return result.rows as T[];
    },
  };
}

/** The PostgreSQL SQLSTATE of an error from pg or from Prisma's driver adapters, if any. */
export function sqlState(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: unknown };
      cause?: unknown;
    };
    if (typeof e.originalCode === "string" && /^[0-9A-Z]{5}$/.test(e.originalCode)) return e.originalCode;
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && !e.code.startsWith("P")) return e.code;
    current = e.meta?.driverAdapterError ?? e.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return /Code: `([0-9A-Z]{5})`/.exec(message)?.[1];
}

/**
 * Failures that a second attempt resolves: a concurrent first use of the same idempotency key
 * (unique violation; the retry sees the committed row and answers it as a replay or conflict),
 * serialization failures and deadlocks (when a caller runs the ledger inside Serializable).
 */
export function isRetryableLedgerError(error: unknown): boolean {
  const state = sqlState(error);
  return state === "23505" || state === "40001" || state === "40P01";
}

export async function withRetry<T>(work: () => Promise<T>, maxAttempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryableLedgerError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}

/** Runs a ledger statement, retrying the retryable failures unless a caller's transaction holds it. */
export async function runLedgerStatement<T extends Record<string, unknown>>(
  sql: LedgerSql,
  text: string,
  values: unknown[],
): Promise<T[]> {
  if (sql.inTransaction) return sql.query<T>(text, values);
  return withRetry(() => sql.query<T>(text, values));
}

/**
 * Runs `work` in one interactive database transaction (read committed: the ledger functions lock
 * what they touch) and retries the whole of it on the retryable failures above. Verbs use it to
 * write the ledger transaction and its audit event together.
 */
export async function inLedgerTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() => db.$transaction(work, { maxWait: 10_000, timeout: 30_000 }));
}
