import type { LedgerSql } from "./sql.ts";
import {
  prepareTransaction,
  submitPrepared,
  type PreparedTransaction,
  type SubmitResult,
  type TransactionInput,
} from "./submit.ts";

export interface LedgerCoalescer {
  /** Commits one transaction; resolves with its own result, exactly as submitTransactions would. */
  submit(input: TransactionInput): Promise<SubmitResult>;
  /** Commits many transactions (a caller's batch); they may share calls with other callers' work. */
  submitMany(inputs: readonly TransactionInput[]): Promise<SubmitResult[]>;
  /** Waits until everything submitted so far is answered. */
  drain(): Promise<void>;
}

/**
 * Group commit for the ledger, as TigerBeetle does it: transactions submitted concurrently (many
 * requests, many jobs) are gathered into one ledger_submit_arrays call, so N callers share one database
 * round trip and one WAL flush instead of paying for N. Nothing waits on a timer: a transaction
 * that arrives while fewer than `maxInFlight` calls are running goes out at once; the rest gather
 * behind them, up to `maxBatch` per call. Each transaction keeps its own result (a failure of one
 * does not fail its neighbours) and its own idempotency key. For use outside a caller's database
 * transaction (its `sql` is a pool): workers, bulk jobs, the benchmark.
 */
export function createLedgerCoalescer(options: {
  sql: LedgerSql;
  maxBatch?: number;
  maxInFlight?: number;
}): LedgerCoalescer {
  const maxBatch = options.maxBatch ?? 2000;
  // Two calls in flight: one holds its accounts' locks and commits while the next is parsed. More
  // only queue on the same row locks (random transfers touch overlapping accounts).
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: { input: PreparedTransaction; resolve: (r: SubmitResult) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let idle: (() => void)[] = [];

  function pump() {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      submitPrepared({ db: options.sql, prepared: batch.map((b) => b.input) })
        .then(
          (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          inFlight--;
          pump();
          if (inFlight === 0 && queue.length === 0) {
            const waiting = idle;
            idle = [];
            waiting.forEach((w) => w());
          }
        });
    }
  }

  return {
    submit(input) {
      // Invalid input fails its own caller here, never the batch it would have joined.
      const prepared = prepareTransaction(input);
      return new Promise<SubmitResult>((resolve, reject) => {
        queue.push({ input: prepared, resolve, reject });
        pump();
      });
    },
    submitMany(inputs) {
      const prepared = inputs.map(prepareTransaction);
      const answers = prepared.map(
        (input) =>
          new Promise<SubmitResult>((resolve, reject) => {
            queue.push({ input, resolve, reject });
          }),
      );
      pump();
      return Promise.all(answers);
    },
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
