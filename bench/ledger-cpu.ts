/**
 * npm run bench:ledger-cpu — CPU cost of one ledger transaction, on a shared machine. Wall-clock
 * throughput (bench:ledger) swings by ±50 % with other processes' load; CPU time per transaction
 * barely does, so this is the figure to compare before/after a change of the write path.
 * One connection to a scratch database (created and dropped) on a LOCAL PostgreSQL (DATABASE_URL;
 * the server backend's CPU is read from /proc/<pid>/stat), 1,000 funded wallets, then calls of
 * ledger_submit_arrays with BENCH_SIZES transactions each (default "1000,16,1"), each transaction
 * two postings between random wallets. Prints per size: server CPU µs per transaction (the
 * backend), client CPU µs (this process: validation, hashing, serialization, pg) and wall µs.
 */
import fs from "node:fs";
import pg from "pg";
import { openDatabase } from "#domain/db/client.ts";
import { migrate } from "#domain/db/migrate.ts";
import { pgLedgerSql } from "#domain/ledger/sql.ts";
import { submitTransactions, type TransactionInput } from "#domain/ledger/submit.ts";

const ACCOUNTS = 1000;
const wallet = (i: number) => `org:bench-${i}:wallet`;
let seq = 0;
const runId = Date.now().toString(36);

function randomTransfer(): TransactionInput {
  const a = Math.floor(Math.random() * ACCOUNTS);
  const b = (a + 1 + Math.floor(Math.random() * (ACCOUNTS - 2))) % ACCOUNTS;
  let c = (b + 1) % ACCOUNTS;
  if (c === a) c = (c + 1) % ACCOUNTS;
  return {
    idempotencyKey: `b-${runId}-${++seq}`,
    code: "transfer",
    metadata: { bench: true },
    postings: [
      { debit: wallet(a), credit: wallet(b), amount: BigInt(1 + Math.floor(Math.random() * 10_000)) },
      { debit: wallet(a), credit: wallet(c), amount: BigInt(1 + Math.floor(Math.random() * 100)) },
    ],
  };
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function ticks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function selfMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("bench:ledger-cpu needs DATABASE_URL (a local PostgreSQL)");
  const dbName = `jiebang_bench_cpu_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    const database = await openDatabase({ url: url.toString(), poolSize: 1 });
    await migrate(database);
    await database.close();
    await client.connect();
    const sql = pgLedgerSql(client as unknown as pg.Pool);
    const pid = (await client.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]!.p;
    const funding = Array.from({ length: ACCOUNTS }, (_, i) => ({
      idempotencyKey: `fund-${i}`,
      code: "deposit" as const,
      postings: [{ debit: "platform:bank", credit: wallet(i), amount: 100_000_000_000n }],
    }));
    await submitTransactions({ db: sql, transactions: funding });
    await client.query(`VACUUM (ANALYZE) "LedgerAccount", "LedgerTransaction", "LedgerPosting"`);
    const sizes = (process.env.BENCH_SIZES ?? "1000,16,1").split(",").map(Number);
    for (const size of sizes) {
      const calls = Math.max(20, Math.round(20_000 / size / (size === 1 ? 10 : 1)));
      await submitTransactions({ db: sql, transactions: Array.from({ length: size }, randomTransfer) }); // warm-up
      const t0 = ticks(pid);
      const c0 = selfMs();
      const w0 = performance.now();
      for (let k = 0; k < calls; k++) {
        const results = await submitTransactions({
          db: sql,
          transactions: Array.from({ length: size }, randomTransfer),
        });
        if (results.some((r) => r.status !== "committed")) throw new Error("a bench transaction failed");
      }
      const n = calls * size;
      console.log(
        JSON.stringify({
          bench: "ledger-cpu",
          size,
          transactions: n,
          server_cpu_us_per_tx: Math.round(((ticks(pid) - t0) * 10_000) / n),
          client_cpu_us_per_tx: Math.round(((selfMs() - c0) * 1000) / n),
          wall_us_per_tx: Math.round(((performance.now() - w0) * 1000) / n),
        }),
      );
    }
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
