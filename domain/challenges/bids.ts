import type { Bid, BidReceipt, Challenge, Prisma } from "#db/generated/client/client.ts";
import { requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { runTransition } from "../process/machine.ts";
import { canSeeChallenge, isSeeker, lockChallenge, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";
import { bidProcess } from "./process.ts";
import { bidContent, computeCommitment, newNonce, type BidReceiptData } from "./receipts.ts";
import { bidInput, parseOrThrow, type BidInput, type ParsedBid } from "./validation.ts";

/**
 * 揭榜: sealed bids. A bid is editable and withdrawable until the deadline and frozen after it.
 * Every submission and edit returns a receipt (receipts.ts). No read function shows a bid to
 * anyone but its side before the deadline (read.ts enforces it).
 */

export interface BidReceiptView extends BidReceiptData {
  receiptId: string;
}

function toReceipt(r: BidReceipt, challengeId: string): BidReceiptView {
  return {
    receiptId: r.id,
    bidId: r.bidId,
    challengeId,
    commitment: r.commitment,
    serverTime: r.serverTime,
    nonce: r.nonce,
  };
}

function biddingOpen(challenge: Challenge, now: Date) {
  if (challenge.status !== "published" || challenge.bidDeadline <= now)
    throw new AppError("conflict", CHALLENGE_ERRORS.bidFrozen);
}

async function checkEligibility(
  tx: Tx,
  actor: Actor,
  challenge: Challenge,
  organisationId: string | null,
): Promise<void> {
  if (isSeeker(actor, challenge) || actor.memberships.some((m) => m.organisationId === challenge.organisationId)) {
    throw new AppError("forbidden", CHALLENGE_ERRORS.bidOwnChallenge);
  }
  if (!(await canSeeChallenge(tx, actor, challenge))) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  const refuse = (reason: string) => new AppError("forbidden", CHALLENGE_ERRORS.bidNotEligible, { params: { reason } });
  if (organisationId === null) {
    if (!challenge.individualsAllowed) throw refuse("individuals");
    if (!actor.roles.includes("researcher")) throw refuse("individuals");
    return;
  }
  const membership = actor.memberships.find((m) => m.organisationId === organisationId);
  if (!membership) throw new AppError("forbidden", "errors.forbidden", { params: { permission: "bid:challenge:any" } });
  if (challenge.eligibleOrgTypes.length > 0 && !challenge.eligibleOrgTypes.includes(membership.orgType))
    throw refuse("orgType");
  const org = await tx.organisation.findUniqueOrThrow({
    where: { id: organisationId },
    select: { country: true, confirmation: true },
  });
  // A self-registered organisation bids once a zone officer has confirmed it (ADR 0022).
  if (org.confirmation !== "confirmed") throw refuse("unconfirmed");
  const domestic = org.country === "CN";
  if (domestic && !challenge.domesticAllowed) throw refuse("domestic");
  if (!domestic && !challenge.internationalAllowed) throw refuse("international");
}

async function checkContent(tx: Tx, challenge: Challenge, bid: ParsedBid): Promise<void> {
  if (bid.price > challenge.bounty && !challenge.priceAboveBountyAllowed) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.bidPriceAboveBounty, {
      fieldErrors: { price: CHALLENGE_ERRORS.bidPriceAboveBounty },
      params: { bounty: challenge.bounty.toString() },
    });
  }
  const indexes = (
    await tx.challengeMilestone.findMany({ where: { challengeId: challenge.id }, select: { index: true } })
  )
    .map((m) => m.index)
    .sort((a, b) => a - b);
  const planned = bid.schedule.map((s) => s.milestoneIndex).sort((a, b) => a - b);
  if (planned.length !== indexes.length || planned.some((n, i) => n !== indexes[i])) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.bidScheduleInvalid, {
      fieldErrors: { schedule: CHALLENGE_ERRORS.bidScheduleInvalid },
    });
  }
}

function content(bid: ParsedBid) {
  return {
    approach: bid.approach,
    price: bid.price,
    members: bid.members as Prisma.InputJsonValue,
    teamOrganisations: bid.teamOrganisations,
    schedule: [...bid.schedule].sort((a, b) => a.milestoneIndex - b.milestoneIndex) as Prisma.InputJsonValue,
    credentials: bid.credentials,
  };
}

async function issueReceipt(tx: Tx, bid: Bid, now: Date): Promise<BidReceiptView> {
  const nonce = newNonce();
  const c = bidContent(bid);
  const commitment = computeCommitment({
    bidId: bid.id,
    challengeId: bid.challengeId,
    content: c,
    serverTime: now,
    nonce,
  });
  const receipt = await tx.bidReceipt.create({
    data: { bidId: bid.id, commitment, nonce, serverTime: now, content: c as unknown as Prisma.InputJsonValue },
  });
  return toReceipt(receipt, bid.challengeId);
}

/**
 * Submits a bid as its team lead, for an organisation the lead belongs to or (organisationId null)
 * as an individual researcher. A lead who withdrew in this round submits again through here.
 */
export async function submitBid(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  organisationId: string | null;
  input: BidInput;
  now?: Date;
}): Promise<{ bidId: string; receipt: BidReceiptView }> {
  const { db, actor } = options;
  requirePermission(actor, "bid:challenge:any");
  const parsed = parseOrThrow(bidInput, options.input, "errors.bid.field");
  const now = options.now ?? new Date();
  return withChallenge(db, options.challengeId, async (tx, challenge) => {
    biddingOpen(challenge, now);
    await checkEligibility(tx, actor, challenge, options.organisationId);
    await checkContent(tx, challenge, parsed);
    const existing = await tx.bid.findFirst({
      where: { challengeId: challenge.id, round: challenge.round, leadUserId: actor.userId },
    });
    let bid: Bid;
    if (existing) {
      if (existing.status !== "withdrawn")
        throw new AppError("conflict", CHALLENGE_ERRORS.bidExists, { params: { bidId: existing.id } });
      await runTransition(bidProcess, {
        tx,
        entity: { ...existing, zoneId: challenge.zoneId },
        transition: "resubmit",
        actor,
        now,
        input: { challenge },
      });
      bid = await tx.bid.update({
        where: { id: existing.id },
        data: { ...content(parsed), organisationId: options.organisationId, submittedAt: now },
      });
    } else {
      bid = await tx.bid.create({
        data: {
          ...content(parsed),
          challengeId: challenge.id,
          round: challenge.round,
          leadUserId: actor.userId,
          organisationId: options.organisationId,
          submittedAt: now,
        },
      });
    }
    const receipt = await issueReceipt(tx, bid, now);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: existing ? "bid.resubmit" : "bid.submit",
      entityType: "Bid",
      entityId: bid.id,
      zoneId: challenge.zoneId,
      // The audit log is read by zone officers: it records the commitment, never the sealed content.
      after: { challengeId: challenge.id, commitment: receipt.commitment, at: now },
    });
    return { bidId: bid.id, receipt };
  });
}

async function lockBid(tx: Tx, bidId: string): Promise<{ bid: Bid; challenge: Challenge }> {
  const found = await tx.bid.findUnique({ where: { id: bidId }, select: { challengeId: true } });
  if (!found) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
  const challenge = await lockChallenge(tx, found.challengeId);
  const bid = await tx.bid.findUniqueOrThrow({ where: { id: bidId } });
  return { bid, challenge };
}

/** The lead edits the bid before the deadline; a new receipt replaces the old one as the current one. */
export async function editBid(options: {
  db: Db;
  actor: Actor;
  bidId: string;
  input: BidInput;
  now?: Date;
}): Promise<{ receipt: BidReceiptView }> {
  const parsed = parseOrThrow(bidInput, options.input, "errors.bid.field");
  const now = options.now ?? new Date();
  return options.db.$transaction(async (tx) => {
    const { bid, challenge } = await lockBid(tx, options.bidId);
    if (bid.leadUserId !== options.actor.userId) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    if (bid.status !== "submitted" || bid.round !== challenge.round)
      throw new AppError("conflict", CHALLENGE_ERRORS.bidFrozen);
    biddingOpen(challenge, now);
    await checkContent(tx, challenge, parsed);
    const updated = await tx.bid.update({ where: { id: bid.id }, data: content(parsed) });
    const receipt = await issueReceipt(tx, updated, now);
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "bid.edit",
      entityType: "Bid",
      entityId: bid.id,
      zoneId: challenge.zoneId,
      after: { challengeId: challenge.id, commitment: receipt.commitment, at: now },
    });
    return { receipt };
  });
}

/** The lead withdraws the bid before the deadline. */
export async function withdrawBid(options: { db: Db; actor: Actor; bidId: string; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  await options.db.$transaction(async (tx) => {
    const { bid, challenge } = await lockBid(tx, options.bidId);
    if (bid.leadUserId !== options.actor.userId) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    await runTransition(bidProcess, {
      tx,
      entity: { ...bid, zoneId: challenge.zoneId },
      transition: "withdraw",
      actor: options.actor,
      now,
      input: { challenge },
    });
  });
}

/** The receipts of a bid, newest first, for its lead (the solver workspace). */
export async function bidReceipts(options: { db: Db; actor: Actor; bidId: string }): Promise<BidReceiptView[]> {
  const bid = await options.db.bid.findUnique({
    where: { id: options.bidId },
    include: { receipts: { orderBy: { serverTime: "desc" } } },
  });
  if (!bid || bid.leadUserId !== options.actor.userId) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
  return bid.receipts.map((r) => toReceipt(r, bid.challengeId));
}
