/**
 * npm run bench:ledger — throughput of the ledger on PostgreSQL (DATABASE_URL), in a scratch
 * database it creates and drops. 1,000 funded wallets; for 10 s each at 1, 8 and 32 concurrent
 * clients, each client commits one transaction of two postings between random wallets (A→B and
 * A→C) and waits for its result before the next:
 *   - "direct": one ledger_submit_arrays call per transaction;
 *   - "coalesced": through createLedgerCoalescer (group commit: concurrent submissions share a call).
 * Then the batch API (each client submits 1,000 transactions at a time) at 1 and 8 clients, both
 * directly (one call per client batch) and through the coalescer (client batches merged), then
 * reconciliation. The last line is one JSON object; tps_N and batch_tps_N there are the coalesced
 * figures (the ledger's API for concurrent callers), the direct ones are printed beside them.
 * Env: BENCH_SECONDS (default 10), BENCH_BATCH (default 1000), BENCH_IN_FLIGHT (coalescer calls in
 * flight), BENCH_COALESCE_BATCH (largest coalesced call in the batch phases, default 8 × BENCH_BATCH).
 * Nothing is set on the server or the sessions: synchronous_commit stays as the server has it.
 */
import pg from "pg";
import { openDatabase } from "#domain/db/client.ts";
import { migrate } from "#domain/db/migrate.ts";
import { createLedgerCoalescer } from "#domain/ledger/coalescer.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { pgLedgerSql } from "#domain/ledger/sql.ts";
import { submitTransactions, type SubmitResult, type TransactionInput } from "#domain/ledger/submit.ts";

const ACCOUNTS = 1000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
/** Calls in flight per coalescer (default: the coalescer's own, 2). */
const IN_FLIGHT = process.env.BENCH_IN_FLIGHT ? Number(process.env.BENCH_IN_FLIGHT) : undefined;
/** Largest call the coalescer makes in the batch phases (default: 8 client batches). */
const COALESCE_BATCH = Number(process.env.BENCH_COALESCE_BATCH ?? 8 * BATCH);
const wallet = (i: number) => `org:bench-${i}:wallet`;

let seq = 0;
const runId = Date.now().toString(36);
function randomTransfer(): TransactionInput {
  const a = Math.floor(Math.random() * ACCOUNTS);
  let b = Math.floor(Math.random() * (ACCOUNTS - 1));
  if (b >= a) b++;
  let c = Math.floor(Math.random() * (ACCOUNTS - 1));
  if (c >= a) c++;
  const postings = [{ debit: wallet(a), credit: wallet(b), amount: BigInt(1 + Math.floor(Math.random() * 10_000)) }];
  postings.push({
    debit: wallet(a),
    credit: wallet(c === b ? (b + 1 === a ? b + 2 : b + 1) % ACCOUNTS : c),
    amount: BigInt(1 + Math.floor(Math.random() * 100)),
  });
  if (postings[1]!.credit === postings[1]!.debit) postings[1]!.credit = wallet((a + 3) % ACCOUNTS);
  return { idempotencyKey: `b-${runId}-${++seq}`, code: "transfer", postings, metadata: { bench: true } };
}

interface PhaseResult {
  name: string;
  clients: number;
  transactions: number;
  failed: number;
  tps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function phase(
  name: string,
  clients: number,
  perCall: number,
  call: (txs: TransactionInput[]) => Promise<SubmitResult[]>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let committed = 0;
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const txs = Array.from({ length: perCall }, randomTransfer);
        const t0 = performance.now();
        const results = await call(txs);
        latencies.push(performance.now() - t0);
        for (const r of results) {
          if (r.status === "committed") committed++;
          else failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  return {
    name,
    clients,
    transactions: committed,
    failed,
    tps: Math.round(committed / elapsed),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("bench:ledger needs DATABASE_URL (PostgreSQL)");
  const dbName = `jiebang_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 1 });
  const pool = new pg.Pool({ connectionString: url.toString(), max: 40 });
  try {
    await migrate(database);
    const sql = pgLedgerSql(pool);
    // Fund every wallet from the bank (deposits), in one call.
    const funding = Array.from({ length: ACCOUNTS }, (_, i) => ({
      idempotencyKey: `fund-${i}`,
      code: "deposit" as const,
      postings: [{ debit: "platform:bank", credit: wallet(i), amount: 100_000_000_000n }],
    }));
    const funded = await submitTransactions({ db: sql, transactions: funding });
    if (funded.some((r) => r.status !== "committed")) throw new Error("funding failed");

    // Between phases, do what autovacuum does in production (it is off on some servers, this
    // machine's included): without it the constantly updated account rows bloat their table and
    // the planner works without statistics, and each phase would measure the previous one's debris.
    const [{ autovacuum }] = (await pool.query<{ autovacuum: string }>("SHOW autovacuum")).rows as [
      { autovacuum: string },
    ];
    const maintain = () => pool.query(`VACUUM (ANALYZE) "LedgerAccount", "LedgerTransaction", "LedgerPosting"`);
    await maintain();
    const results: PhaseResult[] = [];
    const direct = (txs: TransactionInput[]) => submitTransactions({ db: sql, transactions: txs });
    for (const clients of [1, 8, 32]) {
      await maintain();
      results.push(await phase("direct", clients, 1, direct));
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const clients of [1, 8, 32]) {
      await maintain();
      const coalescer = createLedgerCoalescer({ sql, ...(IN_FLIGHT ? { maxInFlight: IN_FLIGHT } : {}) });
      results.push(await phase("coalesced", clients, 1, async (txs) => [await coalescer.submit(txs[0]!)]));
      await coalescer.drain();
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const clients of [1, 8]) {
      await maintain();
      results.push(await phase(`batch of ${BATCH}`, clients, BATCH, direct));
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const clients of [1, 8]) {
      await maintain();
      const coalescer = createLedgerCoalescer({
        sql,
        maxBatch: COALESCE_BATCH,
        ...(IN_FLIGHT ? { maxInFlight: IN_FLIGHT } : {}),
      });
      results.push(await phase(`coalesced batch`, clients, BATCH, (txs) => coalescer.submitMany(txs)));
      await coalescer.drain();
      console.log(JSON.stringify(results.at(-1)));
    }
    await maintain();
    const t0 = performance.now();
    const report = await reconcileLedger({ db: sql });
    const reconcileMs = Math.round(performance.now() - t0);

    console.log("");
    console.log("phase              clients  committed  failed     tps   p50 ms   p99 ms");
    for (const r of results) {
      console.log(
        `${r.name.padEnd(18)} ${String(r.clients).padStart(7)} ${String(r.transactions).padStart(10)} ${String(r.failed).padStart(7)} ${String(r.tps).padStart(7)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}`,
      );
    }
    console.log(
      `autovacuum on this server: ${autovacuum}; the bench ran VACUUM (ANALYZE) on the ledger tables before each phase`,
    );
    console.log(
      `reconciliation: ${report.ok ? "clean" : "MISMATCH"} — ${report.transactions} transactions, ${report.postings} postings, ${report.accountsChecked} accounts, ${reconcileMs} ms`,
    );
    const get = (name: string, clients: number) => results.find((r) => r.name === name && r.clients === clients)!;
    const coalesced32 = get("coalesced", 32);
    console.log(
      JSON.stringify({
        bench: "ledger",
        tps_1: get("coalesced", 1).tps,
        tps_8: get("coalesced", 8).tps,
        tps_32: coalesced32.tps,
        p99_ms_32: Number(coalesced32.p99.toFixed(1)),
        batch_tps_1: get("coalesced batch", 1).tps,
        batch_tps_8: get("coalesced batch", 8).tps,
        direct_batch_tps_1: get(`batch of ${BATCH}`, 1).tps,
        direct_batch_tps_8: get(`batch of ${BATCH}`, 8).tps,
        direct_tps_1: get("direct", 1).tps,
        direct_tps_8: get("direct", 8).tps,
        direct_tps_32: get("direct", 32).tps,
        direct_p99_ms_32: Number(get("direct", 32).p99.toFixed(1)),
        postings_per_transaction: 2,
        reconciled: report.ok,
      }),
    );
  } finally {
    await pool.end();
    await database.close();
    // The migration engine may leave an idle connection behind; dropping the database ends it.
    process.on("uncaughtException", (error: Error & { code?: string }) => {
      if (error.code !== "57P01") throw error;
    });
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
