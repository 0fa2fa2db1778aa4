import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { postHold, voidHold } from "#domain/ledger/holds.ts";
import { getBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { pgLedgerSql, type LedgerSql } from "#domain/ledger/sql.ts";
import {
  ledgerSubmitCall,
  prepareTransaction,
  submitTransactions,
  type TransactionInput,
} from "#domain/ledger/submit.ts";
import { createLedgerCoalescer } from "#domain/ledger/coalescer.ts";
import { deposit } from "#domain/ledger/deposits.ts";

/** mulberry32, so a failing run can be replayed from its seed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const wallet = (i: number) => `org:c${i}:wallet`;

if (!hasPostgres()) {
  console.info(
    "[ledger concurrency] skipped: these tests need real PostgreSQL (set DATABASE_URL); PGlite serves one connection",
  );
}

describe.runIf(hasPostgres())("ledger under concurrency (PostgreSQL)", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let sql: LedgerSql;
  beforeAll(async () => {
    db = await createTestDatabase({ engine: "postgres" });
    pool = new pg.Pool({ connectionString: db.url!, max: 24 });
    // An idle client whose backend goes away (the test that kills a connection) must not become
    // an uncaught exception; the query that needed it would fail and say so.
    pool.on("error", () => {});
    sql = pgLedgerSql(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  async function fund(address: string, amount: bigint, key: string) {
    const [r] = await submitTransactions({
      db: sql,
      transactions: [
        { idempotencyKey: key, code: "deposit", postings: [{ debit: "platform:bank", credit: address, amount }] },
      ],
    });
    expect(r!.status).toBe("committed");
  }

  it("24 concurrent conflicting transfers out of one wallet never overdraw it", async () => {
    await fund(wallet(0), 10_000n, "fund-0");
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        submitTransactions({
          db: sql,
          transactions: [
            {
              idempotencyKey: `drain-${i}`,
              code: "transfer",
              postings: [{ debit: wallet(0), credit: wallet(1 + (i % 5)), amount: 1_000n }],
            },
          ],
        }),
      ),
    );
    const statuses = results.map(([r]) => r!.status);
    expect(statuses.filter((s) => s === "committed")).toHaveLength(10);
    expect(statuses.filter((s) => s === "insufficient_funds")).toHaveLength(14);
    expect((await getBalance({ db: db.prisma, address: wallet(0) }))?.posted).toBe(0n);
    expect((await reconcileLedger({ db: sql })).ok).toBe(true);
  });

  it("the same idempotency key sent 20 times at once commits once", async () => {
    await fund(wallet(10), 1_000n, "fund-10");
    const input: TransactionInput = {
      idempotencyKey: "same-key",
      code: "transfer",
      postings: [{ debit: wallet(10), credit: wallet(11), amount: 100n }],
    };
    const results = (
      await Promise.all(Array.from({ length: 20 }, () => submitTransactions({ db: sql, transactions: [input] })))
    ).map(([r]) => r!);
    expect(results.filter((r) => r.status === "committed")).toHaveLength(1);
    expect(results.filter((r) => r.status === "replayed")).toHaveLength(19);
    expect(new Set(results.map((r) => (r as { transactionId: bigint }).transactionId)).size).toBe(1);
    expect((await getBalance({ db: db.prisma, address: wallet(10) }))?.posted).toBe(900n);
  });

  it("the same deposit confirmed 12 times at once through Prisma (with its audit event) is credited once", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        deposit({
          db: db.prisma,
          actorId: "finance",
          orgId: "race-dep",
          amount: 777n,
          bankReference: "RACE-DEPOSIT-1",
        }),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect((await getBalance({ db: db.prisma, address: "org:race-dep:wallet" }))?.posted).toBe(777n);
    expect(
      await db.prisma.auditEvent.count({
        where: { action: "ledger.deposit", entityId: results[0]!.transactionId.toString() },
      }),
    ).toBe(1);
  });

  it("a post and a void racing on one hold: exactly one wins, every time", async () => {
    await fund(wallet(20), 100_000n, "fund-20");
    for (let round = 0; round < 20; round++) {
      const [hold] = await submitTransactions({
        db: sql,
        transactions: [
          {
            idempotencyKey: `race-hold-${round}`,
            code: "escrow-hold",
            pending: true,
            postings: [{ debit: wallet(20), credit: "escrow:deal:race:instalment:1", amount: 100n }],
          },
        ],
      });
      const holdId = (hold as { transactionId: bigint }).transactionId;
      const outcomes = await Promise.all([
        postHold({ db: sql, holdId, idempotencyKey: `race-post-${round}` }),
        voidHold({ db: sql, holdId, idempotencyKey: `race-void-${round}` }),
        postHold({ db: sql, holdId, idempotencyKey: `race-post2-${round}`, amounts: [50n] }),
      ]);
      expect(outcomes.filter((o) => o.status === "resolved")).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "already_resolved")).toHaveLength(2);
    }
    const balance = await getBalance({ db: db.prisma, address: wallet(20) });
    expect(balance?.pending).toBe(0n);
    expect((await reconcileLedger({ db: sql })).ok).toBe(true);
  });

  it("16 connections of random transfers, holds, posts, voids and replays end where the model says", async () => {
    const N = 12;
    const base = 100;
    const model = new Map<string, bigint>();
    const add = (a: string, v: bigint) => model.set(a, (model.get(a) ?? 0n) + v);
    for (let i = 0; i < N; i++) {
      await fund(wallet(base + i), 5_000n, `fund-m-${i}`);
      add(wallet(base + i), 5_000n);
    }
    const before = new Map<string, bigint>();
    for (let i = 0; i < N; i++)
      before.set(wallet(base + i), (await getBalance({ db: db.prisma, address: wallet(base + i) }))!.posted);
    for (const [a, v] of before) model.set(a, v);

    const worker = async (w: number) => {
      const random = seeded(1000 + w);
      const holds: { id: bigint; from: string; to: string; amount: bigint }[] = [];
      const sent: TransactionInput[] = [];
      for (let step = 0; step < 60; step++) {
        const from = wallet(base + Math.floor(random() * N));
        let to = wallet(base + Math.floor(random() * N));
        if (to === from) to = wallet(base + ((Number(from.split(":")[1]!.slice(1)) - base + 1) % N));
        const amount = BigInt(1 + Math.floor(random() * 700));
        const roll = random();
        if (roll < 0.45) {
          const input: TransactionInput = {
            idempotencyKey: `m-${w}-${step}`,
            code: "transfer",
            postings: [{ debit: from, credit: to, amount }],
          };
          sent.push(input);
          const [r] = await submitTransactions({ db: sql, transactions: [input] });
          if (r!.status === "committed") {
            add(from, -amount);
            add(to, amount);
          } else expect(r!.status).toBe("insufficient_funds");
        } else if (roll < 0.65) {
          const [r] = await submitTransactions({
            db: sql,
            transactions: [
              {
                idempotencyKey: `h-${w}-${step}`,
                code: "escrow-hold",
                pending: true,
                postings: [{ debit: from, credit: to, amount }],
              },
            ],
          });
          if (r!.status === "committed") holds.push({ id: r!.transactionId, from, to, amount });
        } else if (roll < 0.85 && holds.length > 0) {
          const hold = holds.splice(Math.floor(random() * holds.length), 1)[0]!;
          if (random() < 0.5) {
            const part = BigInt(1 + Math.floor(random() * Number(hold.amount)));
            const r = await postHold({ db: sql, holdId: hold.id, idempotencyKey: `p-${w}-${step}`, amounts: [part] });
            expect(r.status).toBe("resolved");
            add(hold.from, -part);
            add(hold.to, part);
          } else {
            expect((await voidHold({ db: sql, holdId: hold.id, idempotencyKey: `v-${w}-${step}` })).status).toBe(
              "resolved",
            );
          }
        } else if (sent.length > 0) {
          // A replay of an earlier transfer writes nothing, whatever its first outcome was.
          const again = sent[Math.floor(random() * sent.length)]!;
          const [r] = await submitTransactions({ db: sql, transactions: [again] });
          if (r!.status === "committed") {
            // It failed the first time and fits now: that is a first commit, not a replay.
            add(again.postings[0]!.debit, -again.postings[0]!.amount);
            add(again.postings[0]!.credit, again.postings[0]!.amount);
          }
        }
      }
      for (const hold of holds)
        expect((await voidHold({ db: sql, holdId: hold.id, idempotencyKey: `vend-${hold.id}` })).status).toBe(
          "resolved",
        );
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    for (const [address, expected] of model) {
      const balance = await getBalance({ db: db.prisma, address });
      expect(balance?.posted, address).toBe(expected);
      expect(balance?.pending, address).toBe(0n);
      expect(balance!.posted >= 0n).toBe(true);
    }
    const report = await reconcileLedger({ db: sql });
    expect(report).toMatchObject({ ok: true, mismatchedAccounts: 0 });
  });

  it("big batches over the same accounts, listed in opposite orders, never deadlock (locks go in id order)", async () => {
    // Straight to the database, without the retry that would hide a deadlock (40P01) as a delay.
    const accounts = Array.from({ length: 40 }, (_, i) => wallet(500 + i));
    for (const [i, address] of accounts.entries()) await fund(address, 1_000_000n, `dl-fund-${i}`);
    const before = await reconcileLedger({ db: sql, record: false });
    const batch = (call: number) => {
      const order = call % 2 === 0 ? accounts : [...accounts].reverse();
      return Array.from({ length: 150 }, (_, i) =>
        prepareTransaction({
          idempotencyKey: `dl-${call}-${i}`,
          code: "transfer",
          postings: [
            { debit: order[i % 40]!, credit: order[(i + 1) % 40]!, amount: 1n },
            { debit: order[(i + 7) % 40]!, credit: order[(i + 3) % 40]!, amount: 2n },
          ],
        }),
      );
    };
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, call) => {
        const { text, values } = ledgerSubmitCall(batch(call));
        const { rows } = await pool.query<{ r: string }>(text, values);
        return JSON.parse(rows[0]!.r) as [number[]];
      }),
    );
    expect(results.flatMap(([statuses]) => statuses).every((s) => s === 0)).toBe(true);
    const after = await reconcileLedger({ db: sql, record: false });
    expect(after.ok).toBe(true);
    expect(after.transactions - before.transactions).toBe(12 * 150);
    let total = 0n;
    for (const address of accounts) total += (await getBalance({ db: db.prisma, address }))!.posted;
    expect(total).toBe(40n * 1_000_000n); // money only moved between them
  });

  it("coalesces concurrent submissions into few calls, each with its own answer", async () => {
    await fund(wallet(300), 1_000n, "fund-300");
    const coalescer = createLedgerCoalescer({ sql, maxInFlight: 2 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        coalescer.submit({
          idempotencyKey: `co-${i}`,
          code: "transfer",
          postings: [{ debit: wallet(300), credit: wallet(301), amount: 30n }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === "committed")).toHaveLength(33);
    expect(results.filter((r) => r.status === "insufficient_funds")).toHaveLength(17);
    await coalescer.drain();
    expect((await getBalance({ db: db.prisma, address: wallet(300) }))?.posted).toBe(10n);
  });

  it("a transaction killed half-way (connection dropped before commit) leaves no trace", async () => {
    await fund(wallet(400), 1_000n, "fund-400");
    const before = await reconcileLedger({ db: sql, record: false });
    const client = new pg.Client({ connectionString: db.url! });
    await client.connect();
    client.on("error", () => {});
    const [{ pid }] = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [{ pid: number }];
    await client.query("BEGIN");
    const killed = prepareTransaction({
      idempotencyKey: "killed-1",
      code: "transfer",
      postings: [{ debit: wallet(400), credit: wallet(401), amount: 700n }],
    });
    const call = ledgerSubmitCall([killed]);
    await client.query(call.text, call.values);
    await pool.query("SELECT pg_terminate_backend($1)", [pid]);
    await client.end().catch(() => {});
    expect(await db.prisma.ledgerTransaction.count({ where: { idempotencyKey: "killed-1" } })).toBe(0);
    expect((await getBalance({ db: db.prisma, address: wallet(400) }))?.posted).toBe(1_000n);
    expect(await getBalance({ db: db.prisma, address: wallet(401) })).toBeNull();
    const after = await reconcileLedger({ db: sql, record: false });
    expect(after.ok).toBe(true);
    expect(after.transactions).toBe(before.transactions);
    // The funds the killed transaction touched are free again at once (its locks died with it).
    const [r] = await submitTransactions({
      db: sql,
      transactions: [
        {
          idempotencyKey: "after-kill",
          code: "transfer",
          postings: [{ debit: wallet(400), credit: wallet(401), amount: 1_000n }],
        },
      ],
    });
    expect(r!.status).toBe("committed");
  });
});
