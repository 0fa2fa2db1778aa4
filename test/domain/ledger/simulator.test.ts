import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";
import { expireHolds, postHold, voidHold } from "#domain/ledger/holds.ts";
import { toBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
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
