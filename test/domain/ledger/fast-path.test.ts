import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import { getBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { ledgerSql } from "#domain/ledger/sql.ts";
import {
  canonicalJson,
  inputHash,
  ledgerSubmitCall,
  pgArrayLiteral,
  prepareTransaction,
  submitTransactions,
  type TransactionInput,
} from "#domain/ledger/submit.ts";

const wallet = (name: string) => `org:${name}:wallet`;
const transfer = (key: string, from: string, to: string, amount: bigint, extra: Partial<TransactionInput> = {}) =>
  ({
    idempotencyKey: key,
    code: "transfer",
    postings: [{ debit: wallet(from), credit: wallet(to), amount }],
    ...extra,
  }) satisfies TransactionInput;

describe("the wire format of ledger_submit_arrays", () => {
  it("hashes exactly as before (stored keys keep replaying, never turn into conflicts)", () => {
    const value = {
      b: 1,
      a: [1n, 'x\u00e9"', null, undefined, { z: undefined, y: new Date(0), é: true }],
      c: { "": 1, "10": 2, "9": 3, B: 1, a: 1 },
    };
    expect(canonicalJson(value)).toBe(
      '{"a":["1","xé\\"",null,null,{"y":"1970-01-01T00:00:00.000Z","é":true}],"b":1,"c":{"":1,"10":2,"9":3,"B":1,"a":1}}',
    );
    expect(inputHash({ code: "transfer", postings: [["org:a:wallet", "org:b:wallet", "5"]] })).toBe(
      "TCEbwl0ToBcEw2syAXGT4_eyELhJtDJXKW_y1HQex3I",
    );
  });

  it("hashes each transaction as canonicalJson of its parts would (the hot path writes the text out)", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.record({
          metadata: fc.option(fc.dictionary(fc.string(), json, { maxKeys: 5 }), { nil: undefined }),
          pending: fc.boolean(),
          timeout: fc.option(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), {
            nil: undefined,
          }),
          correctsId: fc.option(fc.bigInt({ min: 1n, max: 2n ** 62n }), { nil: undefined }),
          amounts: fc.array(fc.bigInt({ min: 1n, max: 10n ** 15n }), { minLength: 1, maxLength: 4 }),
          code: fc.constantFrom("transfer", "deposit", "escrow-hold", "correction"),
        }),
        ({ metadata, pending, timeout, correctsId, amounts, code }) => {
          const input: TransactionInput = {
            idempotencyKey: "k",
            code: code as TransactionInput["code"],
            postings: amounts.map((amount, i) => ({ debit: wallet(`d${i}`), credit: wallet(`c${i}`), amount })),
            ...(metadata !== undefined ? { metadata } : {}),
            ...(pending ? { pending: true, ...(timeout ? { timeoutAt: timeout } : {}) } : {}),
            ...(correctsId !== undefined ? { correctsId } : {}),
          };
          const wire = prepareTransaction(input);
          const canonicalMetadata = JSON.parse(canonicalJson(metadata ?? {})) as unknown;
          expect(wire.hash).toBe(
            inputHash({
              code,
              postings: input.postings.map((p) => [p.debit, p.credit, p.amount.toString()]),
              pending,
              timeoutAt: pending && timeout ? timeout : null,
              correctsId: correctsId ?? null,
              metadata: canonicalMetadata,
            }),
          );
          expect(JSON.parse(wire.meta)).toEqual(canonicalMetadata);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("quotes array elements so any text survives", () => {
    expect(pgArrayLiteral(["a", 'q"', "b\\s", "NULL", "{,}", null, true, false, 3])).toBe(
      '{"a","q\\"","b\\\\s","NULL","{,}",NULL,t,f,3}',
    );
  });
});

describe.each(testEngines())("ledger_submit_arrays on %s", (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    await db?.close();
  });

  const fund = (org: string, amount: bigint) =>
    deposit({ db: db.prisma, actorId: null, orgId: org, amount, bankReference: `FP-${org}` });
  const posted = async (org: string) => (await getBalance({ db: db.prisma, address: wallet(org) }))?.posted;

  it("applies a batch far from every limit in one go (fast path), replays and conflicts included", async () => {
    await fund("fa", 10_000n);
    await fund("fb", 10_000n);
    const first = await submitTransactions({
      db: db.prisma,
      transactions: [transfer("fp-1", "fa", "fb", 100n), transfer("fp-2", "fb", "fa", 30n)],
    });
    expect(first.map((r) => r.status)).toEqual(["committed", "committed"]);
    const before = await db.prisma.ledgerTransaction.count();
    const second = await submitTransactions({
      db: db.prisma,
      transactions: [
        transfer("fp-1", "fa", "fb", 100n), // replay
        transfer("fp-3", "fa", "fc", 10n), // new, creates the account
        transfer("fp-2", "fb", "fa", 31n), // other input under a used key
        transfer("fp-3", "fa", "fc", 10n), // same key twice in one batch: replay of the first
        transfer("fp-3", "fa", "fc", 11n), // … and a conflict with it
      ],
    });
    expect(second.map((r) => r.status)).toEqual(["replayed", "committed", "conflict", "replayed", "conflict"]);
    const id = (r: (typeof second)[number] | undefined) => (r && "transactionId" in r ? r.transactionId : undefined);
    expect(id(second[0])).toBe(id(first[0]));
    expect(id(second[3])).toBe(id(second[1]));
    expect(await db.prisma.ledgerTransaction.count()).toBe(before + 1);
    expect(await posted("fa")).toBe(10_000n - 100n + 30n - 10n);
    expect(await posted("fc")).toBe(10n);
    expect((await reconcileLedger({ db: db.prisma, record: false })).ok).toBe(true);
  });

  it("falls back to the careful path when funds run out in the middle, and the declined attempt leaves nothing", async () => {
    await fund("ca", 1_000n);
    const before = await db.prisma.ledgerTransaction.count();
    const results = await submitTransactions({
      db: db.prisma,
      transactions: [
        transfer("cp-1", "ca", "cb", 400n),
        transfer("cp-2", "ca", "cb", 400n),
        {
          idempotencyKey: "cp-3",
          code: "transfer",
          // all or nothing: the first posting fits, the second does not
          postings: [
            { debit: wallet("ca"), credit: wallet("cb"), amount: 100n },
            { debit: wallet("ca"), credit: wallet("cc"), amount: 200n },
          ],
        },
        transfer("cp-4", "ca", "cb", 200n),
        transfer("cp-5", "ca", "cb", 1n),
        transfer("cp-6", "cb", "ca", 5n, { pending: true }),
      ],
    });
    expect(results.map((r) => r.status)).toEqual([
      "committed",
      "committed",
      "insufficient_funds",
      "committed",
      "insufficient_funds",
      "committed",
    ]);
    expect(results[2]).toEqual({ status: "insufficient_funds", account: wallet("ca") });
    expect(await db.prisma.ledgerTransaction.count()).toBe(before + 4);
    expect(await db.prisma.ledgerTransaction.count({ where: { idempotencyKey: { in: ["cp-3", "cp-5"] } } })).toBe(0);
    expect(await posted("ca")).toBe(0n);
    expect(await getBalance({ db: db.prisma, address: wallet("cb") })).toMatchObject({
      posted: 1_000n,
      pending: -5n,
    });
    // A failed key stores nothing: once funds are there, it goes through.
    await deposit({ db: db.prisma, actorId: null, orgId: "ca", amount: 300n, bankReference: "FP-ca-2" });
    const [retry] = await submitTransactions({
      db: db.prisma,
      transactions: [
        {
          idempotencyKey: "cp-3",
          code: "transfer",
          postings: [
            { debit: wallet("ca"), credit: wallet("cb"), amount: 100n },
            { debit: wallet("ca"), credit: wallet("cc"), amount: 200n },
          ],
        },
      ],
    });
    expect(retry!.status).toBe("committed");
    expect((await reconcileLedger({ db: db.prisma, record: false })).ok).toBe(true);
  });

  it("stores metadata, timeouts and corrections sent as arrays exactly", async () => {
    await fund("ma", 1_000n);
    const metadata = { note: 'quote " backslash \\ brace {x,y} NULL', 中文: "备注" };
    const timeoutAt = new Date("2030-01-02T03:04:05.678Z");
    const [hold] = await submitTransactions({
      db: db.prisma,
      transactions: [transfer("meta-1", "ma", "mb", 7n, { metadata, pending: true, timeoutAt })],
    });
    expect(hold!.status).toBe("committed");
    const row = await db.prisma.ledgerTransaction.findUniqueOrThrow({ where: { idempotencyKey: "meta-1" } });
    expect(row.metadata).toEqual(metadata);
    expect(row.timeoutAt?.toISOString()).toBe(timeoutAt.toISOString());
    expect(row.kind).toBe("pending");
  });

  it("rejects a malformed call instead of guessing (postings out of order, unknown account positions)", async () => {
    const a = prepareTransaction(transfer("bad-1", "xa", "xb", 1n));
    const b = prepareTransaction(transfer("bad-2", "xa", "xb", 1n));
    const call = ledgerSubmitCall([a, b]);
    const sql = ledgerSql(db.prisma);
    const swapped = [...call.values];
    swapped[11] = "{2,1}"; // p_tx: the second transaction's posting first
    await expect(sql.query(call.text, swapped)).rejects.toThrow(/ledger_submit_arrays/);
    const missing = [...call.values];
    missing[13] = "{1,9}"; // p_d: no ninth account in the lists
    await expect(sql.query(call.text, missing)).rejects.toThrow(/ledger_submit_arrays/);
    expect(await db.prisma.ledgerTransaction.count({ where: { idempotencyKey: { startsWith: "bad-" } } })).toBe(0);
  });
});
