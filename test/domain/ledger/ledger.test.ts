import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";
import { isAppError } from "#domain/errors.ts";
import { addresses, PLATFORM_BANK, PLATFORM_FEES } from "#domain/ledger/addresses.ts";
import { deposit, topUpZoneBudget } from "#domain/ledger/deposits.ts";
import { holdEscrow, refund, releaseEscrow } from "#domain/ledger/escrow.ts";
import { expireHolds, postHold, voidHold } from "#domain/ledger/holds.ts";
import {
  accountStatement,
  accountStatementCsv,
  getBalance,
  pendingWithdrawals,
  reconciliationHistory,
  searchAccounts,
  transactionDetail,
  walletBalancesByOrg,
} from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { postTransaction, submitTransactions } from "#domain/ledger/submit.ts";
import { payoutSubsidy, postCorrection } from "#domain/ledger/subsidies.ts";
import { confirmWithdrawal, rejectWithdrawal, requestWithdrawal } from "#domain/ledger/withdrawals.ts";

async function appError(promise: Promise<unknown>): Promise<{ code: string; key: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey };
    throw error;
  }
  throw new Error("expected an AppError");
}

async function counts(db: TestDatabase) {
  return {
    transactions: await db.prisma.ledgerTransaction.count(),
    postings: await db.prisma.ledgerPosting.count(),
    audit: await db.prisma.auditEvent.count(),
  };
}

describe.each(testEngines())("ledger on %s", (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("deposits once per bank reference; a replay writes nothing, a different input is a conflict", async () => {
    const first = await deposit({
      db: db.prisma,
      actorId: "finance-1",
      orgId: "orgA",
      amount: 100_000n,
      bankReference: "BANK-0001",
    });
    expect(first.replayed).toBe(false);
    const before = await counts(db);
    const again = await deposit({
      db: db.prisma,
      actorId: "finance-1",
      orgId: "orgA",
      amount: 100_000n,
      bankReference: "BANK-0001",
    });
    expect(again).toEqual({ transactionId: first.transactionId, replayed: true });
    expect(
      await appError(
        deposit({ db: db.prisma, actorId: "finance-1", orgId: "orgA", amount: 100_001n, bankReference: "BANK-0001" }),
      ),
    ).toEqual({
      code: "conflict",
      key: "errors.ledger.idempotencyConflict",
    });
    expect(await counts(db)).toEqual(before);
    expect(await walletBalancesByOrg({ db: db.prisma, orgId: "orgA" })).toEqual({
      address: "org:orgA:wallet",
      posted: 100_000n,
      pending: 0n,
      available: 100_000n,
    });
    const bank = await getBalance({ db: db.prisma, address: PLATFORM_BANK });
    expect(bank?.posted).toBe(100_000n);
  });

  it("rejects bad input before writing", async () => {
    const base = { db: db.prisma, idempotencyKey: "bad-1", code: "transfer" as const };
    expect(
      (
        await appError(
          postTransaction({ ...base, postings: [{ debit: "org:orgA:wallet", credit: "org:orgA:wallet", amount: 1n }] }),
        )
      ).key,
    ).toBe("errors.ledger.sameAccount");
    expect(
      (
        await appError(
          postTransaction({ ...base, postings: [{ debit: "org:orgA:wallet", credit: "org:orgB:wallet", amount: 0n }] }),
        )
      ).key,
    ).toBe("errors.ledger.invalidAmount");
    expect(
      (
        await appError(
          postTransaction({
            ...base,
            postings: [{ debit: "org:orgA:wallet", credit: "org:orgB:wallet", amount: -5n }],
          }),
        )
      ).key,
    ).toBe("errors.ledger.invalidAmount");
    expect(
      (
        await appError(
          postTransaction({ ...base, postings: [{ debit: "bogus:1", credit: "org:orgB:wallet", amount: 5n }] }),
        )
      ).key,
    ).toBe("errors.ledger.invalidAddress");
    expect(
      (
        await appError(
          postTransaction({ ...base, postings: [{ debit: "org:a b:wallet", credit: "org:orgB:wallet", amount: 5n }] }),
        )
      ).key,
    ).toBe("errors.ledger.invalidAddress");
    expect((await appError(postTransaction({ ...base, postings: [] }))).key).toBe("errors.ledger.invalidTransaction");
    expect(
      (
        await appError(
          postTransaction({
            ...base,
            code: "nonsense" as "transfer",
            postings: [{ debit: "org:orgA:wallet", credit: "org:orgB:wallet", amount: 5n }],
          }),
        )
      ).key,
    ).toBe("errors.ledger.invalidTransaction");
    expect(await db.prisma.ledgerTransaction.count({ where: { idempotencyKey: "bad-1" } })).toBe(0);
  });

  it("never lets a wallet go below zero, and a multi-posting transaction is all or nothing", async () => {
    await deposit({ db: db.prisma, actorId: null, orgId: "orgB", amount: 1_000n, bankReference: "BANK-0002" });
    const before = await counts(db);
    const error = await appError(
      postTransaction({
        db: db.prisma,
        idempotencyKey: "split-1",
        code: "transfer",
        postings: [
          { debit: "org:orgB:wallet", credit: "org:orgC:wallet", amount: 600n },
          { debit: "org:orgB:wallet", credit: "org:orgD:wallet", amount: 600n },
        ],
      }),
    );
    expect(error).toEqual({ code: "insufficient_funds", key: "errors.ledger.insufficientFunds" });
    expect(await counts(db)).toEqual(before);
    expect((await getBalance({ db: db.prisma, address: "org:orgB:wallet" }))?.posted).toBe(1_000n);
    // The same key may be used again once the money is there: a failure stores nothing.
    await deposit({ db: db.prisma, actorId: null, orgId: "orgB", amount: 200n, bankReference: "BANK-0003" });
    const ok = await postTransaction({
      db: db.prisma,
      idempotencyKey: "split-1",
      code: "transfer",
      postings: [
        { debit: "org:orgB:wallet", credit: "org:orgC:wallet", amount: 600n },
        { debit: "org:orgB:wallet", credit: "org:orgD:wallet", amount: 600n },
      ],
    });
    expect(ok.replayed).toBe(false);
    expect((await getBalance({ db: db.prisma, address: "org:orgB:wallet" }))?.posted).toBe(0n);
    // The bank can never pay out more than came in.
    const overdraw = await appError(
      postTransaction({
        db: db.prisma,
        idempotencyKey: "bank-out",
        code: "withdrawal",
        postings: [
          { debit: "org:orgC:wallet", credit: PLATFORM_BANK, amount: 1n },
          { debit: "platform:suspense", credit: PLATFORM_BANK, amount: 10n ** 12n },
        ],
      }),
    );
    expect(overdraw).toEqual({ code: "insufficient_funds", key: "errors.ledger.exceedsDebits" });
  });

  it("answers each transaction of a batch on its own", async () => {
    await deposit({ db: db.prisma, actorId: null, orgId: "batch1", amount: 500n, bankReference: "BANK-0004" });
    const t = (key: string, amount: bigint) => ({
      idempotencyKey: key,
      code: "transfer" as const,
      postings: [{ debit: "org:batch1:wallet", credit: "org:batch2:wallet", amount }],
    });
    const results = await submitTransactions({
      db: db.prisma,
      transactions: [t("b-1", 300n), t("b-2", 300n), t("b-3", 200n), t("b-1", 300n), t("b-3", 1n)],
    });
    expect(results.map((r) => r.status)).toEqual([
      "committed",
      "insufficient_funds",
      "committed",
      "replayed",
      "conflict",
    ]);
    expect((await getBalance({ db: db.prisma, address: "org:batch1:wallet" }))?.posted).toBe(0n);
  });

  it("holds withdrawals: confirm posts once, reject voids, amounts are checked", async () => {
    await deposit({ db: db.prisma, actorId: null, orgId: "orgW", amount: 10_000n, bankReference: "BANK-0005" });
    const { holdId } = await requestWithdrawal({
      db: db.prisma,
      actorId: "u1",
      orgId: "orgW",
      amount: 4_000n,
      idempotencyKey: "form-1",
    });
    expect(await walletBalancesByOrg({ db: db.prisma, orgId: "orgW" })).toMatchObject({
      posted: 10_000n,
      available: 6_000n,
    });
    expect(
      (
        await requestWithdrawal({
          db: db.prisma,
          actorId: "u1",
          orgId: "orgW",
          amount: 4_000n,
          idempotencyKey: "form-1",
        })
      ).replayed,
    ).toBe(true);
    expect(
      await appError(
        requestWithdrawal({ db: db.prisma, actorId: "u1", orgId: "orgW", amount: 6_001n, idempotencyKey: "form-2" }),
      ),
    ).toMatchObject({ code: "insufficient_funds" });
    const queue = await pendingWithdrawals({ db: db.prisma });
    expect(queue.map((q) => [q.holdId, q.orgId, q.amount])).toContainEqual([holdId, "orgW", 4_000n]);
    expect(
      await appError(
        confirmWithdrawal({ db: db.prisma, actorId: "f1", holdId, bankReference: "OUT-0001", amount: 4_001n }),
      ),
    ).toMatchObject({
      key: "errors.ledger.withdrawalAmountMismatch",
    });
    const confirmed = await confirmWithdrawal({
      db: db.prisma,
      actorId: "f1",
      holdId,
      bankReference: "OUT-0001",
      amount: 4_000n,
    });
    expect(confirmed.replayed).toBe(false);
    expect(
      (await confirmWithdrawal({ db: db.prisma, actorId: "f1", holdId, bankReference: "OUT-0001", amount: 4_000n }))
        .replayed,
    ).toBe(true);
    expect(await appError(rejectWithdrawal({ db: db.prisma, actorId: "f1", holdId, reason: "late" }))).toMatchObject({
      key: "errors.ledger.holdAlreadyResolved",
    });
    expect(await walletBalancesByOrg({ db: db.prisma, orgId: "orgW" })).toMatchObject({
      posted: 6_000n,
      pending: 0n,
      available: 6_000n,
    });
    const second = await requestWithdrawal({
      db: db.prisma,
      actorId: "u1",
      orgId: "orgW",
      amount: 1_000n,
      idempotencyKey: "form-3",
    });
    await rejectWithdrawal({ db: db.prisma, actorId: "f1", holdId: second.holdId, reason: "wrong account" });
    expect(await walletBalancesByOrg({ db: db.prisma, orgId: "orgW" })).toMatchObject({
      posted: 6_000n,
      available: 6_000n,
    });
    expect((await pendingWithdrawals({ db: db.prisma })).map((q) => q.holdId)).not.toContain(second.holdId);
    expect(await db.prisma.auditEvent.count({ where: { action: { startsWith: "ledger.withdrawal" } } })).toBe(4);
  });

  it("posts part of a hold (the rest returns) and expires holds exactly once", async () => {
    await deposit({ db: db.prisma, actorId: null, orgId: "orgH", amount: 1_000n, bankReference: "BANK-0006" });
    const hold = await postTransaction({
      db: db.prisma,
      idempotencyKey: "voucher-reserve-1",
      code: "voucher-issue",
      pending: true,
      postings: [
        { debit: "org:orgH:wallet", credit: "voucher:v1", amount: 300n },
        { debit: "org:orgH:wallet", credit: PLATFORM_FEES, amount: 100n },
      ],
    });
    expect(
      await postHold({ db: db.prisma, holdId: hold.transactionId, idempotencyKey: "p1", amounts: [301n, 0n] }),
    ).toEqual({ status: "amount_above_hold", index: 0 });
    expect(
      await postHold({ db: db.prisma, holdId: hold.transactionId, idempotencyKey: "p1", amounts: [200n, 0n] }),
    ).toMatchObject({ status: "resolved" });
    expect(
      await postHold({ db: db.prisma, holdId: hold.transactionId, idempotencyKey: "p1", amounts: [200n, 0n] }),
    ).toMatchObject({ status: "replayed" });
    expect(
      await postHold({ db: db.prisma, holdId: hold.transactionId, idempotencyKey: "p1", amounts: [100n, 0n] }),
    ).toMatchObject({ status: "conflict" });
    expect(await voidHold({ db: db.prisma, holdId: hold.transactionId, idempotencyKey: "v1" })).toMatchObject({
      status: "already_resolved",
      kind: "post_pending",
    });
    expect(await getBalance({ db: db.prisma, address: "org:orgH:wallet" })).toMatchObject({
      posted: 800n,
      available: 800n,
      pending: 0n,
    });
    expect(await getBalance({ db: db.prisma, address: "voucher:v1" })).toMatchObject({ posted: 200n });

    const now = new Date("2030-01-01T00:00:00Z");
    const timed = await postTransaction({
      db: db.prisma,
      idempotencyKey: "timed-1",
      code: "escrow-hold",
      pending: true,
      timeoutAt: new Date(now.getTime() + 60_000),
      postings: [{ debit: "org:orgH:wallet", credit: "escrow:deal:d1:instalment:1", amount: 500n }],
    });
    expect((await getBalance({ db: db.prisma, address: "org:orgH:wallet" }))?.available).toBe(300n);
    expect((await expireHolds({ db: db.prisma, now })).expired).toEqual([]);
    const later = new Date(now.getTime() + 120_000);
    const [a, b] = await Promise.all([
      expireHolds({ db: db.prisma, now: later }),
      expireHolds({ db: db.prisma, now: later }),
    ]);
    expect([...a.expired, ...b.expired]).toEqual([timed.transactionId]);
    expect(await postHold({ db: db.prisma, holdId: timed.transactionId, idempotencyKey: "late-post" })).toMatchObject({
      status: "already_resolved",
      kind: "expire_pending",
    });
    expect(await getBalance({ db: db.prisma, address: "org:orgH:wallet" })).toMatchObject({
      posted: 800n,
      available: 800n,
    });
    const detail = await transactionDetail({ db: db.prisma, id: timed.transactionId });
    expect(detail.resolution?.kind).toBe("expire_pending");
  });

  it("runs escrow with fee and commission splits, refunds and subsidies", async () => {
    await deposit({ db: db.prisma, actorId: null, orgId: "ent1", amount: 1_000_001n, bankReference: "BANK-0007" });
    const escrow = addresses.challengeEscrow("ch1", 1);
    await holdEscrow({
      db: db.prisma,
      actorId: "u",
      idempotencyKey: "esc-1",
      payerWallet: addresses.orgWallet("ent1"),
      escrow,
      amount: 1_000_001n,
      metadata: { challengeId: "ch1", milestone: 1 },
    });
    const release = await releaseEscrow({
      db: db.prisma,
      actorId: "u",
      idempotencyKey: "rel-1",
      escrow,
      payeeWallet: addresses.orgWallet("uni1"),
      amount: 900_001n,
      feeBasisPoints: 250,
      commission: { wallet: addresses.userWallet("broker1"), basisPoints: 100 },
    });
    expect(release.fee + release.commission + release.payee).toBe(900_001n);
    expect([release.fee, release.commission, release.payee]).toEqual([22_500n, 9_000n, 868_501n]);
    const detail = await transactionDetail({ db: db.prisma, id: release.transactionId });
    expect(detail.code).toBe("milestone-release");
    expect(detail.postings.map((p) => [p.credit, p.amount])).toEqual([
      ["platform:fees", 22_500n],
      ["user:broker1:wallet", 9_000n],
      ["org:uni1:wallet", 868_501n],
    ]);
    await refund({
      db: db.prisma,
      actorId: "u",
      idempotencyKey: "ref-1",
      from: escrow,
      toWallet: addresses.orgWallet("ent1"),
      amount: 100_000n,
      reason: "milestone 1 scope cut",
    });
    expect((await getBalance({ db: db.prisma, address: escrow }))?.posted).toBe(0n);
    expect(
      await appError(
        refund({
          db: db.prisma,
          actorId: "u",
          idempotencyKey: "ref-2",
          from: escrow,
          toWallet: addresses.orgWallet("ent1"),
          amount: 1n,
          reason: "x",
        }),
      ),
    ).toMatchObject({
      code: "insufficient_funds",
    });
    await topUpZoneBudget({
      db: db.prisma,
      actorId: "z",
      zoneId: "zone1",
      programme: "transfer-subsidy",
      year: 2026,
      amount: 50_000n,
      bankReference: "ZONE-0001",
    });
    await payoutSubsidy({
      db: db.prisma,
      actorId: "z",
      zoneId: "zone1",
      programme: "transfer-subsidy",
      year: 2026,
      recipientWallet: addresses.orgWallet("uni1"),
      amount: 30_000n,
      idempotencyKey: "subsidy-app-1",
    });
    expect(
      await appError(
        payoutSubsidy({
          db: db.prisma,
          actorId: "z",
          zoneId: "zone1",
          programme: "transfer-subsidy",
          year: 2026,
          recipientWallet: addresses.orgWallet("uni1"),
          amount: 30_000n,
          idempotencyKey: "subsidy-app-2",
        }),
      ),
    ).toMatchObject({
      code: "insufficient_funds",
    });
    const correction = await postCorrection({
      db: db.prisma,
      actorId: "f",
      correctsId: release.transactionId,
      reason: "fee rate was 2%",
      idempotencyKey: "corr-1",
      postings: [{ debit: PLATFORM_FEES, credit: addresses.orgWallet("uni1"), amount: 4_500n }],
    });
    expect((await transactionDetail({ db: db.prisma, id: correction.transactionId })).correctsId).toBe(
      release.transactionId,
    );
    expect((await searchAccounts({ db: db.prisma, query: "uni1" })).map((a) => [a.address, a.posted])).toEqual([
      ["org:uni1:wallet", 868_501n + 30_000n + 4_500n],
    ]);
  });

  it("writes statements with running balance, date range, paging and CSV", async () => {
    for (let i = 1; i <= 5; i++)
      await deposit({
        db: db.prisma,
        actorId: null,
        orgId: "stmt",
        amount: BigInt(i * 100),
        bankReference: `STMT-000${i}`,
      });
    await postTransaction({
      db: db.prisma,
      idempotencyKey: "stmt-out",
      code: "transfer",
      postings: [{ debit: "org:stmt:wallet", credit: "org:other:wallet", amount: 250n }],
    });
    const first = await accountStatement({ db: db.prisma, address: "org:stmt:wallet", limit: 4 });
    expect(first.openingBalance).toBe(0n);
    expect(first.lines.map((l) => [l.amount, l.balance])).toEqual([
      [100n, 100n],
      [200n, 300n],
      [300n, 600n],
      [400n, 1000n],
    ]);
    const second = await accountStatement({
      db: db.prisma,
      address: "org:stmt:wallet",
      limit: 4,
      after: first.nextCursor,
    });
    expect(second.lines.map((l) => [l.code, l.amount, l.balance, l.counterparty])).toEqual([
      ["deposit", 500n, 1500n, PLATFORM_BANK],
      ["transfer", -250n, 1250n, "org:other:wallet"],
    ]);
    expect(second.nextCursor).toBeNull();
    const empty = await accountStatement({
      db: db.prisma,
      address: "org:stmt:wallet",
      from: new Date(Date.now() + 3_600_000),
    });
    expect(empty).toMatchObject({ openingBalance: 1250n, closingBalance: 1250n, lines: [] });
    const csv = await accountStatementCsv({ db: db.prisma, address: "org:stmt:wallet" });
    const rows = csv.trim().split("\r\n");
    expect(rows).toHaveLength(7);
    expect(rows[6]).toMatch(/,transfer,org:other:wallet,-2\.50,12\.50$/);
  });

  it("rejects UPDATE and DELETE of transactions and postings, and edits of an account's identity", async () => {
    const statements = [
      `UPDATE "LedgerTransaction" SET "code" = 'fee'`,
      `DELETE FROM "LedgerTransaction"`,
      `UPDATE "LedgerPosting" SET "amount" = "amount" + 1`,
      `DELETE FROM "LedgerPosting"`,
      `TRUNCATE "LedgerPosting"`,
      `UPDATE "LedgerAccount" SET "address" = 'org:x:wallet' WHERE "address" = 'org:orgA:wallet'`,
      `UPDATE "LedgerAccount" SET "flags" = 'none'`,
      `DELETE FROM "LedgerAccount"`,
    ];
    for (const statement of statements) {
      await expect(db.prisma.$executeRawUnsafe(statement), statement).rejects.toThrow(/append-only/);
    }
    // The flags hold even against a direct write of the totals.
    await expect(
      db.prisma.$executeRawUnsafe(
        `UPDATE "LedgerAccount" SET "debitsPosted" = "creditsPosted" + 1 WHERE "address" = 'org:orgA:wallet'`,
      ),
    ).rejects.toThrow(/debits_within_credits/);
  });

  it("reconciles clean, records the run, and detects a corrupted total and a corrupted posting", async () => {
    const clean = await reconcileLedger({ db: db.prisma });
    expect(clean).toMatchObject({
      ok: true,
      postedBalanced: true,
      pendingBalanced: true,
      mismatchedAccounts: 0,
      orphanPostings: 0,
    });
    await db.prisma.$executeRawUnsafe(
      `UPDATE "LedgerAccount" SET "creditsPosted" = "creditsPosted" + 7 WHERE "address" = 'org:orgA:wallet'`,
    );
    const corrupted = await reconcileLedger({ db: db.prisma });
    expect(corrupted.ok).toBe(false);
    expect(corrupted.postedBalanced).toBe(false);
    expect(corrupted.mismatches).toEqual([
      expect.objectContaining({ address: "org:orgA:wallet", creditsPosted: ["100007", "100000"] }),
    ]);
    await db.prisma.$executeRawUnsafe(
      `UPDATE "LedgerAccount" SET "creditsPosted" = "creditsPosted" - 7 WHERE "address" = 'org:orgA:wallet'`,
    );
    // A superuser can bypass the triggers; reconciliation still finds the damage.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
      await tx.$executeRawUnsafe(
        `UPDATE "LedgerPosting" SET "amount" = "amount" + 1 WHERE "transactionId" = (SELECT min("transactionId") FROM "LedgerPosting")`,
      );
    });
    const tampered = await reconcileLedger({ db: db.prisma });
    expect(tampered.ok).toBe(false);
    expect(tampered.mismatchedAccounts).toBe(2);
    const history = await reconciliationHistory({ db: db.prisma });
    expect(history.map((h) => h.ok)).toEqual([false, false, true]);
  });
});
