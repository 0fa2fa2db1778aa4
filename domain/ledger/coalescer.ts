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
  // One entry per caller's batch, not per transaction (a bulk caller's 1,000 transactions are one
  // entry and one promise); a call takes transactions from the front, splitting an entry if needed.
  const queue: Waiting[] = [];
  let queued = 0;
  let inFlight = 0;
  let idle: (() => void)[] = [];

  function settle(w: Waiting, from: number, results: readonly SubmitResult[]) {
    if (w.failed) return;
    for (let i = 0; i < results.length; i++) w.results[from + i] = results[i]!;
    w.pending -= results.length;
    if (w.pending === 0) w.resolve(w.results);
  }

  function fail(w: Waiting, error: unknown) {
    if (w.failed) return;
    w.failed = true;
    w.reject(error);
  }

  function pump() {
    while (inFlight < maxInFlight && queued > 0) {
      const prepared: PreparedTransaction[] = [];
      const parts: { waiting: Waiting; from: number; count: number }[] = [];
      while (prepared.length < maxBatch && queue.length > 0) {
        const w = queue[0]!;
        const count = Math.min(w.inputs.length - w.taken, maxBatch - prepared.length);
        for (let i = 0; i < count; i++) prepared.push(w.inputs[w.taken + i]!);
        parts.push({ waiting: w, from: w.taken, count });
        w.taken += count;
        if (w.taken === w.inputs.length) queue.shift();
      }
      queued -= prepared.length;
      inFlight++;
      submitPrepared({ db: options.sql, prepared })
        .then(
          (results) => {
            let at = 0;
            for (const part of parts) {
              settle(part.waiting, part.from, results.slice(at, at + part.count));
              at += part.count;
            }
          },
          (error: unknown) => parts.forEach((part) => fail(part.waiting, error)),
        )
        .finally(() => {
          inFlight--;
          pump();
          if (inFlight === 0 && queued === 0) {
            const waiting = idle;
            idle = [];
            waiting.forEach((w) => w());
          }
        });
    }
  }

  function enqueue(inputs: PreparedTransaction[]): Promise<SubmitResult[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise<SubmitResult[]>((resolve, reject) => {
      queue.push({
        inputs,
        taken: 0,
        results: new Array<SubmitResult>(inputs.length),
        pending: inputs.length,
        failed: false,
        resolve,
        reject,
      });
      queued += inputs.length;
      pump();
    });
  }

  return {
    submit(input) {
      // Invalid input fails its own caller here, never the batch it would have joined.
      const prepared = prepareTransaction(input);
      return enqueue([prepared]).then((results) => results[0]!);
    },
    submitMany(inputs) {
      return enqueue(inputs.map(prepareTransaction));
    },
    drain() {
      if (inFlight === 0 && queued === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

interface Waiting {
  inputs: PreparedTransaction[];
  /** How many of inputs have gone out in calls. */
  taken: number;
  results: SubmitResult[];
  /** How many results are still to come. */
  pending: number;
  failed: boolean;
  resolve: (results: SubmitResult[]) => void;
  reject: (error: unknown) => void;
}
