import type { TransferDealMode, TransferLicenceKind } from "#db/generated/client/enums.ts";
import { AppError } from "../errors.ts";
import { allocate, allocateByBasisPoints } from "../money/money.ts";
import { MAX_INSTALMENTS } from "./constants.ts";
import type { InstalmentTerms } from "./rules.ts";

/**
 * Pure rules of 竞价 (auctions, docs/decisions/0019-transfer-auctions.md): the next acceptable bid,
 * the extension of the end, the payment schedule of the winning price, how the winner's deposit
 * counts toward the instalments, and the forfeiture split. No database.
 */

export const AUCTION_ERRORS = {
  notFound: "errors.auction.notFound",
  notAuctionOffer: "errors.auction.notAuctionOffer",
  exists: "errors.auction.exists",
  reserve: "errors.auction.reserve",
  increment: "errors.auction.increment",
  deposit: "errors.auction.deposit",
  startsAt: "errors.auction.startsAt",
  endsAt: "errors.auction.endsAt",
  extension: "errors.auction.extension",
  signWithin: "errors.auction.signWithin",
  plan: "errors.auction.plan",
  planShares: "errors.auction.planShares",
  planDeliverable: "errors.auction.planDeliverable",
  planDays: "errors.auction.planDays",
  termsRequired: "errors.auction.termsRequired",
  notOpen: "errors.auction.notOpen",
  ended: "errors.auction.ended",
  registrationClosed: "errors.auction.registrationClosed",
  alreadyRegistered: "errors.auction.alreadyRegistered",
  depositRequired: "errors.auction.depositRequired",
  bidderOrganisation: "errors.auction.bidderOrganisation",
  ownAuction: "errors.auction.ownAuction",
  bidAmount: "errors.auction.bidAmount",
  bidTooLow: "errors.auction.bidTooLow",
  outbid: "errors.auction.outbid",
  notCancellable: "errors.auction.notCancellable",
  reasonRequired: "errors.auction.reasonRequired",
  dealByAuctionRule: "errors.auction.dealByAuctionRule",
  insufficientDeposit: "errors.auction.insufficientDeposit",
} as const;

/** Limits of the seller's settings. */
export const AUCTION_LIMITS = {
  minDurationMinutes: 10,
  maxDurationDays: 60,
  maxWindowSeconds: 3600,
  maxExtensionSeconds: 3600,
  maxSignWithinHours: 720,
  maxPlanRows: MAX_INSTALMENTS,
  maxDueDays: 3650,
} as const;

export interface PlanRow {
  /** Share of the winning price in basis points; the rows sum to 10,000. */
  shareBp: number;
  /** Due this many days after the close. */
  dueDays: number;
  deliverable: string;
}

export interface AuctionInput {
  reserveFen: bigint;
  minIncrementFen: bigint;
  depositFen: bigint;
  startsAt: Date;
  endsAt: Date;
  extensionWindowSeconds: number;
  extensionSeconds: number;
  signWithinHours: number;
  mode: TransferDealMode;
  licenceKind: TransferLicenceKind | null;
  terms: string;
  instalmentPlan: PlanRow[];
}

function fieldError(key: string, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, fieldErrors: { [field]: key } });
}

const isInt = (n: unknown, min: number, max: number) =>
  typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;

/**
 * Checks the seller's auction settings against the offer (its modes and licence kinds) and the
 * clock. The deposit may not exceed the reserve: it counts toward a price that is at least the
 * reserve, so it can never be more than the winner owes.
 */
export function validateAuctionInput(
  input: AuctionInput,
  offer: { dealModes: readonly TransferDealMode[]; licenceKinds: readonly TransferLicenceKind[] },
  now: Date,
): AuctionInput {
  if (typeof input.reserveFen !== "bigint" || input.reserveFen <= 0n)
    throw fieldError(AUCTION_ERRORS.reserve, "reserve");
  if (
    typeof input.minIncrementFen !== "bigint" ||
    input.minIncrementFen <= 0n ||
    input.minIncrementFen > input.reserveFen
  )
    throw fieldError(AUCTION_ERRORS.increment, "minIncrement");
  if (typeof input.depositFen !== "bigint" || input.depositFen <= 0n || input.depositFen > input.reserveFen)
    throw fieldError(AUCTION_ERRORS.deposit, "deposit");
  const valid = (d: Date) => d instanceof Date && !Number.isNaN(d.getTime());
  if (!valid(input.startsAt) || input.startsAt.getTime() < now.getTime() - 60_000)
    throw fieldError(AUCTION_ERRORS.startsAt, "startsAt");
  const duration = valid(input.endsAt) ? input.endsAt.getTime() - input.startsAt.getTime() : -1;
  if (duration < AUCTION_LIMITS.minDurationMinutes * 60_000 || duration > AUCTION_LIMITS.maxDurationDays * 86_400_000)
    throw fieldError(AUCTION_ERRORS.endsAt, "endsAt", {
      min: AUCTION_LIMITS.minDurationMinutes,
      max: AUCTION_LIMITS.maxDurationDays,
    });
  if (
    !isInt(input.extensionWindowSeconds, 0, AUCTION_LIMITS.maxWindowSeconds) ||
    !isInt(input.extensionSeconds, 0, AUCTION_LIMITS.maxExtensionSeconds) ||
    input.extensionWindowSeconds > 0 !== input.extensionSeconds > 0
  )
    throw fieldError(AUCTION_ERRORS.extension, "extension", { max: AUCTION_LIMITS.maxWindowSeconds / 60 });
  if (!isInt(input.signWithinHours, 1, AUCTION_LIMITS.maxSignWithinHours))
    throw fieldError(AUCTION_ERRORS.signWithin, "signWithinHours", { max: AUCTION_LIMITS.maxSignWithinHours });
  if (!offer.dealModes.includes(input.mode)) throw fieldError("errors.transfer.modeNotOffered", "mode");
  const licenceKind = input.mode === "licence" ? input.licenceKind : null;
  if (input.mode === "licence" && (!licenceKind || !offer.licenceKinds.includes(licenceKind)))
    throw fieldError("errors.transfer.modeNotOffered", "mode");
  const terms = String(input.terms ?? "").trim();
  if (!terms) throw fieldError(AUCTION_ERRORS.termsRequired, "terms");
  const plan = input.instalmentPlan;
  if (!Array.isArray(plan) || plan.length < 1 || plan.length > AUCTION_LIMITS.maxPlanRows)
    throw fieldError(AUCTION_ERRORS.plan, "plan", { max: AUCTION_LIMITS.maxPlanRows });
  let sum = 0;
  let previous = 0;
  plan.forEach((row, i) => {
    if (!isInt(row.shareBp, 1, 10_000)) throw fieldError(AUCTION_ERRORS.planShares, `plan.${i}.share`);
    if (!isInt(row.dueDays, 0, AUCTION_LIMITS.maxDueDays) || row.dueDays < previous)
      throw fieldError(AUCTION_ERRORS.planDays, `plan.${i}.days`, { index: i + 1 });
    if (!String(row.deliverable ?? "").trim())
      throw fieldError(AUCTION_ERRORS.planDeliverable, `plan.${i}.deliverable`, { index: i + 1 });
    previous = row.dueDays;
    sum += row.shareBp;
  });
  if (sum !== 10_000) throw fieldError(AUCTION_ERRORS.planShares, "plan", { sum: sum / 100 });
  return {
    ...input,
    licenceKind,
    terms: terms.slice(0, 20_000),
    instalmentPlan: plan.map((r) => ({ ...r, deliverable: r.deliverable.trim().slice(0, 2000) })),
  };
}

/** The lowest acceptable bid: the reserve (起拍价) first, then the highest bid plus the increment. */
export function minimumNextBid(options: {
  reserveFen: bigint;
  minIncrementFen: bigint;
  highestFen: bigint | null;
}): bigint {
  if (options.highestFen == null) return options.reserveFen;
  const next = options.highestFen + options.minIncrementFen;
  return next > options.reserveFen ? next : options.reserveFen;
}

/**
 * The end after a bid at `bidAt`: a bid within the last `windowSeconds` moves the end to
 * `bidAt + extensionSeconds` (never earlier than it was). Bids earlier leave it alone.
 */
export function extendedEnd(options: {
  endsAt: Date;
  bidAt: Date;
  windowSeconds: number;
  extensionSeconds: number;
}): Date {
  const { endsAt, bidAt } = options;
  const left = endsAt.getTime() - bidAt.getTime();
  if (options.windowSeconds <= 0 || left > options.windowSeconds * 1000 || left <= 0) return endsAt;
  const moved = bidAt.getTime() + options.extensionSeconds * 1000;
  return moved > endsAt.getTime() ? new Date(moved) : endsAt;
}

/**
 * The winning price as instalments: shares of the price by largest remainder (they sum to the
 * price exactly), each due `dueDays` after the close (at least the day of the close).
 */
export function planInstalments(priceFen: bigint, plan: readonly PlanRow[], closedAt: Date): InstalmentTerms[] {
  const amounts = allocate(
    priceFen,
    plan.map((r) => r.shareBp),
  );
  return plan.map((r, i) => ({
    amountFen: amounts[i]!,
    dueDate: new Date(closedAt.getTime() + r.dueDays * 86_400_000),
    deliverable: r.deliverable,
  }));
}

/**
 * How much of the winner's deposit each instalment takes (in order, first instalments first):
 * the deposit counts toward the price exactly once, never above an instalment's amount.
 */
export function depositCredits(instalmentAmounts: readonly bigint[], depositFen: bigint): bigint[] {
  let left = depositFen;
  return instalmentAmounts.map((amount) => {
    const credit = left < amount ? left : amount;
    left -= credit;
    return credit;
  });
}

/**
 * A forfeited deposit goes to the seller less the platform fee, as any payment to the seller does
 * (basis points, largest remainder): fee + seller = deposit exactly.
 */
export function forfeitureSplit(depositFen: bigint, feeBasisPoints: number): { fee: bigint; seller: bigint } {
  const [fee, seller] = allocateByBasisPoints(depositFen, [feeBasisPoints]) as [bigint, bigint];
  return { fee, seller };
}

/** Bidders are shown as 竞买人 1, 2, … in the order of their first bid; nobody sees who they are. */
export function maskBidders(bids: readonly { organisationId: string; createdAt: Date }[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const b of [...bids].sort((a, c) => a.createdAt.getTime() - c.createdAt.getTime()))
    if (!order.has(b.organisationId)) order.set(b.organisationId, order.size + 1);
  return order;
}
