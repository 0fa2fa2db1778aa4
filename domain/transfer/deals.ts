import type {
  TransferDeal,
  TransferDealMode,
  TransferLicenceKind,
  TransferOffer,
  TransferParty,
} from "#db/generated/client/client.ts";
import { requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { lockOffer, memberOf, sideOf, withDeal } from "./access.ts";
import { MAX_MESSAGE, PLATFORM_FEE_BASIS_POINTS, TRANSFER_ERRORS } from "./constants.ts";
import { activeCommission } from "./brokers.ts";
import { isExclusiveDeal, transitionDeal, transitionOffer } from "./process.ts";
import type { ProcessActor } from "../process/machine.ts";
import { relatedPartiesOf } from "./relations.ts";
import {
  commissionPerInstalment,
  hasContactDetails,
  normaliseRegistrationNumber,
  validateInstalments,
} from "./rules.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import { syncOffer } from "./offers.ts";

/**
 * Deals: inquiry, the negotiation thread, agreed terms, both signatures, the registration number,
 * cancellation. Money (instalments) is in instalments.ts. Each verb is one DB transaction holding
 * the deal's row lock (and the offer's, where the offer's state may change).
 */

/** Deals that hold an offer off the market (an exclusive deal from agreed terms on). */
export const HOLDING_STATUSES = ["terms_agreed", "signed", "registered", "in_progress", "disputed"] as const;

function bad(key: string, field?: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, ...(field ? { fieldErrors: { [field]: key } } : {}) });
}

function cleanMessage(body: string): string {
  const text = String(body ?? "").trim();
  if (!text || text.length > MAX_MESSAGE) throw bad(TRANSFER_ERRORS.messageRequired, "body", { max: MAX_MESSAGE });
  if (hasContactDetails(text)) throw bad(TRANSFER_ERRORS.contactInSummary, "body");
  return text;
}

/**
 * Opens a deal on an offer inside the caller's transaction (the inquiry verb, and phase 2's
 * auction close): attribution from the first introduction of this buyer to this offer, the
 * related-party flag, and the deal row in `inquiry`.
 */
export async function openDeal(
  tx: Tx,
  options: {
    offer: TransferOffer;
    buyerOrganisationId: string;
    createdById: string;
    mode: TransferDealMode;
    licenceKind: TransferLicenceKind | null;
    auctionId?: string | null;
  },
): Promise<TransferDeal> {
  const { offer, buyerOrganisationId } = options;
  if (buyerOrganisationId === offer.ownerOrganisationId) throw new AppError("conflict", TRANSFER_ERRORS.ownOffer);
  if (!offer.dealModes.includes(options.mode)) throw bad(TRANSFER_ERRORS.modeNotOffered, "mode");
  const licenceKind = options.mode === "licence" ? options.licenceKind : null;
  if (options.mode === "licence" && (!licenceKind || !offer.licenceKinds.includes(licenceKind)))
    throw bad(TRANSFER_ERRORS.modeNotOffered, "licenceKind");
  const existing = await tx.transferDeal.findFirst({
    where: { offerId: offer.id, buyerOrganisationId, status: { notIn: ["completed", "cancelled"] } },
    select: { id: true },
  });
  if (existing) throw new AppError("conflict", TRANSFER_ERRORS.dealExists, { params: { dealId: existing.id } });
  const buyer = await tx.organisation.findUnique({
    where: { id: buyerOrganisationId },
    select: { confirmation: true },
  });
  if (buyer?.confirmation !== "confirmed") throw new AppError("conflict", TRANSFER_ERRORS.organisationUnconfirmed);
  // Only an introduction the buyer accepted, by a broker whose credential is confirmed, attaches
  // a broker (ADR 0022): pending or declined ones never do.
  const introduction = await tx.brokerIntroduction.findFirst({
    where: {
      offerId: offer.id,
      buyerOrganisationId,
      consent: "accepted",
      broker: { brokerProfile: { confirmation: "confirmed" } },
    },
  });
  const related = await relatedPartiesOf(tx, offer.ownerOrganisationId, buyerOrganisationId);
  return tx.transferDeal.create({
    data: {
      offerId: offer.id,
      zoneId: offer.zoneId,
      buyerOrganisationId,
      sellerOrganisationId: offer.ownerOrganisationId,
      brokerUserId: introduction?.brokerUserId ?? null,
      introductionId: introduction?.id ?? null,
      createdById: options.createdById,
      mode: options.mode,
      licenceKind,
      relatedParty: related.related,
      relatedPartyBasis: related.path.map((e) => ({ ...e })),
      auctionId: options.auctionId ?? null,
    },
  });
}

/**
 * An enterprise asks about an offer (询价): creates the deal and its thread with the first
 * message. Auction offers are bought through the auction, not by inquiry.
 */
export async function inquire(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  buyerOrganisationId: string;
  mode: TransferDealMode;
  licenceKind?: TransferLicenceKind | null;
  message: string;
}): Promise<TransferDeal> {
  const { actor } = options;
  requirePermission(actor, "buy:offer:any");
  if (!memberOf(actor, options.buyerOrganisationId))
    throw bad(TRANSFER_ERRORS.buyerOrganisationRequired, "buyerOrganisationId");
  const body = cleanMessage(options.message);
  return inLedgerTransaction(options.db, async (tx) => {
    const offer = await lockOffer(tx, options.offerId);
    if ((offer.status !== "published" && offer.status !== "under_negotiation") || offer.pricing === "auction")
      throw new AppError("conflict", TRANSFER_ERRORS.offerNotAvailable);
    const deal = await openDeal(tx, {
      offer,
      buyerOrganisationId: options.buyerOrganisationId,
      createdById: actor.userId,
      mode: options.mode,
      licenceKind: options.licenceKind ?? null,
    });
    await tx.transferMessage.create({ data: { dealId: deal.id, authorId: actor.userId, party: "buyer", body } });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "deal.inquire",
      entityType: "TransferDeal",
      entityId: deal.id,
      zoneId: deal.zoneId,
      after: { status: "inquiry", offerId: offer.id, mode: deal.mode, relatedParty: deal.relatedParty },
    });
    return deal;
  });
}

/**
 * Writes in the thread (buyer, seller, broker; the zone while disputed). The seller's or broker's
 * first answer moves the deal from inquiry to negotiating.
 */
export async function postMessage(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  body: string;
  now?: Date;
}): Promise<{ id: string; party: TransferParty }> {
  const body = cleanMessage(options.body);
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const side = sideOf(options.actor, deal);
    if (!side || (side === "zone" && deal.status !== "disputed")) throw new AppError("forbidden", "errors.forbidden");
    if (deal.status === "completed" || deal.status === "cancelled")
      throw new AppError("conflict", TRANSFER_ERRORS.invalid);
    if (deal.status === "inquiry" && (side === "seller" || side === "broker"))
      await transitionDeal({ tx, deal, transition: "negotiate", actor: options.actor, now });
    const message = await tx.transferMessage.create({
      data: { dealId: deal.id, authorId: options.actor.userId, party: side, body },
      select: { id: true, party: true },
    });
    return message;
  });
}

export interface TermsInput {
  priceFen: bigint;
  terms: string;
  instalments: { amountFen: bigint; dueDate: Date; deliverable: string }[];
  /** The deal mode may be narrowed during negotiation to another mode the offer allows. */
  mode?: TransferDealMode;
  licenceKind?: TransferLicenceKind | null;
}

/**
 * Writes (or revises) the agreed terms: price, payment schedule (instalments summing to the price),
 * deliverables, mode. Any signature of an earlier version is cleared. An exclusive deal takes the
 * offer off the market (under_negotiation); only one exclusive deal may hold an offer.
 */
export async function agreeTerms(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  input: TermsInput;
  now?: Date;
}): Promise<TransferDeal> {
  const now = options.now ?? new Date();
  const { input } = options;
  const terms = String(input.terms ?? "").trim();
  if (!terms) throw bad(TRANSFER_ERRORS.termsRequired, "terms");
  validateInstalments(input.priceFen, input.instalments, now);
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    // A won auction's terms are the seller's published auction terms at the winning price.
    if (deal.auctionId) throw new AppError("conflict", "errors.auction.dealByAuctionRule");
    const offer = await lockOffer(tx, deal.offerId);
    const mode = input.mode ?? deal.mode;
    const licenceKind = mode === "licence" ? (input.licenceKind ?? deal.licenceKind) : null;
    if (
      !offer.dealModes.includes(mode) ||
      (mode === "licence" && (!licenceKind || !offer.licenceKinds.includes(licenceKind)))
    )
      throw bad(TRANSFER_ERRORS.modeNotOffered, "mode");
    const exclusive = isExclusiveDeal({ mode, licenceKind });
    const holder = await tx.transferDeal.findFirst({
      where: { offerId: offer.id, id: { not: deal.id }, status: { in: [...HOLDING_STATUSES] } },
      select: { mode: true, licenceKind: true },
    });
    if (holder && (exclusive || isExclusiveDeal(holder))) throw new AppError("conflict", TRANSFER_ERRORS.offerBusy);
    if (offer.status !== "published" && offer.status !== "under_negotiation")
      throw new AppError("conflict", TRANSFER_ERRORS.offerNotAvailable);
    await transitionDeal({
      tx,
      deal,
      transition: "agreeTerms",
      actor: options.actor,
      now,
      input: { termsVersion: deal.termsVersion + 1 },
    });
    await tx.transferInstalment.deleteMany({ where: { dealId: deal.id } });
    await tx.transferInstalment.createMany({
      data: input.instalments.map((m, i) => ({
        dealId: deal.id,
        index: i + 1,
        amountFen: m.amountFen,
        dueDate: m.dueDate,
        deliverable: m.deliverable.trim().slice(0, 2000),
      })),
    });
    const updated = await tx.transferDeal.update({
      where: { id: deal.id },
      data: {
        mode,
        licenceKind,
        priceFen: input.priceFen,
        terms: terms.slice(0, 20_000),
        termsVersion: { increment: 1 },
        termsAgreedAt: now,
        termsAgreedById: options.actor.userId,
        buyerSignedAt: null,
        buyerSignedById: null,
        sellerSignedAt: null,
        sellerSignedById: null,
      },
    });
    if (exclusive && offer.status === "published") {
      await transitionOffer({
        tx,
        offer,
        transition: "startNegotiation",
        actor: options.actor,
        now,
        input: { dealId: deal.id },
      });
      await syncOffer(tx, offer.id);
    }
    return updated;
  });
}

/**
 * One party signs the current version of the terms (`termsVersion` from the page, so a signature
 * never covers terms the signer did not see). With the second signature the contract is made:
 * the fee is fixed, the commission (signed by its payer before this moment) is spread over the
 * instalments, and the related-party flag is decided again.
 */
export async function signDeal(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  side: "buyer" | "seller";
  termsVersion: number;
  now?: Date;
}): Promise<TransferDeal> {
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const to = await transitionDeal({
      tx,
      deal,
      transition: "sign",
      actor: options.actor,
      now,
      input: { side: options.side, termsVersion: options.termsVersion },
    });
    const signature =
      options.side === "buyer"
        ? { buyerSignedAt: now, buyerSignedById: options.actor.userId }
        : { sellerSignedAt: now, sellerSignedById: options.actor.userId };
    if (to !== "signed") return tx.transferDeal.update({ where: { id: deal.id }, data: signature });
    const related = await relatedPartiesOf(tx, deal.sellerOrganisationId, deal.buyerOrganisationId);
    const instalments = await tx.transferInstalment.findMany({ where: { dealId: deal.id }, orderBy: { index: "asc" } });
    const commission = await activeCommission(tx, deal.id);
    const parts = commissionPerInstalment(
      instalments.map((m) => m.amountFen),
      commission
        ? commission.rateBasisPoints != null
          ? { basisPoints: commission.rateBasisPoints }
          : { fixedFen: commission.fixedFen! }
        : null,
    );
    for (const [i, m] of instalments.entries())
      await tx.transferInstalment.update({ where: { id: m.id }, data: { commissionFen: parts[i] ?? 0n } });
    return tx.transferDeal.update({
      where: { id: deal.id },
      data: {
        ...signature,
        feeBasisPoints: PLATFORM_FEE_BASIS_POINTS,
        relatedParty: related.related,
        relatedPartyBasis: related.path.map((e) => ({ ...e })),
      },
    });
  });
}

/** Records the 技术合同登记号 and its date (rules.ts checks the format against the date). */
export async function recordRegistration(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  registrationNumber: string;
  registrationDate: Date;
  now?: Date;
}): Promise<TransferDeal> {
  const now = options.now ?? new Date();
  const date = options.registrationDate;
  if (!(date instanceof Date) || Number.isNaN(date.getTime()) || date > now)
    throw bad(TRANSFER_ERRORS.registrationDate, "registrationDate");
  const number = normaliseRegistrationNumber(options.registrationNumber, date);
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    if (deal.buyerSignedAt && deal.sellerSignedAt) {
      const signed = deal.buyerSignedAt > deal.sellerSignedAt ? deal.buyerSignedAt : deal.sellerSignedAt;
      if (date.getTime() < Date.UTC(signed.getUTCFullYear(), signed.getUTCMonth(), signed.getUTCDate()))
        throw bad(TRANSFER_ERRORS.registrationDate, "registrationDate");
    }
    const taken = await tx.transferDeal.findUnique({ where: { registrationNumber: number }, select: { id: true } });
    if (taken && taken.id !== deal.id) throw bad(TRANSFER_ERRORS.registrationTaken, "registrationNumber");
    await transitionDeal({
      tx,
      deal,
      transition: "register",
      actor: options.actor,
      now,
      input: { registrationNumber: number },
    });
    return tx.transferDeal.update({
      where: { id: deal.id },
      data: { registrationNumber: number, registrationDate: date, registeredById: options.actor.userId },
    });
  });
}

/** Either party ends a deal before any money moved; the offer goes back on the market if this deal held it. */
export async function cancelDeal(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  reason: string;
  now?: Date;
}): Promise<TransferDeal> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 1000);
  if (!reason) throw bad(TRANSFER_ERRORS.reasonRequired, "reason");
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    // A won auction's deal ends by the auction's rule (deposit forfeited or returned), not here.
    if (deal.auctionId) throw new AppError("conflict", "errors.auction.dealByAuctionRule");
    const held = HOLDING_STATUSES.includes(deal.status as (typeof HOLDING_STATUSES)[number]) && isExclusiveDeal(deal);
    await transitionDeal({ tx, deal, transition: "cancel", actor: options.actor, now, input: { reason } });
    if (held) await releaseOffer(tx, deal, options.actor, now);
    return tx.transferDeal.update({ where: { id: deal.id }, data: { statusReason: reason } });
  });
}

/** After an exclusive deal ended without a sale: the offer is published again (if nothing else holds it). */
export async function releaseOffer(tx: Tx, deal: TransferDeal, actor: ProcessActor, now: Date): Promise<void> {
  const offer = await lockOffer(tx, deal.offerId);
  if (offer.status !== "under_negotiation") return;
  const other = await tx.transferDeal.count({
    where: { offerId: offer.id, id: { not: deal.id }, status: { in: [...HOLDING_STATUSES] } },
  });
  if (other > 0) return;
  await transitionOffer({ tx, offer, transition: "resume", actor, now, input: { dealId: deal.id } });
  await syncOffer(tx, offer.id);
}
