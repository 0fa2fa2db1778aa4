import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import {
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import { cancelChallenge, confirmContract, startWork } from "#domain/challenges/challenges.ts";
import {
  acceptMilestone,
  arbitrateDispute,
  deliverMilestone,
  raiseDispute,
  rejectMilestone,
} from "#domain/challenges/milestones.ts";
import { challengeMoney, escrowKeys } from "#domain/challenges/escrow.ts";
import { getChallengeDetail } from "#domain/challenges/read.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import { addresses, PLATFORM_FEES } from "#domain/ledger/addresses.ts";
import { getBalance, walletBalancesByOrg } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { isAppError } from "#domain/errors.ts";

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; key: string; params: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey, params: error.params };
    throw error;
  }
  throw new Error("expected an AppError");
}

const TERMS = "按榜单约定签约。";
const HOUR = 3600_000;

if (!hasPostgres())
  console.info("[challenges money] PostgreSQL not configured (DATABASE_URL): the money path runs on PGlite only");

describe(`challenge money on ${hasPostgres() ? "postgres" : "pglite"}`, () => {
  let db: TestDatabase;
  let world: ChallengeWorld;
  const balance = async (address: string) => (await getBalance({ db: db.prisma, address }))?.posted ?? 0n;
  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createChallengeWorld({ db: db.prisma });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A challenge in `contracting`, the enterprise's wallet holding `funds`. */
  async function contracting(funds: bigint) {
    const driven = await createChallengeInState({ db: db.prisma, world, state: "contracting" });
    if (funds > 0n)
      await deposit({
        db: db.prisma,
        actorId: world.finance.userId,
        orgId: world.enterprise.id,
        amount: funds,
        bankReference: `T-${driven.challenge.id}`,
      });
    return driven;
  }

  async function signed() {
    const before = (await walletBalancesByOrg({ db: db.prisma, orgId: world.enterprise.id })).available;
    const driven = await contracting(100_000_000n);
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    let now = new Date(driven.now.getTime() + HOUR);
    await confirmContract({ ...id, actor: world.solverA, terms: TERMS, now });
    await confirmContract({ ...id, actor: world.seeker, terms: TERMS, now });
    now = new Date(now.getTime() + HOUR);
    await startWork({ ...id, actor: world.solverA, now });
    expect((await walletBalancesByOrg({ db: db.prisma, orgId: world.enterprise.id })).available).toBe(before);
    return { ...driven, id, now };
  }

  it("signing without enough money in the wallet is refused with the amounts and a deposit link, and changes nothing", async () => {
    const wallet = (await walletBalancesByOrg({ db: db.prisma, orgId: world.enterprise.id })).available;
    const driven = await contracting(0n);
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    await confirmContract({ ...id, actor: world.solverA, terms: TERMS, now: driven.now });
    const r = await refusal(confirmContract({ ...id, actor: world.seeker, terms: TERMS, now: driven.now }));
    expect(r).toMatchObject({ code: "insufficient_funds", key: "errors.challenge.insufficientFundsToSign" });
    expect(r.params).toMatchObject({
      required: "100000000",
      available: wallet.toString(),
      depositPath: "/wallet/deposit",
    });
    const after = await db.prisma.challenge.findUniqueOrThrow({ where: { id: driven.challenge.id } });
    expect(after.status).toBe("contracting");
    expect(after.seekerConfirmedAt).toBeNull();
    expect(await balance(addresses.challengeEscrow(driven.challenge.id, 1))).toBe(0n);
  });

  it("a plain member cannot sign, strangers cannot confirm; changed terms clear the other side's confirmation", async () => {
    const driven = await contracting(0n);
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    expect((await refusal(confirmContract({ ...id, actor: world.seekerMember, terms: TERMS }))).code).toBe("forbidden");
    expect((await refusal(confirmContract({ ...id, actor: world.solverB, terms: TERMS }))).code).toBe("forbidden");
    expect((await refusal(confirmContract({ ...id, actor: world.officer, terms: TERMS }))).code).toBe("forbidden");
    await confirmContract({ ...id, actor: world.solverA, terms: TERMS });
    const c = await confirmContract({
      ...id,
      actor: world.seeker,
      terms: "改动后的条款：第二里程碑延期 30 天。",
    }).catch((e: unknown) => e);
    expect(isAppError(c)).toBe(false);
    const row = await db.prisma.challenge.findUniqueOrThrow({ where: { id: driven.challenge.id } });
    expect(row.status).toBe("contracting");
    expect(row.solverConfirmedAt).toBeNull();
    expect(row.seekerConfirmedAt).not.toBeNull();
  });

  it("signing funds one escrow account per milestone; the detail page reads the amounts from the ledger", async () => {
    const { challenge, id, now } = await signed();
    expect(await balance(addresses.challengeEscrow(challenge.id, 1))).toBe(60_000_000n);
    expect(await balance(addresses.challengeEscrow(challenge.id, 2))).toBe(40_000_000n);
    const money = await challengeMoney(id);
    expect(money).toMatchObject({ funded: 100_000_000n, held: 100_000_000n, settled: 0n });
    const detail = await getChallengeDetail({ ...id, actor: null, now });
    expect(detail.money?.held).toBe(100_000_000n);
    expect(detail.milestones.map((m) => m.status)).toEqual(["funded", "funded"]);
    const fund = await db.prisma.ledgerTransaction.findUniqueOrThrow({
      where: { idempotencyKey: escrowKeys.fund(challenge.id, 1) },
    });
    expect(fund.code).toBe("escrow-hold");
  });

  it("two concurrent acceptances of one milestone pay once, less the 3% fee; the last acceptance is 验收", async () => {
    const { challenge, id, now } = await signed();
    const payee = addresses.orgWallet(world.solverA.organisationId);
    const solverBefore = await balance(payee);
    const feesBefore = await balance(PLATFORM_FEES);
    await deliverMilestone({ ...id, actor: world.solverA, index: 1, note: "交付小试样品", now });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => acceptMilestone({ ...id, actor: world.seeker, index: 1, now })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((x) => x.status === "rejected")) {
      expect(isAppError((r as PromiseRejectedResult).reason) && (r as PromiseRejectedResult).reason.code).toBe(
        "conflict",
      );
    }
    expect((await balance(payee)) - solverBefore).toBe(58_200_000n);
    expect((await balance(PLATFORM_FEES)) - feesBefore).toBe(1_800_000n);
    expect(await balance(addresses.challengeEscrow(challenge.id, 1))).toBe(0n);
    expect(
      await db.prisma.ledgerTransaction.count({ where: { idempotencyKey: escrowKeys.release(challenge.id, 1) } }),
    ).toBe(1);

    // A rejected delivery goes back for revision; then the second milestone is accepted and the challenge with it.
    await deliverMilestone({ ...id, actor: world.solverA, index: 2, note: "交付中试工艺包", now });
    expect((await refusal(rejectMilestone({ ...id, actor: world.solverA, index: 2, reasons: "自己拒绝" }))).code).toBe(
      "forbidden",
    );
    await rejectMilestone({ ...id, actor: world.seeker, index: 2, reasons: "第三批次未达到循环寿命指标", now });
    const m2 = await db.prisma.challengeMilestone.findUniqueOrThrow({
      where: { challengeId_index: { challengeId: challenge.id, index: 2 } },
    });
    expect(m2).toMatchObject({ status: "revision_requested", revisionReasons: "第三批次未达到循环寿命指标" });
    expect((await refusal(acceptMilestone({ ...id, actor: world.seeker, index: 2, now }))).code).toBe("conflict");
    await deliverMilestone({ ...id, actor: world.solverA, index: 2, note: "补充第三批次数据", now });
    expect((await refusal(acceptMilestone({ ...id, actor: world.seekerMember, index: 2, now }))).code).toBe(
      "forbidden",
    );
    expect((await refusal(acceptMilestone({ ...id, actor: world.solverA, index: 2, now }))).code).toBe("forbidden");
    await acceptMilestone({ ...id, actor: world.seeker, index: 2, now });
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("accepted");
    expect((await balance(payee)) - solverBefore).toBe(58_200_000n + 38_800_000n);
    expect(await challengeMoney(id)).toMatchObject({ funded: 100_000_000n, held: 0n, settled: 100_000_000n });
  });

  it("cancellation by the zone refunds what escrow still holds", async () => {
    const { challenge, id, now } = await signed();
    await deliverMilestone({ ...id, actor: world.solverA, index: 1, note: "交付", now });
    await acceptMilestone({ ...id, actor: world.seeker, index: 1, now });
    const wallet = await balance(addresses.orgWallet(world.enterprise.id));
    expect((await refusal(cancelChallenge({ ...id, actor: world.seeker, reason: "企业自行撤销" }))).code).toBe(
      "forbidden",
    );
    await cancelChallenge({ ...id, actor: world.officer, reason: "企业破产清算", now });
    expect((await balance(addresses.orgWallet(world.enterprise.id))) - wallet).toBe(40_000_000n);
    const ms = await db.prisma.challengeMilestone.findMany({
      where: { challengeId: challenge.id },
      orderBy: { index: "asc" },
    });
    expect(ms.map((m) => m.status)).toEqual(["accepted", "refunded"]);
  });

  it("the zone arbitrates a dispute: partial release splits one milestone, refund returns another", async () => {
    const { challenge, id, now } = await signed();
    const payee = addresses.orgWallet(world.solverA.organisationId);
    const seekerWallet = addresses.orgWallet(world.enterprise.id);
    await deliverMilestone({ ...id, actor: world.solverA, index: 1, note: "交付", now });
    expect((await refusal(raiseDispute({ ...id, actor: world.stranger, index: 1, reason: "路人" }))).code).toBe(
      "forbidden",
    );
    await raiseDispute({ ...id, actor: world.seeker, index: 1, reason: "交付物与验收标准不符", now });
    expect(
      (await refusal(arbitrateDispute({ ...id, actor: world.seeker, outcome: "refund", decision: "自己裁决" }))).code,
    ).toBe("forbidden");
    expect(
      (await refusal(arbitrateDispute({ ...id, actor: world.otherOfficer, outcome: "refund", decision: "外区裁决" })))
        .code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          arbitrateDispute({
            ...id,
            actor: world.officer,
            outcome: "partial_release",
            releaseAmount: 60_000_000n,
            decision: "全额不算部分",
          }),
        )
      ).code,
    ).toBe("bad_request");
    const [p0, s0] = [await balance(payee), await balance(seekerWallet)];
    await arbitrateDispute({
      ...id,
      actor: world.officer,
      outcome: "partial_release",
      releaseAmount: 30_000_000n,
      decision: "部分达标，按一半结算",
      now,
    });
    expect((await balance(payee)) - p0).toBe(29_100_000n);
    expect((await balance(seekerWallet)) - s0).toBe(30_000_000n);
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("in_progress");
    const dispute = await db.prisma.challengeDispute.findFirstOrThrow({ where: { challengeId: challenge.id } });
    expect(dispute).toMatchObject({ outcome: "partial_release", releasedAmount: 30_000_000n });

    await raiseDispute({ ...id, actor: world.solverA, index: 2, reason: "企业拒绝提供中试场地", now });
    await arbitrateDispute({ ...id, actor: world.officer, outcome: "refund", decision: "终止第二阶段，全额退回", now });
    expect((await balance(seekerWallet)) - s0).toBe(70_000_000n);
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("accepted");
    expect(await challengeMoney(id)).toMatchObject({ held: 0n, settled: 100_000_000n });
  });

  it("a full release by arbitration pays the milestone less the fee", async () => {
    const { id, now } = await signed();
    const payee = addresses.orgWallet(world.solverA.organisationId);
    await deliverMilestone({ ...id, actor: world.solverA, index: 1, note: "交付", now });
    await raiseDispute({ ...id, actor: world.solverA, index: 1, reason: "企业逾期未验收", now });
    const p0 = await balance(payee);
    await arbitrateDispute({ ...id, actor: world.officer, outcome: "release", decision: "交付达标，全额支付", now });
    expect((await balance(payee)) - p0).toBe(58_200_000n);
  });

  it("the ledger reconciles after all of it", async () => {
    expect((await reconcileLedger({ db: db.prisma })).ok).toBe(true);
  });
});
