import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, hasPostgres, testEngines, type TestDatabase } from "#tests/support/db.ts";
import { expireHolds, postHold, voidHold } from "#domain/ledger/holds.ts";
import { toBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { isRetryableLedgerError, pgLedgerSql, sqlState, type LedgerSql } from "#domain/ledger/sql.ts";
import { submitTransactions, type TransactionInput } from "#domain/ledger/submit.ts";

/** mulberry32: the simulator is replayable from its seed (SIM_SEED). */
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

const SEED = Number(process.env.SIM_SEED ?? 20261125);

/**
 * A simple in-memory model of the ledger (TigerBeetle's simulator idea, in small): random
 * operations go to both, and after every step every balance must equal the model's and respect
 * its flags; reconciliation runs every 20 steps and at the end.
 */
class Model {
  posted = new Map<string, bigint>(); // in each account's normal sense
  held = new Map<string, bigint>(); // outgoing held amounts
  holds = new Map<
    bigint,
    { postings: { debit: string; credit: string; amount: bigint }[]; timeoutAt: number | null }
  >();
  committed = new Map<string, { input: TransactionInput; id: bigint }>();

  private sign(address: string): 1n | -1n {
    return address === "platform:bank" ? -1n : 1n; // the bank is debit-normal, the rest credit-normal
  }
  move(debit: string, credit: string, amount: bigint) {
    this.posted.set(debit, (this.posted.get(debit) ?? 0n) - this.sign(debit) * amount);
    this.posted.set(credit, (this.posted.get(credit) ?? 0n) + this.sign(credit) * amount);
  }
  available(address: string): bigint {
    return (this.posted.get(address) ?? 0n) - (this.held.get(address) ?? 0n);
  }
  hold(debit: string, amount: bigint, delta: 1n | -1n) {
    this.held.set(debit, (this.held.get(debit) ?? 0n) + delta * amount);
  }
  /**
   * Would these postings, applied in order, keep every wallet at or above zero? A credit earlier in
   * the same transaction counts for a later debit; a held credit does not. (The bank is only debited.)
   */
  fits(postings: readonly { debit: string; credit: string; amount: bigint }[], pending: boolean): boolean {
    const delta = new Map<string, bigint>();
    for (const p of postings) {
      delta.set(p.debit, (delta.get(p.debit) ?? 0n) - p.amount);
      if (p.debit !== "platform:bank" && this.available(p.debit) + delta.get(p.debit)! < 0n) return false;
      if (!pending) delta.set(p.credit, (delta.get(p.credit) ?? 0n) + p.amount);
    }
    return true;
  }
}

describe.each(testEngines())(`ledger simulator on %s (seed ${SEED})`, (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("keeps every invariant after every random step", { timeout: 240_000 }, async () => {
    const random = seeded(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const wallets = [
      "org:s1:wallet",
      "org:s2:wallet",
      "org:s3:wallet",
      "user:s4:wallet",
      "escrow:challenge:sim:milestone:1",
      "voucher:sim1",
    ];
    const model = new Model();
    let clock = Date.parse("2030-01-01T00:00:00Z");
    const steps = engine === "postgres" ? 250 : 150;
    let n = 0;

    for (let step = 0; step < steps; step++) {
      const roll = random();
      if (roll < 0.15) {
        // deposit
        const to = pick(wallets);
        const amount = BigInt(1 + Math.floor(random() * 5000));
        const input: TransactionInput = {
          idempotencyKey: `sim-${++n}`,
          code: "deposit",
          postings: [{ debit: "platform:bank", credit: to, amount }],
        };
        const [r] = await submitTransactions({ db: db.prisma, transactions: [input] });
        expect(r!.status).toBe("committed");
        model.move("platform:bank", to, amount);
        model.committed.set(input.idempotencyKey, { input, id: (r as { transactionId: bigint }).transactionId });
      } else if (roll < 0.45) {
        // a transaction of 1–3 postings, or a batch of them
        const count = random() < 0.3 ? 2 + Math.floor(random() * 4) : 1;
        const inputs: TransactionInput[] = [];
        for (let i = 0; i < count; i++) {
          const postings = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
            const debit = pick(wallets);
            let credit = pick(wallets);
            if (credit === debit) credit = "platform:fees";
            return { debit, credit, amount: BigInt(1 + Math.floor(random() * 3000)) };
          });
          inputs.push({ idempotencyKey: `sim-${++n}`, code: "transfer", postings });
        }
        const results = await submitTransactions({ db: db.prisma, transactions: inputs });
        inputs.forEach((input, i) => {
          const expected = model.fits(input.postings, false);
          expect(results[i]!.status, `step ${step}`).toBe(expected ? "committed" : "insufficient_funds");
          if (expected) {
            for (const p of input.postings) model.move(p.debit, p.credit, p.amount);
            model.committed.set(input.idempotencyKey, {
              input,
              id: (results[i] as { transactionId: bigint }).transactionId,
            });
          }
        });
      } else if (roll < 0.6) {
        // a hold, sometimes with a timeout
        const debit = pick(wallets);
        let credit = pick(wallets);
        if (credit === debit) credit = "platform:fees";
        const amount = BigInt(1 + Math.floor(random() * 2000));
        const timeoutAt = random() < 0.5 ? clock + Math.floor(random() * 3) * 60_000 : null;
        const input: TransactionInput = {
          idempotencyKey: `sim-${++n}`,
          code: "escrow-hold",
          pending: true,
          timeoutAt: timeoutAt === null ? null : new Date(timeoutAt),
          postings: [{ debit, credit, amount }],
        };
        const [r] = await submitTransactions({ db: db.prisma, transactions: [input] });
        const expected = model.fits(input.postings, true);
        expect(r!.status, `step ${step}`).toBe(expected ? "committed" : "insufficient_funds");
        if (expected) {
          model.hold(debit, amount, 1n);
          model.holds.set((r as { transactionId: bigint }).transactionId, {
            postings: [{ debit, credit, amount }],
            timeoutAt,
          });
        }
      } else if (roll < 0.75 && model.holds.size > 0) {
        // resolve a hold: post in full or in part, or void
        const [id, hold] = pick([...model.holds]);
        const p = hold.postings[0]!;
        const action = random();
        if (action < 0.6) {
          const amount = action < 0.3 ? p.amount : BigInt(1 + Math.floor(random() * Number(p.amount)));
          const r = await postHold({ db: db.prisma, holdId: id, idempotencyKey: `sim-${++n}`, amounts: [amount] });
          expect(r.status).toBe("resolved");
          model.hold(p.debit, p.amount, -1n);
          model.move(p.debit, p.credit, amount);
        } else {
          expect((await voidHold({ db: db.prisma, holdId: id, idempotencyKey: `sim-${++n}` })).status).toBe("resolved");
          model.hold(p.debit, p.amount, -1n);
        }
        model.holds.delete(id);
        // A second resolution of the same hold is refused, whatever it is.
        expect((await voidHold({ db: db.prisma, holdId: id, idempotencyKey: `sim-${++n}` })).status).toBe(
          "already_resolved",
        );
      } else if (roll < 0.85) {
        // time passes; due holds expire (twice: the second run finds nothing)
        clock += 60_000;
        const { expired } = await expireHolds({ db: db.prisma, now: new Date(clock) });
        const due = [...model.holds].filter(([, h]) => h.timeoutAt !== null && h.timeoutAt <= clock).map(([id]) => id);
        expect([...expired].sort()).toEqual([...due].sort());
        for (const id of due) {
          const h = model.holds.get(id)!;
          model.hold(h.postings[0]!.debit, h.postings[0]!.amount, -1n);
          model.holds.delete(id);
        }
        expect((await expireHolds({ db: db.prisma, now: new Date(clock) })).expired).toEqual([]);
      } else if (model.committed.size > 0) {
        // replay a committed transaction (same input: same id, nothing written) or reuse its key (conflict)
        const { input, id } = pick([...model.committed.values()]);
        const changed = random() < 0.5;
        const again = changed ? { ...input, metadata: { changed: true } } : input;
        const [r] = await submitTransactions({ db: db.prisma, transactions: [again] });
        expect(r).toEqual({ status: changed ? "conflict" : "replayed", transactionId: id });
      }

      // Invariants after every step.
      const accounts = (await db.prisma.ledgerAccount.findMany()).map(toBalance);
      for (const a of accounts) {
        expect(a.posted, `${a.address} posted at step ${step}`).toBe(model.posted.get(a.address) ?? 0n);
        const held = a.normalSide === "credit" ? a.debitsPending : a.creditsPending;
        expect(held, `${a.address} held at step ${step}`).toBe(model.held.get(a.address) ?? 0n);
        if (a.flags === "debits_must_not_exceed_credits") expect(a.available >= 0n, a.address).toBe(true);
        if (a.flags === "credits_must_not_exceed_debits")
          expect(a.debitsPosted >= a.creditsPosted + a.creditsPending, a.address).toBe(true);
      }
      if (step % 20 === 19)
        expect((await reconcileLedger({ db: db.prisma, record: false })).ok, `reconcile at step ${step}`).toBe(true);
    }
    const report = await reconcileLedger({ db: db.prisma });
    expect(report).toMatchObject({ ok: true, postedBalanced: true, pendingBalanced: true });
  });
});

// --- concurrent, crash-injecting mode ------------------------------------------------------------

const CLIENTS = Number(process.env.SIM_CLIENTS ?? 16);
const OPERATIONS = Number(process.env.SIM_OPERATIONS ?? 10_400);

interface Posting {
  debit: string;
  credit: string;
  amount: bigint;
}

/**
 * What the concurrent clients know together. Each client debits only its own two wallets, so the
 * funds a client can count on are known to it exactly but for credits other clients have in flight
 * and holds that may have expired meanwhile: every answer is checked against that lower and upper
 * bound. The end state must equal the model exactly.
 */
class ConcurrentModel {
  posted = new Map<string, bigint>();
  held = new Map<string, bigint>();
  /** credits of operations not yet known to have committed or failed */
  inflight = new Map<string, bigint>();
  /** holds known open, by id; `expiring` ones (timeout passed) may be voided by the expiry at any time */
  holds = new Map<bigint, { owner: number; posting: Posting; expiring: boolean }>();
  committed = new Map<string, { input: TransactionInput; id: bigint }>();
  transactions = 0;

  private add(map: Map<string, bigint>, address: string, amount: bigint) {
    map.set(address, (map.get(address) ?? 0n) + amount);
  }
  move(p: Posting) {
    // The bank is debit-normal: a debit raises its balance.
    this.add(this.posted, p.debit, p.debit === "platform:bank" ? p.amount : -p.amount);
    this.add(this.posted, p.credit, p.amount);
  }
  hold(p: Posting, delta: 1n | -1n) {
    this.add(this.held, p.debit, delta * p.amount);
  }
  /** every credit ever started, by account: what may have landed while an operation was in flight */
  started = new Map<string, bigint>();
  flight(postings: readonly Posting[], delta: 1n | -1n) {
    for (const p of postings) {
      this.add(this.inflight, p.credit, delta * p.amount);
      if (delta > 0n) this.add(this.started, p.credit, p.amount);
    }
  }
  snapshot(): Map<string, bigint> {
    return new Map(this.started);
  }
  startedSince(before: Map<string, bigint>): Map<string, bigint> {
    return new Map([...this.started].map(([a, v]) => [a, v - (before.get(a) ?? 0n)]));
  }
  private bounds(address: string, since?: Map<string, bigint>): [bigint, bigint] {
    const lower = (this.posted.get(address) ?? 0n) - (this.held.get(address) ?? 0n);
    let expiring = 0n;
    for (const h of this.holds.values()) if (h.expiring && h.posting.debit === address) expiring += h.posting.amount;
    return [lower, lower + expiring + (this.inflight.get(address) ?? 0n) + (since?.get(address) ?? 0n)];
  }
  /**
   * [surely fits, may fit]: the postings applied in order keep every debited wallet at or above
   * zero. Asked before the operation for the first, after it (with the credits started meanwhile)
   * for the second.
   */
  fits(postings: readonly Posting[], pending: boolean, since?: Map<string, bigint>): [boolean, boolean] {
    let sure = true;
    let may = true;
    const delta = new Map<string, bigint>();
    for (const p of postings) {
      delta.set(p.debit, (delta.get(p.debit) ?? 0n) - p.amount);
      if (p.debit !== "platform:bank") {
        const [lower, upper] = this.bounds(p.debit, since);
        if (lower + delta.get(p.debit)! < 0n) sure = false;
        if (upper + delta.get(p.debit)! < 0n) may = false;
      }
      if (!pending) delta.set(p.credit, (delta.get(p.credit) ?? 0n) + p.amount);
    }
    return [sure, may];
  }
}

/** A ledger runner on one pg client inside an explicit transaction (no retry inside: the client retries the whole). */
function inTransactionSql(client: pg.Client): LedgerSql {
  return {
    inTransaction: true,
    async query<T extends Record<string, unknown>>(text: string, values: unknown[]) {
      return (await client.query(text, values)).rows as T[];
    },
  };
}

describe.skipIf(!hasPostgres())(`concurrent ledger simulator with crashes (seed ${SEED})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine: "postgres" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it(
    `${CLIENTS} clients, ${OPERATIONS} random operations, connections killed mid-transaction`,
    { timeout: 240_000 },
    async () => {
      const started = Date.now();
      const model = new ConcurrentModel();
      const appName = `jiebang-sim-${process.pid}`;
      const connect = async () => {
        const client = new pg.Client({ connectionString: db.url, application_name: appName });
        client.on("error", () => {}); // a terminated backend: the pending query rejects, the client retries
        await client.connect();
        const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
        return { client, pid };
      };
      /** Backends inside a transaction right now, by client: the killer's targets. */
      const inTransaction = new Map<number, number>();
      let done = 0;
      let kills = 0;
      let retries = 0;
      let inDoubt = 0;
      let running = true;
      const failures: string[] = [];
      const check = (ok: boolean, message: string) => {
        if (!ok && failures.length < 20) failures.push(message);
      };

      const runClient = async (c: number) => {
        const random = seeded(SEED + 7919 * (c + 1));
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
        const own = [`org:c${c}a:wallet`, `org:c${c}b:wallet`];
        const anyWallet = () => `org:c${Math.floor(random() * CLIENTS)}${random() < 0.5 ? "a" : "b"}:wallet`;
        let n = 0;
        let conn = await connect();

        /**
         * Runs one operation in its own transaction; a killed connection or a retryable error is
         * retried with the same keys on a new connection (the first attempt may have committed:
         * the retry then replays it). A pause before COMMIT gives the killer its window.
         */
        const attempt = async <T>(work: (sql: LedgerSql) => Promise<T>): Promise<T> => {
          for (let tries = 0; ; tries++) {
            let began = false;
            try {
              await conn.client.query("BEGIN");
              began = true;
              inTransaction.set(c, conn.pid);
              const result = await work(inTransactionSql(conn.client));
              if (random() < 0.3) await conn.client.query("SELECT pg_sleep(0.002)");
              await conn.client.query("COMMIT");
              inTransaction.delete(c);
              return result;
            } catch (error) {
              inTransaction.delete(c);
              const state = sqlState(error);
              const killed = state === "57P01" || !state;
              if (!killed && !isRetryableLedgerError(error)) throw error;
              if (tries > 20) throw new Error(`client ${c}: ${tries} attempts failed`, { cause: error });
              retries += 1;
              if (killed) {
                if (began) inDoubt += 1;
                await conn.client.end().catch(() => {});
                conn = await connect();
              } else {
                await conn.client.query("ROLLBACK").catch(() => {});
              }
            }
          }
        };

        while (running && done < OPERATIONS) {
          done += 1;
          const roll = random();
          if (roll < 0.15) {
            const posting = {
              debit: "platform:bank",
              credit: pick(own),
              amount: BigInt(1 + Math.floor(random() * 5000)),
            };
            const input: TransactionInput = { idempotencyKey: `c${c}-${++n}`, code: "deposit", postings: [posting] };
            model.flight([posting], 1n);
            const [r] = await attempt((sql) => submitTransactions({ db: sql, transactions: [input] }));
            model.flight([posting], -1n);
            check(
              r!.status === "committed" || r!.status === "replayed",
              `deposit ${input.idempotencyKey}: ${r!.status}`,
            );
            model.move(posting);
            model.transactions += 1;
            model.committed.set(input.idempotencyKey, { input, id: (r as { transactionId: bigint }).transactionId });
          } else if (roll < 0.5) {
            const postings = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
              const debit = pick(own);
              let credit = random() < 0.5 ? anyWallet() : pick(own);
              if (credit === debit) credit = "platform:fees";
              return { debit, credit, amount: BigInt(1 + Math.floor(random() * 3000)) };
            });
            const input: TransactionInput = { idempotencyKey: `c${c}-${++n}`, code: "transfer", postings };
            const [sure] = model.fits(postings, false);
            const before = model.snapshot();
            model.flight(postings, 1n);
            const [r] = await attempt((sql) => submitTransactions({ db: sql, transactions: [input] }));
            model.flight(postings, -1n);
            const [, may] = model.fits(postings, false, model.startedSince(before));
            const ok = r!.status === "committed" || r!.status === "replayed";
            check(ok || r!.status === "insufficient_funds", `transfer ${input.idempotencyKey}: ${r!.status}`);
            check(!sure || ok, `transfer ${input.idempotencyKey} refused though it surely fit`);
            check(may || !ok, `transfer ${input.idempotencyKey} committed though it could not fit`);
            if (ok) {
              for (const p of postings) model.move(p);
              model.transactions += 1;
              model.committed.set(input.idempotencyKey, { input, id: (r as { transactionId: bigint }).transactionId });
            }
          } else if (roll < 0.68) {
            const debit = pick(own);
            let credit = anyWallet();
            if (credit === debit) credit = "platform:fees";
            const posting = { debit, credit, amount: BigInt(1 + Math.floor(random() * 2000)) };
            const expiring = random() < 0.3;
            const input: TransactionInput = {
              idempotencyKey: `c${c}-${++n}`,
              code: "escrow-hold",
              pending: true,
              // In the past: the expiry pass may void it from the next moment on.
              timeoutAt: expiring ? new Date(Date.now() - 1_000) : null,
              postings: [posting],
            };
            const [sure] = model.fits([posting], true);
            const before = model.snapshot();
            const [r] = await attempt((sql) => submitTransactions({ db: sql, transactions: [input] }));
            const [, may] = model.fits([posting], true, model.startedSince(before));
            const ok = r!.status === "committed" || r!.status === "replayed";
            check(ok || r!.status === "insufficient_funds", `hold ${input.idempotencyKey}: ${r!.status}`);
            check(!sure || ok, `hold ${input.idempotencyKey} refused though it surely fit`);
            check(may || !ok, `hold ${input.idempotencyKey} committed though it could not fit`);
            if (ok) {
              const id = (r as { transactionId: bigint }).transactionId;
              model.hold(posting, 1n);
              model.holds.set(id, { owner: c, posting, expiring });
              model.transactions += 1;
            }
          } else if (roll < 0.85) {
            const mine = [...model.holds].filter(([, h]) => h.owner === c);
            if (mine.length === 0) continue;
            const [id, hold] = pick(mine);
            const p = hold.posting;
            const post = random() < 0.6;
            const amount = random() < 0.5 ? p.amount : BigInt(1 + Math.floor(random() * Number(p.amount)));
            const key = `c${c}-${++n}`;
            if (post) model.flight([{ ...p, amount }], 1n);
            const r = await attempt((sql) =>
              post
                ? postHold({ db: sql, holdId: id, idempotencyKey: key, amounts: [amount] })
                : voidHold({ db: sql, holdId: id, idempotencyKey: key }),
            );
            if (post) model.flight([{ ...p, amount }], -1n);
            model.holds.delete(id);
            model.hold(p, -1n);
            model.transactions += 1;
            if (r.status === "resolved" || r.status === "replayed") {
              if (post) model.move({ ...p, amount });
            } else {
              // Only the expiry can have been first, and only for a hold whose timeout passed.
              check(
                r.status === "already_resolved" && r.kind === "expire_pending" && hold.expiring,
                `resolving hold ${id}: ${JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`,
              );
            }
          } else if (model.committed.size > 0) {
            const { input, id } = pick([...model.committed.values()]);
            const changed = random() < 0.5;
            const again = changed ? { ...input, metadata: { changed: true } } : input;
            const [r] = await attempt((sql) => submitTransactions({ db: sql, transactions: [again] }));
            check(
              r!.status === (changed ? "conflict" : "replayed") &&
                (r as { transactionId: bigint }).transactionId === id,
              `replay of ${input.idempotencyKey}: ${r!.status}`,
            );
          }
        }
        await conn.client.end();
      };

      // The expiry job, on its own connection, as often as it can.
      const expiry = async () => {
        const { client } = await connect();
        try {
          while (running) {
            await expireHolds({ db: pgLedgerSql(client as unknown as pg.PoolClient), now: new Date() });
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } finally {
          await client.end();
        }
      };
      // The crash injector: terminates a random client's backend while it is inside a transaction.
      const killer = async () => {
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        const random = seeded(SEED ^ 0x5eed);
        try {
          while (running) {
            await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 200)));
            const targets = [...inTransaction.values()];
            if (targets.length === 0) continue;
            const pid = targets[Math.floor(random() * targets.length)]!;
            const { rows } = await admin.query<{ t: boolean }>(
              "SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE pid = $1 AND application_name = $2 AND state <> 'idle'",
              [pid, appName],
            );
            if (rows[0]?.t) kills += 1;
          }
        } finally {
          await admin.end();
        }
      };

      const background = Promise.all([expiry(), killer()]);
      try {
        await Promise.all([...Array(CLIENTS).keys()].map(runClient));
      } finally {
        running = false;
        await background;
      }
      expect(failures, "answers the model rules out").toEqual([]);

      // Settle: expire every due hold; the ones left open are those without a timeout.
      await expireHolds({ db: db.prisma, now: new Date(), limit: 100_000 });
      for (const [id, h] of [...model.holds]) {
        if (!h.expiring) continue;
        model.holds.delete(id);
        model.hold(h.posting, -1n);
        model.transactions += 1;
      }
      const accounts = (await db.prisma.ledgerAccount.findMany()).map(toBalance);
      for (const a of accounts) {
        expect(a.posted, `${a.address} posted`).toBe(model.posted.get(a.address) ?? 0n);
        const held = a.normalSide === "credit" ? a.debitsPending : a.creditsPending;
        expect(held, `${a.address} held`).toBe(model.held.get(a.address) ?? 0n);
        if (a.flags === "debits_must_not_exceed_credits") expect(a.available >= 0n, a.address).toBe(true);
      }
      // Nothing lost, nothing doubled: one ledger transaction per operation the model counted.
      expect(await db.prisma.ledgerTransaction.count()).toBe(model.transactions);
      expect(await reconcileLedger({ db: db.prisma, record: false })).toMatchObject({ ok: true });
      console.info(
        `[ledger simulator] ${CLIENTS} clients, ${done} operations in ${Date.now() - started} ms: ${kills} connections killed mid-transaction, ${inDoubt} transactions interrupted, ${retries} retries`,
      );
      expect(done).toBeGreaterThanOrEqual(OPERATIONS);
      expect(kills, "crashes injected").toBeGreaterThan(50);
    },
  );
});
