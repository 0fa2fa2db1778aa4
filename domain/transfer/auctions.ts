import type {
  TransferAuction,
  TransferAuctionBid,
  TransferAuctionDeposit,
  TransferDealMode,
  TransferLicenceKind,
} from "#db/generated/client/client.ts";
import { can, requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, PLATFORM_FEES } from "../ledger/addresses.ts";
import { postHold, unwrapResolve, voidHold } from "../ledger/holds.ts";
import { walletBalancesByOrg } from "../ledger/read.ts";
import { inLedgerTransaction, sqlState } from "../ledger/sql.ts";
import { postTransaction } from "../ledger/submit.ts";
import { runTransition, type ProcessActor } from "../process/machine.ts";
import { lockOffer, memberOf } from "./access.ts";
import { auctionProcess, depositProcess, type AuctionEntity } from "./auction-process.ts";
import {
  AUCTION_ERRORS,
  extendedEnd,
  forfeitureSplit,
  maskBidders,
  minimumNextBid,
  planInstalments,
  validateAuctionInput,
  type AuctionInput,
  type PlanRow,
} from "./auction-rules.ts";
import { DEPOSIT_PATH, PLATFORM_FEE_BASIS_POINTS, TRANSFER_ERRORS } from "./constants.ts";
import { openDeal, releaseOffer } from "./deals.ts";
import { syncOffer } from "./offers.ts";
import { isExclusiveDeal, transitionDeal, transitionOffer } from "./process.ts";

/**
 * 竞价 (docs/decisions/0019-transfer-auctions.md). The seller schedules an auction on an offer
 * priced "auction"; enterprises register by placing a deposit hold on their wallet (a pending
 * ledger transaction wallet → escrow:auction:{id}); bids are serialised by the auction's row lock;
 * the scheduled job opens, closes and settles auctions. Every ledger call's key derives from the
 * business fact (auction, organisation, step), so a retried job is a no-op.
 */

const TICK: ProcessActor = { system: "transfer.auctionsTick" };

export const auctionKeys = {
  deposit: (auctionId: string, orgId: string) => `auction:${auctionId}:deposit:${orgId}`,
  apply: (auctionId: string, orgId: string) => `auction:${auctionId}:deposit:${orgId}:apply`,
  void: (auctionId: string, orgId: string) => `auction:${auctionId}:deposit:${orgId}:void`,
  forfeit: (auctionId: string) => `auction:${auctionId}:forfeit`,
  returnDeposit: (auctionId: string) => `auction:${auctionId}:return`,
};

/** Auctions still deciding anything: the offer may not be withdrawn or expire meanwhile. */
export const LIVE_AUCTION_STATUSES = ["scheduled", "open", "closed"] as const;

async function lockAuction(tx: Tx, auctionId: string): Promise<AuctionEntity> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "TransferAuction" WHERE "id" = $1 FOR UPDATE`,
    String(auctionId),
  );
  if (rows.length === 0) throw new AppError("not_found", AUCTION_ERRORS.notFound);
  const a = await tx.transferAuction.findUniqueOrThrow({
    where: { id: auctionId },
    include: { offer: { select: { zoneId: true, ownerOrganisationId: true } } },
  });
  const { offer, ...auction } = a;
  return { ...auction, zoneId: offer.zoneId, ownerOrganisationId: offer.ownerOrganisationId };
}

function withAuction<T>(db: Db, auctionId: string, work: (tx: Tx, a: AuctionEntity) => Promise<T>): Promise<T> {
  return inLedgerTransaction(db, async (tx) => work(tx, await lockAuction(tx, auctionId)));
}

async function audit(tx: Tx, a: AuctionEntity, actorId: string | null, action: string, after: Record<string, unknown>) {
  await recordAudit(tx, {
    actorId,
    action,
    entityType: "TransferAuction",
    entityId: a.id,
    zoneId: a.zoneId,
    after,
  });
}

/** The seller schedules the auction of an offer priced 竞价 (one auction per offer). */
export async function scheduleAuction(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  input: AuctionInput;
  now?: Date;
}): Promise<TransferAuction> {
  const now = options.now ?? new Date();
  return inLedgerTransaction(options.db, async (tx) => {
    const offer = await lockOffer(tx, options.offerId);
    if (
      !memberOf(options.actor, offer.ownerOrganisationId) ||
      !can(options.actor, "publish:offer:own", { organisationId: offer.ownerOrganisationId })
    )
      throw new AppError("forbidden", "errors.forbidden");
    if (offer.pricing !== "auction") throw new AppError("conflict", AUCTION_ERRORS.notAuctionOffer);
    if (offer.status !== "published") throw new AppError("conflict", TRANSFER_ERRORS.offerNotAvailable);
    const existing = await tx.transferAuction.findUnique({ where: { offerId: offer.id }, select: { id: true } });
    if (existing) throw new AppError("conflict", AUCTION_ERRORS.exists);
    const input = validateAuctionInput(options.input, offer, now);
    const auction = await tx.transferAuction.create({
      data: {
        offerId: offer.id,
        createdById: options.actor.userId,
        reserveFen: input.reserveFen,
        minIncrementFen: input.minIncrementFen,
        depositFen: input.depositFen,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        originalEndsAt: input.endsAt,
        extensionWindowSeconds: input.extensionWindowSeconds,
        extensionSeconds: input.extensionSeconds,
        signWithinHours: input.signWithinHours,
        mode: input.mode,
        licenceKind: input.licenceKind,
        terms: input.terms,
        instalmentPlan: input.instalmentPlan.map((r) => ({ ...r })),
      },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "auction.schedule",
      entityType: "TransferAuction",
      entityId: auction.id,
      zoneId: offer.zoneId,
      after: {
        status: "scheduled",
        offerId: offer.id,
        reserveFen: input.reserveFen,
        minIncrementFen: input.minIncrementFen,
        depositFen: input.depositFen,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
      },
    });
    return auction;
  });
}

/** Voids every deposit still held (cancel, failure, the losers at the close). */
async function voidHeldDeposits(tx: Tx, a: AuctionEntity, actor: ProcessActor, now: Date, exceptOrg?: string) {
  const held = await tx.transferAuctionDeposit.findMany({ where: { auctionId: a.id, status: "held" } });
  let n = 0;
  for (const d of held) {
    if (d.organisationId === exceptOrg) continue;
    const { transactionId } = unwrapResolve(
      await voidHold({
        db: tx,
        holdId: d.holdTransactionId,
        idempotencyKey: auctionKeys.void(a.id, d.organisationId),
        code: "refund",
        metadata: { auctionId: a.id, organisationId: d.organisationId },
      }),
    );
    await runTransition(depositProcess, { tx, entity: { ...d, zoneId: a.zoneId }, transition: "void", actor, now });
    await tx.transferAuctionDeposit.update({
      where: { id: d.id },
      data: { resolveTransactionId: transactionId, resolvedAt: now },
    });
    n += 1;
  }
  return n;
}

/** The seller cancels a scheduled auction before it starts; deposits placed so far are returned. */
export async function cancelAuction(options: {
  db: Db;
  actor: Actor;
  auctionId: string;
  reason: string;
  now?: Date;
}): Promise<TransferAuction> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 1000);
  if (!reason)
    throw new AppError("bad_request", AUCTION_ERRORS.reasonRequired, {
      fieldErrors: { reason: AUCTION_ERRORS.reasonRequired },
    });
  const now = options.now ?? new Date();
  return withAuction(options.db, options.auctionId, async (tx, a) => {
    if (a.status === "scheduled" && a.startsAt <= now) throw new AppError("conflict", AUCTION_ERRORS.notCancellable);
    if (a.status !== "scheduled") throw new AppError("conflict", AUCTION_ERRORS.notCancellable);
    await runTransition(auctionProcess, {
      tx,
      entity: a,
      transition: "cancel",
      actor: options.actor,
      now,
      input: { reason },
    });
    await voidHeldDeposits(tx, a, options.actor, now);
    return tx.transferAuction.update({ where: { id: a.id }, data: { statusReason: reason } });
  });
}

/** Whether the actor may bid (and pay a deposit) for this organisation. */
function mayBidFor(actor: Actor, organisationId: string): boolean {
  return (
    memberOf(actor, organisationId) && can(actor, "buy:offer:any") && can(actor, "fund:deal:own", { organisationId })
  );
}

/**
 * An enterprise registers to bid: its deposit is held on its wallet (a pending ledger
 * transaction) until the auction closes. Registration is open from scheduling until the end.
 */
export async function registerForAuction(options: {
  db: Db;
  actor: Actor;
  auctionId: string;
  organisationId: string;
  now?: Date;
}): Promise<TransferAuctionDeposit> {
  const { actor, organisationId } = options;
  requirePermission(actor, "buy:offer:any");
  if (!mayBidFor(actor, organisationId))
    throw new AppError("bad_request", AUCTION_ERRORS.bidderOrganisation, {
      fieldErrors: { organisationId: AUCTION_ERRORS.bidderOrganisation },
    });
  const now = options.now ?? new Date();
  return withAuction(options.db, options.auctionId, async (tx, a) => {
    if (organisationId === a.ownerOrganisationId) throw new AppError("conflict", AUCTION_ERRORS.ownAuction);
    if ((a.status !== "scheduled" && a.status !== "open") || a.endsAt <= now)
      throw new AppError("conflict", AUCTION_ERRORS.registrationClosed);
    const existing = await tx.transferAuctionDeposit.findUnique({
      where: { auctionId_organisationId: { auctionId: a.id, organisationId } },
    });
    if (existing) throw new AppError("conflict", AUCTION_ERRORS.alreadyRegistered);
    const wallet = await walletBalancesByOrg({ db: tx, orgId: organisationId });
    const refuse = () =>
      new AppError("insufficient_funds", AUCTION_ERRORS.insufficientDeposit, {
        params: {
          required: a.depositFen.toString(),
          available: wallet.available.toString(),
          depositPath: DEPOSIT_PATH,
        },
      });
    if (wallet.available < a.depositFen) throw refuse();
    let holdId: bigint;
    try {
      ({ transactionId: holdId } = await postTransaction({
        db: tx,
        idempotencyKey: auctionKeys.deposit(a.id, organisationId),
        code: "escrow-hold",
        pending: true,
        postings: [
          { debit: addresses.orgWallet(organisationId), credit: addresses.auctionDeposits(a.id), amount: a.depositFen },
        ],
        metadata: { auctionId: a.id, organisationId },
      }));
    } catch (error) {
      if (error instanceof AppError && error.code === "insufficient_funds") throw refuse();
      throw error;
    }
    const deposit = await tx.transferAuctionDeposit.create({
      data: {
        auctionId: a.id,
        organisationId,
        userId: actor.userId,
        amountFen: a.depositFen,
        holdTransactionId: holdId,
      },
    });
    await audit(tx, a, actor.userId, "auction.register", {
      organisationId,
      depositFen: a.depositFen,
      holdTransactionId: holdId.toString(),
    });
    return deposit;
  });
}

/**
 * Places a bid. The auction's row lock serialises bids: each sees the one before it. A bid below
 * max(reserve, highest + increment) is refused — as "outbid" when the highest changed since the
 * bidder saw it (`seenHighestFen`), else as "too low". A bid in the extension window moves the
 * end. The unique (auction, amount) index is a backstop: a duplicate amount retries the
 * transaction, which then answers "outbid".
 */
export async function placeBid(options: {
  db: Db;
  actor: Actor;
  auctionId: string;
  organisationId: string;
  amountFen: bigint;
  /** The highest bid the bidder's page showed (null: none), to tell "outbid" from "too low". */
  seenHighestFen?: bigint | null;
  now?: Date;
}): Promise<{ bid: TransferAuctionBid; endsAt: Date; extended: boolean }> {
  const { actor, organisationId, amountFen } = options;
  if (typeof amountFen !== "bigint" || amountFen <= 0n || amountFen > 1_000_000_000_000_000n)
    throw new AppError("bad_request", AUCTION_ERRORS.bidAmount, { fieldErrors: { amount: AUCTION_ERRORS.bidAmount } });
  if (!mayBidFor(actor, organisationId))
    throw new AppError("bad_request", AUCTION_ERRORS.bidderOrganisation, {
      fieldErrors: { organisationId: AUCTION_ERRORS.bidderOrganisation },
    });
  const now = options.now ?? new Date();
  return withAuction(options.db, options.auctionId, async (tx, a) => {
    if (a.status === "scheduled" && a.startsAt <= now && a.endsAt > now)
      await runTransition(auctionProcess, { tx, entity: a, transition: "open", actor: TICK, now });
    if (a.status !== "open") throw new AppError("conflict", AUCTION_ERRORS.notOpen);
    if (a.endsAt <= now) throw new AppError("conflict", AUCTION_ERRORS.ended);
    const deposit = await tx.transferAuctionDeposit.findUnique({
      where: { auctionId_organisationId: { auctionId: a.id, organisationId } },
    });
    if (!deposit || deposit.status !== "held") throw new AppError("conflict", AUCTION_ERRORS.depositRequired);
    const highest = await tx.transferAuctionBid.findFirst({
      where: { auctionId: a.id },
      orderBy: { amountFen: "desc" },
    });
    const highestFen = highest?.amountFen ?? null;
    const minimum = minimumNextBid({ reserveFen: a.reserveFen, minIncrementFen: a.minIncrementFen, highestFen });
    if (amountFen < minimum) {
      const params = { minimum: minimum.toString(), highest: (highestFen ?? 0n).toString() };
      if (options.seenHighestFen !== undefined && options.seenHighestFen !== highestFen)
        throw new AppError("conflict", AUCTION_ERRORS.outbid, {
          params,
          fieldErrors: { amount: AUCTION_ERRORS.outbid },
        });
      throw new AppError("bad_request", AUCTION_ERRORS.bidTooLow, {
        params,
        fieldErrors: { amount: AUCTION_ERRORS.bidTooLow },
      });
    }
    const bid = await tx.transferAuctionBid.create({
      data: { auctionId: a.id, organisationId, userId: actor.userId, amountFen, createdAt: now },
    });
    const endsAt = extendedEnd({
      endsAt: a.endsAt,
      bidAt: now,
      windowSeconds: a.extensionWindowSeconds,
      extensionSeconds: a.extensionSeconds,
    });
    const extended = endsAt.getTime() !== a.endsAt.getTime();
    if (extended) await tx.transferAuction.update({ where: { id: a.id }, data: { endsAt } });
    await audit(tx, a, actor.userId, "auction.bid", {
      bidId: bid.id,
      organisationId,
      amountFen,
      ...(extended ? { endsAt, extendedFrom: a.endsAt } : {}),
    });
    return { bid, endsAt, extended };
  }).catch((error: unknown) => {
    // The backstop fired after every retry: the same amount stands already.
    if (sqlState(error) === "23505")
      throw new AppError("conflict", AUCTION_ERRORS.outbid, {
        params: { minimum: "0", highest: amountFen.toString() },
        fieldErrors: { amount: AUCTION_ERRORS.outbid },
      });
    throw error;
  });
}

/** Opens scheduled auctions whose start came (each exactly once). */
export async function openDueAuctions(options: { db: Db; now?: Date }): Promise<number> {
  const now = options.now ?? new Date();
  const due = await options.db.transferAuction.findMany({
    where: { status: "scheduled", startsAt: { lte: now }, endsAt: { gt: now } },
    select: { id: true },
    take: 500,
  });
  let n = 0;
  for (const { id } of due)
    await withAuction(options.db, id, async (tx, a) => {
      if (a.status !== "scheduled" || a.startsAt > now || a.endsAt <= now) return;
      await runTransition(auctionProcess, { tx, entity: a, transition: "open", actor: TICK, now });
      n += 1;
    });
  return n;
}

/**
 * The close of one auction whose end passed. With a bid at or above the reserve: the auction
 * closes, the winner's deposit hold is posted into the auction's escrow (it counts toward the
 * price when the deal is funded), every other hold is voided, and the winner's deal is opened
 * with the seller's terms and the winning price as the agreed terms; the winner has
 * signWithinHours to sign. Without one: failed, every hold voided.
 */
async function closeOne(tx: Tx, a: AuctionEntity, now: Date): Promise<"closed" | "failed" | null> {
  if ((a.status !== "open" && a.status !== "scheduled") || a.endsAt > now) return null;
  const highest = await tx.transferAuctionBid.findFirst({ where: { auctionId: a.id }, orderBy: { amountFen: "desc" } });
  const offer = await lockOffer(tx, a.offerId);
  const onMarket = offer.status === "published" || offer.status === "under_negotiation";
  if (!highest || highest.amountFen < a.reserveFen || !onMarket || a.status === "scheduled") {
    await runTransition(auctionProcess, { tx, entity: a, transition: "fail", actor: TICK, now });
    const voided = await voidHeldDeposits(tx, a, TICK, now);
    await tx.transferAuction.update({ where: { id: a.id }, data: { closedAt: now } });
    await audit(tx, a, null, "auction.failed", { voided, onMarket });
    return "failed";
  }
  const signByAt = new Date(now.getTime() + a.signWithinHours * 3_600_000);
  await runTransition(auctionProcess, { tx, entity: a, transition: "close", actor: TICK, now });
  await tx.transferAuction.update({
    where: { id: a.id },
    data: { winnerBidId: highest.id, closedAt: now, signByAt },
  });
  const winnerDeposit = await tx.transferAuctionDeposit.findUniqueOrThrow({
    where: { auctionId_organisationId: { auctionId: a.id, organisationId: highest.organisationId } },
  });
  const applied = unwrapResolve(
    await postHold({
      db: tx,
      holdId: winnerDeposit.holdTransactionId,
      idempotencyKey: auctionKeys.apply(a.id, highest.organisationId),
      code: "escrow-hold",
      metadata: { auctionId: a.id, organisationId: highest.organisationId, bidId: highest.id },
    }),
  );
  await runTransition(depositProcess, {
    tx,
    entity: { ...winnerDeposit, zoneId: a.zoneId },
    transition: "apply",
    actor: TICK,
    now,
  });
  await tx.transferAuctionDeposit.update({
    where: { id: winnerDeposit.id },
    data: { resolveTransactionId: applied.transactionId, resolvedAt: now },
  });
  const voided = await voidHeldDeposits(tx, a, TICK, now, highest.organisationId);
  const deal = await openDeal(tx, {
    offer,
    buyerOrganisationId: highest.organisationId,
    createdById: highest.userId,
    mode: a.mode,
    licenceKind: a.licenceKind,
    auctionId: a.id,
  });
  await transitionDeal({ tx, deal, transition: "agreeTerms", actor: TICK, now, input: { auctionId: a.id } });
  const plan = planInstalments(highest.amountFen, a.instalmentPlan as unknown as PlanRow[], now);
  await tx.transferInstalment.createMany({
    data: plan.map((m, i) => ({
      dealId: deal.id,
      index: i + 1,
      amountFen: m.amountFen,
      dueDate: m.dueDate,
      deliverable: m.deliverable,
    })),
  });
  await tx.transferDeal.update({
    where: { id: deal.id },
    data: { priceFen: highest.amountFen, terms: a.terms, termsVersion: 1, termsAgreedAt: now },
  });
  if (isExclusiveDeal(deal) && offer.status === "published") {
    await transitionOffer({ tx, offer, transition: "startNegotiation", actor: TICK, now, input: { dealId: deal.id } });
    await syncOffer(tx, offer.id);
  }
  await audit(tx, a, null, "auction.awarded", {
    winnerBidId: highest.id,
    priceFen: highest.amountFen,
    dealId: deal.id,
    signByAt,
    depositAppliedTransactionId: applied.transactionId.toString(),
    voided,
  });
  return "closed";
}

/**
 * After the close: a deal signed by both sides settles the auction; at signByAt an unsigned deal
 * ends by the stated rule — the winner did not sign: the deposit goes to the seller less the
 * platform fee (forfeited); the winner signed but the seller did not: the deposit returns to the
 * winner (cancelled). Either way the deal is cancelled and the offer is published again.
 */
async function settleOne(tx: Tx, a: AuctionEntity, now: Date): Promise<"settled" | "forfeited" | "cancelled" | null> {
  if (a.status !== "closed") return null;
  const deal = await tx.transferDeal.findUnique({ where: { auctionId: a.id } });
  if (!deal) return null;
  if (deal.buyerSignedAt && deal.sellerSignedAt && deal.status !== "terms_agreed") {
    await runTransition(auctionProcess, { tx, entity: a, transition: "settle", actor: TICK, now });
    return "settled";
  }
  if (!a.signByAt || a.signByAt > now) return null;
  const winner = await tx.transferAuctionDeposit.findUniqueOrThrow({
    where: { auctionId_organisationId: { auctionId: a.id, organisationId: deal.buyerOrganisationId } },
  });
  const escrow = addresses.auctionDeposits(a.id);
  let outcome: "forfeited" | "cancelled";
  if (!deal.buyerSignedAt) {
    const split = forfeitureSplit(winner.amountFen, PLATFORM_FEE_BASIS_POINTS);
    const { transactionId } = await postTransaction({
      db: tx,
      idempotencyKey: auctionKeys.forfeit(a.id),
      code: "transfer",
      postings: [
        ...(split.fee > 0n ? [{ debit: escrow, credit: PLATFORM_FEES, amount: split.fee }] : []),
        { debit: escrow, credit: addresses.orgWallet(deal.sellerOrganisationId), amount: split.seller },
      ],
      metadata: {
        auctionId: a.id,
        dealId: deal.id,
        rule: "winner_not_signed",
        feeBasisPoints: PLATFORM_FEE_BASIS_POINTS,
      },
    });
    await runTransition(depositProcess, {
      tx,
      entity: { ...winner, zoneId: a.zoneId },
      transition: "forfeit",
      actor: TICK,
      now,
    });
    await tx.transferAuctionDeposit.update({
      where: { id: winner.id },
      data: { resolveTransactionId: transactionId, resolvedAt: now },
    });
    await runTransition(auctionProcess, { tx, entity: a, transition: "forfeit", actor: TICK, now });
    await audit(tx, a, null, "auction.depositForfeited", {
      dealId: deal.id,
      sellerFen: split.seller,
      feeFen: split.fee,
      ledgerTransactionId: transactionId.toString(),
    });
    outcome = "forfeited";
  } else {
    const { transactionId } = await postTransaction({
      db: tx,
      idempotencyKey: auctionKeys.returnDeposit(a.id),
      code: "refund",
      postings: [{ debit: escrow, credit: addresses.orgWallet(deal.buyerOrganisationId), amount: winner.amountFen }],
      metadata: { auctionId: a.id, dealId: deal.id, rule: "seller_not_signed" },
    });
    await runTransition(depositProcess, {
      tx,
      entity: { ...winner, zoneId: a.zoneId },
      transition: "void",
      actor: TICK,
      now,
    });
    await tx.transferAuctionDeposit.update({
      where: { id: winner.id },
      data: { resolveTransactionId: transactionId, resolvedAt: now },
    });
    await runTransition(auctionProcess, {
      tx,
      entity: a,
      transition: "cancel",
      actor: TICK,
      now,
      input: { reason: "seller_not_signed" },
    });
    await tx.transferAuction.update({ where: { id: a.id }, data: { statusReason: "seller_not_signed" } });
    outcome = "cancelled";
  }
  const reason =
    outcome === "forfeited" ? "auction: winner did not sign in time" : "auction: seller did not sign in time";
  await transitionDeal({ tx, deal, transition: "cancel", actor: TICK, now, input: { reason } });
  await tx.transferDeal.update({ where: { id: deal.id }, data: { statusReason: reason } });
  if (isExclusiveDeal(deal)) await releaseOffer(tx, deal, TICK, now);
  return outcome;
}

/**
 * The scheduled job's entry (transfer.auctionsTick, every minute): opens, closes and settles
 * what is due, one auction per database transaction. Running it twice, or concurrently with
 * itself, changes nothing more: each step re-checks the locked row, and every ledger key is
 * derived from the auction.
 */
export async function runDueAuctions(options: { db: Db; now?: Date }): Promise<{
  opened: number;
  closed: number;
  failed: number;
  settled: number;
  forfeited: number;
  cancelled: number;
}> {
  const now = options.now ?? new Date();
  const result = { opened: 0, closed: 0, failed: 0, settled: 0, forfeited: 0, cancelled: 0 };
  result.opened = await openDueAuctions({ db: options.db, now });
  const ending = await options.db.transferAuction.findMany({
    where: { status: { in: ["open", "scheduled"] }, endsAt: { lte: now } },
    select: { id: true },
    take: 200,
  });
  for (const { id } of ending) {
    const r = await withAuction(options.db, id, (tx, a) => closeOne(tx, a, now));
    if (r) result[r] += 1;
  }
  const closed = await options.db.transferAuction.findMany({
    where: { status: "closed" },
    select: { id: true },
    take: 500,
  });
  for (const { id } of closed) {
    const r = await withAuction(options.db, id, (tx, a) => settleOne(tx, a, now));
    if (r) result[r] += 1;
  }
  return result;
}

export interface AuctionView {
  offer: {
    id: string;
    title: string;
    status: string;
    pricing: string;
    ownerOrganisationId: string;
    dealModes: TransferDealMode[];
    licenceKinds: TransferLicenceKind[];
  };
  auction: (Omit<TransferAuction, "instalmentPlan"> & { instalmentPlan: PlanRow[] }) | null;
  isSeller: boolean;
  highestFen: bigint | null;
  minimumNextFen: bigint | null;
  extended: boolean;
  bids: { label: number; mine: boolean; amountFen: bigint; at: Date }[];
  bidderCount: number;
  /** Organisations the viewer may bid for, with their deposit state and available balance. */
  myOrganisations: {
    id: string;
    name: string;
    deposit: TransferAuctionDeposit["status"] | null;
    availableFen: bigint;
  }[];
  dealId: string | null;
  wonByMe: boolean;
}

/**
 * The auction page: state, highest bid, next minimum, masked bid history (竞买人 1, 2, … — nobody
 * sees who bids, the viewer sees which are theirs), the viewer's organisations and deposits.
 */
export async function auctionView(options: { db: DbOrTx; actor: Actor | null; offerId: string }): Promise<AuctionView> {
  const { db, actor } = options;
  const offer = await db.transferOffer.findUnique({ where: { id: options.offerId } });
  if (!offer || (offer.status === "draft" && !memberOf(actor, offer.ownerOrganisationId)))
    throw new AppError("not_found", TRANSFER_ERRORS.offerNotFound);
  if (offer.visibility === "signed_in" && !actor) throw new AppError("not_found", TRANSFER_ERRORS.offerNotFound);
  const isSeller = memberOf(actor, offer.ownerOrganisationId);
  const auction = await db.transferAuction.findUnique({ where: { offerId: offer.id } });
  const bids = auction
    ? await db.transferAuctionBid.findMany({ where: { auctionId: auction.id }, orderBy: { amountFen: "desc" } })
    : [];
  const labels = maskBidders(bids);
  const mine = new Set(actor?.memberships.map((m) => m.organisationId) ?? []);
  const highestFen = bids[0]?.amountFen ?? null;
  const deposits = auction
    ? await db.transferAuctionDeposit.findMany({ where: { auctionId: auction.id, organisationId: { in: [...mine] } } })
    : [];
  const orgs = actor
    ? await db.organisation.findMany({
        where: {
          id: {
            in: actor.memberships
              .map((m) => m.organisationId)
              .filter((id) => mayBidFor(actor, id) && id !== offer.ownerOrganisationId),
          },
          type: { in: ["enterprise", "university", "research_institute", "service_provider"] },
        },
        select: { id: true, name: true },
      })
    : [];
  const myOrganisations = [];
  for (const o of orgs) {
    const wallet = await walletBalancesByOrg({ db, orgId: o.id });
    myOrganisations.push({
      ...o,
      deposit: deposits.find((d) => d.organisationId === o.id)?.status ?? null,
      availableFen: wallet.available,
    });
  }
  const deal = auction
    ? await db.transferDeal.findUnique({
        where: { auctionId: auction.id },
        select: { id: true, buyerOrganisationId: true },
      })
    : null;
  const seesDeal = !!deal && (isSeller || mine.has(deal.buyerOrganisationId));
  return {
    offer: {
      id: offer.id,
      title: offer.title,
      status: offer.status,
      pricing: offer.pricing,
      ownerOrganisationId: offer.ownerOrganisationId,
      dealModes: offer.dealModes,
      licenceKinds: offer.licenceKinds,
    },
    auction: auction ? { ...auction, instalmentPlan: auction.instalmentPlan as unknown as PlanRow[] } : null,
    isSeller,
    highestFen,
    minimumNextFen: auction
      ? minimumNextBid({ reserveFen: auction.reserveFen, minIncrementFen: auction.minIncrementFen, highestFen })
      : null,
    extended: !!auction?.originalEndsAt && auction.endsAt.getTime() !== auction.originalEndsAt.getTime(),
    bids: bids.map((b) => ({
      label: labels.get(b.organisationId)!,
      mine: mine.has(b.organisationId),
      amountFen: b.amountFen,
      at: b.createdAt,
    })),
    bidderCount: labels.size,
    myOrganisations,
    dealId: seesDeal ? deal!.id : null,
    wonByMe: !!deal && mine.has(deal.buyerOrganisationId),
  };
}
