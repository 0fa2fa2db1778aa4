import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import { addresses, PLATFORM_FEES } from "#domain/ledger/addresses.ts";
import { getBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { forfeitureSplit } from "#domain/transfer/auction-rules.ts";
import {
  auctionView,
  cancelAuction,
  placeBid,
  registerForAuction,
  runDueAuctions,
  scheduleAuction,
} from "#domain/transfer/auctions.ts";
import { cancelDeal, recordRegistration, signDeal } from "#domain/transfer/deals.ts";
import { fundInstalment } from "#domain/transfer/instalments.ts";
import { withdrawOffer } from "#domain/transfer/offers.ts";
import { transferAuctionsTick } from "#workers/definitions/transfer.ts";
import {
  auctionInput,
  createFundedBidder,
  createScheduledAuction,
  registerBidders,
  type Bidder,
} from "#tests/support/auction-factories.ts";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import {
  createPublishedOffer,
  createTransferWorld,
  registrationNumberFor,
  type TransferWorld,
} from "#tests/support/transfer-factories.ts";

const HOUR = 3_600_000;
const MIN = 60_000;

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

if (!hasPostgres()) console.info("[transfer auctions] PostgreSQL not configured (DATABASE_URL): running on PGlite");

describe(`transfer auctions on ${hasPostgres() ? "postgres" : "pglite"}`, () => {
  let db: TestDatabase;
  let world: TransferWorld;
  const t0 = new Date(Date.now() + 60_000);
  const balance = async (address: string) => {
    const b = await getBalance({ db: db.prisma, address });
    return { posted: b?.posted ?? 0n, pending: b?.pending ?? 0n, available: b?.available ?? 0n };
  };
  const wallet = (b: Bidder) => balance(addresses.orgWallet(b.organisationId));
  const bid = (b: Bidder, auctionId: string, amountFen: bigint, now: Date, seenHighestFen?: bigint | null) =>
    placeBid({
      db: db.prisma,
      actor: b.actor,
      auctionId,
      organisationId: b.organisationId,
      amountFen,
      now,
      seenHighestFen,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createTransferWorld({ db: db.prisma });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("scheduling: only the owner, only a 竞价 offer, settings checked; bad input creates nothing", async () => {
    const listed = await createPublishedOffer({ db: db.prisma, world, now: t0 });
    expect(
      (
        await refusal(
          scheduleAuction({ db: db.prisma, actor: world.seller, offerId: listed.id, input: auctionInput(t0), now: t0 }),
        )
      ).key,
    ).toBe("errors.auction.notAuctionOffer");
    const offer = await createPublishedOffer({
      db: db.prisma,
      world,
      input: { pricing: "auction", priceFen: 50_000_000n },
      now: t0,
    });
    const r = await refusal(
      scheduleAuction({ db: db.prisma, actor: world.buyer, offerId: offer.id, input: auctionInput(t0), now: t0 }),
    );
    expect(r.code).toBe("forbidden");
    const cases: [Partial<Parameters<typeof auctionInput>[1]>, string][] = [
      [{ reserveFen: 0n }, "errors.auction.reserve"],
      [{ minIncrementFen: 60_000_000n }, "errors.auction.increment"],
      [{ depositFen: 60_000_000n }, "errors.auction.deposit"],
      [{ startsAt: new Date(t0.getTime() - HOUR) }, "errors.auction.startsAt"],
      [{ endsAt: new Date(t0.getTime() + HOUR + 5 * MIN) }, "errors.auction.endsAt"],
      [{ extensionWindowSeconds: 300, extensionSeconds: 0 }, "errors.auction.extension"],
      [{ signWithinHours: 0 }, "errors.auction.signWithin"],
      [{ mode: "equity" }, "errors.transfer.modeNotOffered"],
      [{ terms: "  " }, "errors.auction.termsRequired"],
      [{ instalmentPlan: [{ shareBp: 5000, dueDays: 0, deliverable: "资料" }] }, "errors.auction.planShares"],
    ];
    for (const [override, key] of cases) {
      const e = await refusal(
        scheduleAuction({
          db: db.prisma,
          actor: world.seller,
          offerId: offer.id,
          input: auctionInput(t0, override),
          now: t0,
        }),
      );
      expect(e.key, key).toBe(key);
      expect(e.code).toBe("bad_request");
    }
    expect(await db.prisma.transferAuction.count({ where: { offerId: offer.id } })).toBe(0);
    const auction = await scheduleAuction({
      db: db.prisma,
      actor: world.seller,
      offerId: offer.id,
      input: auctionInput(t0),
      now: t0,
    });
    expect(auction.status).toBe("scheduled");
    // The offer cannot be withdrawn while its auction is under way.
    expect(
      (await refusal(withdrawOffer({ db: db.prisma, actor: world.seller, offerId: offer.id, reason: "x", now: t0 })))
        .key,
    ).toBe("errors.transfer.offerBusy");
    // The seller cancels before the start; a registered bidder's hold is voided.
    const b = await createFundedBidder({ db: db.prisma, world, funds: 10_000_000n });
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders: [b], now: t0 });
    expect((await wallet(b)).available).toBe(5_000_000n);
    await cancelAuction({ db: db.prisma, actor: world.seller, auctionId: auction.id, reason: "专利年费核查", now: t0 });
    expect(await wallet(b)).toEqual({ posted: 10_000_000n, pending: 0n, available: 10_000_000n });
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: auction.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["auction.schedule", "auction.register", "auction.cancel"]),
    );
  }, 60_000);

  it("deposits: held on the wallet; too little money is refused with the deposit path; one registration per organisation", async () => {
    const { auction } = await createScheduledAuction({ db: db.prisma, world, now: t0 });
    const poor = await createFundedBidder({ db: db.prisma, world, funds: 4_999_999n });
    const r = await refusal(
      registerForAuction({
        db: db.prisma,
        actor: poor.actor,
        auctionId: auction.id,
        organisationId: poor.organisationId,
        now: t0,
      }),
    );
    expect(r).toMatchObject({
      code: "insufficient_funds",
      key: "errors.auction.insufficientDeposit",
      params: { required: "5000000", available: "4999999", depositPath: "/wallet/deposit" },
    });
    expect(await db.prisma.transferAuctionDeposit.count({ where: { auctionId: auction.id } })).toBe(0);
    const rich = await createFundedBidder({ db: db.prisma, world, funds: 20_000_000n });
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders: [rich], now: t0 });
    // A hold on a credit-normal wallet shows as pending debits (negative).
    expect(await wallet(rich)).toEqual({ posted: 20_000_000n, pending: -5_000_000n, available: 15_000_000n });
    expect(
      (
        await refusal(
          registerForAuction({
            db: db.prisma,
            actor: rich.actor,
            auctionId: auction.id,
            organisationId: rich.organisationId,
            now: t0,
          }),
        )
      ).key,
    ).toBe("errors.auction.alreadyRegistered");
    // The seller's own organisation may not bid.
    expect(
      (
        await refusal(
          registerForAuction({
            db: db.prisma,
            actor: world.seller,
            auctionId: auction.id,
            organisationId: world.university.id,
            now: t0,
          }),
        )
      ).code,
    ).toBe("forbidden");
    // No bid before the start, none without a deposit.
    expect((await refusal(bid(rich, auction.id, 50_000_000n, t0))).key).toBe("errors.auction.notOpen");
    const open = new Date(auction.startsAt.getTime() + MIN);
    expect((await refusal(bid(poor, auction.id, 50_000_000n, open))).key).toBe("errors.auction.depositRequired");
  }, 60_000);

  it("eight bidders at once: exactly one bid stands per price, the others are told they were outbid", async () => {
    const { auction } = await createScheduledAuction({ db: db.prisma, world, now: t0 });
    const bidders: Bidder[] = [];
    for (let i = 0; i < 8; i++) bidders.push(await createFundedBidder({ db: db.prisma, world, funds: 100_000_000n }));
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders, now: t0 });
    const open = new Date(auction.startsAt.getTime() + MIN);
    // Round 1: everyone bids the reserve, having seen no bid.
    const round1 = await Promise.allSettled(bidders.map((b) => bid(b, auction.id, 50_000_000n, open, null)));
    const won1 = round1.filter((r) => r.status === "fulfilled");
    expect(won1).toHaveLength(1);
    for (const r of round1.filter((r) => r.status === "rejected"))
      expect(isAppError(r.reason) && r.reason.messageKey).toBe("errors.auction.outbid");
    // Round 2: everyone bids different amounts at once; amounts below the new minimum are outbid.
    const later = new Date(open.getTime() + MIN);
    const amounts = bidders.map((_, i) => 51_000_000n + BigInt(i) * 500_000n);
    const round2 = await Promise.allSettled(bidders.map((b, i) => bid(b, auction.id, amounts[i]!, later, 50_000_000n)));
    const bids = await db.prisma.transferAuctionBid.findMany({
      where: { auctionId: auction.id },
      orderBy: { createdAt: "asc" },
    });
    // Accepted bids form a strictly increasing sequence, each at least the increment above the one before.
    const accepted = bids.map((b) => b.amountFen);
    for (let i = 1; i < accepted.length; i++)
      expect(accepted[i]! - accepted[i - 1]!).toBeGreaterThanOrEqual(1_000_000n);
    expect(accepted).toHaveLength(1 + round2.filter((r) => r.status === "fulfilled").length);
    expect(new Set(accepted).size).toBe(accepted.length);
    for (const r of round2.filter((r) => r.status === "rejected"))
      expect(isAppError(r.reason) && r.reason.messageKey).toBe("errors.auction.outbid");
    const view = await auctionView({ db: db.prisma, actor: bidders[0]!.actor, offerId: auction.offerId });
    expect(view.highestFen).toBe(accepted[accepted.length - 1]);
    expect(view.bids.every((b) => typeof b.label === "number")).toBe(true);
    expect(JSON.stringify(view.bids, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(
      bidders[1]!.organisationId,
    );
    // Every deposit is still held, once.
    for (const b of bidders) expect((await wallet(b)).pending).toBe(-5_000_000n);
  }, 120_000);

  it("a late bid extends the end; the close voids the losers' holds and the deposit counts toward the price to the fen", async () => {
    const { offer, auction } = await createScheduledAuction({ db: db.prisma, world, now: t0 });
    const [a, b, c] = [
      await createFundedBidder({ db: db.prisma, world, funds: 100_000_000n }),
      await createFundedBidder({ db: db.prisma, world, funds: 100_000_000n }),
      await createFundedBidder({ db: db.prisma, world, funds: 100_000_000n }),
    ];
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders: [a, b, c], now: t0 });
    const early = new Date(auction.startsAt.getTime() + MIN);
    expect((await bid(a, auction.id, 50_000_000n, early)).extended).toBe(false);
    expect((await refusal(bid(b, auction.id, 50_500_000n, early, 50_000_000n))).key).toBe("errors.auction.bidTooLow");
    const late = new Date(auction.endsAt.getTime() - 2 * MIN);
    const r = await bid(b, auction.id, 51_234_567n, late);
    expect(r.extended).toBe(true);
    expect(r.endsAt.getTime()).toBe(late.getTime() + 5 * MIN);
    // The original end passes: nothing closes, the auction is still open.
    await runDueAuctions({ db: db.prisma, now: new Date(auction.endsAt.getTime() + 30_000) });
    expect((await db.prisma.transferAuction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe("open");
    const view = await auctionView({ db: db.prisma, actor: a.actor, offerId: offer.id });
    expect(view.extended).toBe(true);
    // The close, run twice (idempotent).
    const close = new Date(r.endsAt.getTime() + MIN);
    const ledgerBefore = await db.prisma.ledgerTransaction.count();
    await transferAuctionsTick.process({}, { db: db.prisma, now: () => close, log: { info: () => {} } } as never);
    const ledgerAfter = await db.prisma.ledgerTransaction.count();
    expect(ledgerAfter - ledgerBefore).toBe(3); // winner's hold posted, two holds voided
    await runDueAuctions({ db: db.prisma, now: close });
    expect(await db.prisma.ledgerTransaction.count()).toBe(ledgerAfter);
    const closed = await db.prisma.transferAuction.findUniqueOrThrow({
      where: { id: auction.id },
      include: { deal: true },
    });
    expect(closed.status).toBe("closed");
    expect(await wallet(a)).toEqual({ posted: 100_000_000n, pending: 0n, available: 100_000_000n });
    expect(await wallet(c)).toEqual({ posted: 100_000_000n, pending: 0n, available: 100_000_000n });
    expect(await wallet(b)).toEqual({ posted: 95_000_000n, pending: 0n, available: 95_000_000n });
    expect((await balance(addresses.auctionDeposits(auction.id))).posted).toBe(5_000_000n);
    const deal = closed.deal!;
    expect(deal).toMatchObject({
      status: "terms_agreed",
      priceFen: 51_234_567n,
      buyerOrganisationId: b.organisationId,
    });
    const instalments = await db.prisma.transferInstalment.findMany({
      where: { dealId: deal.id },
      orderBy: { index: "asc" },
    });
    expect(instalments.map((m) => m.amountFen)).toEqual([15_370_370n, 35_864_197n]);
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe(
      "under_negotiation",
    );
    // Terms of an auction deal are not renegotiated, nor is it cancelled by hand.
    expect((await refusal(cancelDeal({ db: db.prisma, actor: b.actor, dealId: deal.id, reason: "x" }))).key).toBe(
      "errors.auction.dealByAuctionRule",
    );
    // Both sign in time; the job settles; the first instalment takes the deposit.
    const signAt = new Date(close.getTime() + HOUR);
    await signDeal({ db: db.prisma, actor: b.actor, dealId: deal.id, side: "buyer", termsVersion: 1, now: signAt });
    await signDeal({
      db: db.prisma,
      actor: world.seller,
      dealId: deal.id,
      side: "seller",
      termsVersion: 1,
      now: signAt,
    });
    await runDueAuctions({ db: db.prisma, now: signAt });
    expect((await db.prisma.transferAuction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe("settled");
    await recordRegistration({
      db: db.prisma,
      actor: world.seller,
      dealId: deal.id,
      registrationNumber: registrationNumberFor(signAt),
      registrationDate: signAt,
      now: signAt,
    });
    await fundInstalment({ db: db.prisma, actor: b.actor, dealId: deal.id, index: 1, now: signAt });
    expect((await balance(addresses.auctionDeposits(auction.id))).posted).toBe(0n);
    expect((await balance(addresses.dealEscrow(deal.id, 1))).posted).toBe(15_370_370n);
    expect((await wallet(b)).posted).toBe(100_000_000n - 15_370_370n);
    await fundInstalment({ db: db.prisma, actor: b.actor, dealId: deal.id, index: 2, now: signAt });
    expect((await wallet(b)).posted).toBe(100_000_000n - 51_234_567n);
    expect((await reconcileLedger({ db: db.prisma })).ok).toBe(true);
  }, 120_000);

  it("no valid bid: the auction fails and every hold is voided", async () => {
    const { offer, auction } = await createScheduledAuction({ db: db.prisma, world, now: t0 });
    const bidders = [
      await createFundedBidder({ db: db.prisma, world, funds: 6_000_000n }),
      await createFundedBidder({ db: db.prisma, world, funds: 6_000_000n }),
    ];
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders, now: t0 });
    const r = await runDueAuctions({ db: db.prisma, now: new Date(auction.endsAt.getTime() + MIN) });
    expect(r.failed).toBe(1);
    expect((await db.prisma.transferAuction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe("failed");
    for (const b of bidders)
      expect(await wallet(b)).toEqual({ posted: 6_000_000n, pending: 0n, available: 6_000_000n });
    const deposits = await db.prisma.transferAuctionDeposit.findMany({ where: { auctionId: auction.id } });
    expect(deposits.map((d) => d.status)).toEqual(["voided", "voided"]);
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("published");
    expect(await db.prisma.transferDeal.count({ where: { auctionId: auction.id } })).toBe(0);
  }, 60_000);

  it("a winner who does not sign in time forfeits the deposit to the seller less the fee; the offer is published again", async () => {
    const { offer, auction } = await createScheduledAuction({
      db: db.prisma,
      world,
      now: t0,
      input: { depositFen: 3_333_333n },
    });
    const [a, b] = [
      await createFundedBidder({ db: db.prisma, world, funds: 60_000_000n }),
      await createFundedBidder({ db: db.prisma, world, funds: 60_000_000n }),
    ];
    await registerBidders({ db: db.prisma, auctionId: auction.id, bidders: [a, b], now: t0 });
    const open = new Date(auction.startsAt.getTime() + MIN);
    await bid(a, auction.id, 50_000_000n, open);
    await bid(b, auction.id, 51_000_000n, open);
    const close = new Date(auction.endsAt.getTime() + MIN);
    await runDueAuctions({ db: db.prisma, now: close });
    const closed = await db.prisma.transferAuction.findUniqueOrThrow({
      where: { id: auction.id },
      include: { deal: true },
    });
    expect(closed.signByAt!.getTime()).toBe(close.getTime() + 72 * HOUR);
    // Before the deadline nothing happens.
    await runDueAuctions({ db: db.prisma, now: new Date(closed.signByAt!.getTime() - MIN) });
    expect((await db.prisma.transferAuction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe("closed");
    const after = new Date(closed.signByAt!.getTime() + MIN);
    await runDueAuctions({ db: db.prisma, now: after });
    await runDueAuctions({ db: db.prisma, now: after });
    const split = forfeitureSplit(3_333_333n, 300);
    expect(split).toEqual({ fee: 100_000n, seller: 3_233_333n });
    // Other auctions of this file end by the same rule at the same time: look at this one's transaction.
    const forfeited = await db.prisma.transferAuctionDeposit.findFirstOrThrow({
      where: { auctionId: auction.id, organisationId: b.organisationId },
    });
    const postings = await db.prisma.$queryRawUnsafe<{ debit: string; credit: string; amount: bigint }[]>(
      `SELECT d."address" AS debit, c."address" AS credit, p."amount" FROM "LedgerPosting" p
         JOIN "LedgerAccount" d ON d."id" = p."debitAccountId" JOIN "LedgerAccount" c ON c."id" = p."creditAccountId"
        WHERE p."transactionId" = $1 ORDER BY p."amount"`,
      forfeited.resolveTransactionId,
    );
    const escrow = addresses.auctionDeposits(auction.id);
    expect(postings).toEqual([
      { debit: escrow, credit: PLATFORM_FEES, amount: split.fee },
      { debit: escrow, credit: addresses.orgWallet(world.university.id), amount: split.seller },
    ]);
    expect((await balance(escrow)).posted).toBe(0n);
    expect(await wallet(b)).toEqual({
      posted: 60_000_000n - 3_333_333n,
      pending: 0n,
      available: 60_000_000n - 3_333_333n,
    });
    expect(await wallet(a)).toEqual({ posted: 60_000_000n, pending: 0n, available: 60_000_000n });
    expect((await db.prisma.transferAuction.findUniqueOrThrow({ where: { id: auction.id } })).status).toBe("forfeited");
    expect((await db.prisma.transferDeal.findUniqueOrThrow({ where: { id: closed.deal!.id } })).status).toBe(
      "cancelled",
    );
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("published");
    expect(
      (
        await db.prisma.transferAuctionDeposit.findMany({
          where: { auctionId: auction.id },
          orderBy: { amountFen: "asc" },
        })
      )
        .map((d) => [d.organisationId === b.organisationId ? "winner" : "loser", d.status])
        .sort(),
    ).toEqual([
      ["loser", "voided"],
      ["winner", "forfeited"],
    ]);
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { entityId: auction.id }, select: { action: true } })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "auction.open",
        "auction.close",
        "auction.awarded",
        "auction.forfeit",
        "auction.depositForfeited",
      ]),
    );
    expect((await reconcileLedger({ db: db.prisma })).ok).toBe(true);
  }, 120_000);
});
