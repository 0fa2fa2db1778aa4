import type {
  BrokerIntroduction,
  BrokerLevel,
  BrokerProfile,
  CommissionAgreement,
} from "#db/generated/client/client.ts";
import { requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import { isBuyerSignatory, isDealBroker, isSellerSignatory, lockOffer, withDeal } from "./access.ts";
import { BROKER_LEVELS, TRANSFER_ERRORS } from "./constants.ts";

/**
 * Technology brokers (技术经理人): profile (its credential confirmed by a zone officer before it
 * counts), introductions (the one the introduced buyer accepts is the attribution; ADR 0022),
 * commission agreements per deal (count only once signed by the payer,
 * before the contract is signed; framework agreements never pay).
 */

function bad(key: string, field?: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, ...(field ? { fieldErrors: { [field]: key } } : {}) });
}

/** 技术经理人 credential numbers: 6–32 letters, digits and hyphens (issuers differ; ADR 0012). */
export const CREDENTIAL_NUMBER = /^[A-Z0-9][A-Z0-9-]{4,30}[A-Z0-9]$/;

export async function upsertBrokerProfile(options: {
  db: Db;
  actor: Actor;
  input: {
    credentialNumber: string;
    level: BrokerLevel;
    fields: string[];
    zoneId: string;
    agencyOrganisationId?: string | null;
    bio?: string;
  };
}): Promise<BrokerProfile> {
  const { actor, input } = options;
  if (!actor.roles.includes("broker")) throw new AppError("forbidden", TRANSFER_ERRORS.brokerRoleRequired);
  const credentialNumber = String(input.credentialNumber ?? "")
    .trim()
    .toUpperCase();
  if (!CREDENTIAL_NUMBER.test(credentialNumber)) throw bad(TRANSFER_ERRORS.credentialNumber, "credentialNumber");
  if (!(BROKER_LEVELS as readonly string[]).includes(input.level)) throw bad(TRANSFER_ERRORS.invalid, "level");
  const agency = input.agencyOrganisationId ?? null;
  if (agency && !actor.memberships.some((m) => m.organisationId === agency))
    throw bad(TRANSFER_ERRORS.invalid, "agencyOrganisationId");
  const fields = [...new Set((input.fields ?? []).map((f) => String(f).trim()).filter(Boolean))].slice(0, 10);
  return inLedgerTransaction(options.db, async (tx) => {
    const taken = await tx.brokerProfile.findUnique({ where: { credentialNumber }, select: { userId: true } });
    if (taken && taken.userId !== actor.userId) throw bad(TRANSFER_ERRORS.credentialTaken, "credentialNumber");
    // Ids come from the form: an unknown one is the user's mistake (400), not a Prisma error (500).
    if (!(await tx.zone.findUnique({ where: { id: input.zoneId }, select: { id: true } })))
      throw new AppError("bad_request", "errors.zoneUnknown", { fieldErrors: { zoneId: "errors.zoneUnknown" } });
    const data = {
      credentialNumber,
      level: input.level,
      fields,
      zoneId: input.zoneId,
      agencyOrganisationId: agency,
      bio: String(input.bio ?? "")
        .trim()
        .slice(0, 2000),
    };
    // A new credential number, level or zone is a new claim: it waits for its zone's officer again.
    const before = await tx.brokerProfile.findUnique({
      where: { userId: actor.userId },
      select: { credentialNumber: true, level: true, zoneId: true },
    });
    const reclaimed =
      !before ||
      before.credentialNumber !== credentialNumber ||
      before.level !== input.level ||
      before.zoneId !== input.zoneId;
    const review = reclaimed
      ? { confirmation: "pending" as const, reviewedAt: null, reviewedById: null, reviewNote: "" }
      : {};
    const profile = await tx.brokerProfile.upsert({
      where: { userId: actor.userId },
      create: { userId: actor.userId, ...data, ...review },
      update: { ...data, ...review },
    });
    await tx.user.update({ where: { id: actor.userId }, data: { brokerCredentialNo: credentialNumber } });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "broker.profile",
      entityType: "BrokerProfile",
      entityId: actor.userId,
      zoneId: input.zoneId,
      after: { credentialNumber, level: input.level, confirmation: profile.confirmation },
    });
    return profile;
  });
}

/**
 * A broker whose credential a zone officer confirmed introduces a buyer organisation to a
 * published offer. The introduction is pending until the buyer answers (answerIntroduction); only
 * an accepted one is the attribution, so once one is accepted any later introduction is refused,
 * naming when the accepted one was made. A deal opened afterwards carries the broker.
 */
export async function introduce(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  buyerOrganisationId: string;
  note?: string;
  now?: Date;
}): Promise<BrokerIntroduction> {
  const { actor } = options;
  requirePermission(actor, "broker:deal:any");
  return inLedgerTransaction(options.db, async (tx) => {
    const profile = await tx.brokerProfile.findUnique({
      where: { userId: actor.userId },
      select: { userId: true, confirmation: true },
    });
    if (!profile) throw new AppError("conflict", TRANSFER_ERRORS.brokerProfileRequired);
    if (profile.confirmation !== "confirmed") throw new AppError("conflict", TRANSFER_ERRORS.brokerNotVerified);
    const offer = await lockOffer(tx, options.offerId);
    if (offer.status !== "published" && offer.status !== "under_negotiation")
      throw new AppError("conflict", TRANSFER_ERRORS.offerNotAvailable);
    if (offer.ownerOrganisationId === options.buyerOrganisationId)
      throw new AppError("conflict", TRANSFER_ERRORS.ownOffer);
    const buyer = await tx.organisation.findUnique({
      where: { id: options.buyerOrganisationId },
      select: { id: true, confirmation: true },
    });
    if (!buyer) throw bad(TRANSFER_ERRORS.invalid, "buyerOrganisationId");
    if (buyer.confirmation !== "confirmed") throw new AppError("conflict", TRANSFER_ERRORS.organisationUnconfirmed);
    const earlier = await tx.brokerIntroduction.findFirst({
      where: {
        offerId: offer.id,
        buyerOrganisationId: buyer.id,
        OR: [{ consent: "accepted" }, { brokerUserId: actor.userId }],
      },
      orderBy: { createdAt: "asc" },
    });
    if (earlier)
      throw new AppError("conflict", TRANSFER_ERRORS.alreadyIntroduced, {
        params: { at: earlier.createdAt.toISOString() },
      });
    const row = await tx.brokerIntroduction.create({
      data: {
        brokerUserId: actor.userId,
        offerId: offer.id,
        buyerOrganisationId: buyer.id,
        note: String(options.note ?? "")
          .trim()
          .slice(0, 1000),
        ...(options.now ? { createdAt: options.now } : {}),
      },
    });
    // A deal opened before the introduction keeps no broker: attribution looks forward only.
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "broker.introduce",
      entityType: "BrokerIntroduction",
      entityId: row.id,
      zoneId: offer.zoneId,
      after: { offerId: offer.id, buyerOrganisationId: buyer.id },
    });
    return row;
  });
}

/** Whether the actor is an owner or admin of the organisation (who answers for it). */
function managesOrganisation(actor: Actor, organisationId: string): boolean {
  return actor.memberships.some(
    (m) =>
      m.organisationId === organisationId &&
      (m.role === "owner" || m.role === "admin") &&
      (m.confirmation === undefined || m.confirmation === "confirmed"),
  );
}

/**
 * The introduced buyer (an owner or admin) accepts or declines a pending introduction. Accepting
 * makes it the attribution and declines the other pending introductions of the same offer to the
 * same buyer; it needs the broker's credential to be confirmed still.
 */
export async function answerIntroduction(options: {
  db: Db;
  actor: Actor;
  introductionId: string;
  accept: boolean;
  now?: Date;
}): Promise<BrokerIntroduction> {
  const { actor } = options;
  const now = options.now ?? new Date();
  return inLedgerTransaction(options.db, async (tx) => {
    const found = await tx.brokerIntroduction.findUnique({ where: { id: options.introductionId } });
    if (!found || !managesOrganisation(actor, found.buyerOrganisationId))
      throw new AppError("not_found", TRANSFER_ERRORS.introductionNotFound);
    const offer = await lockOffer(tx, found.offerId);
    const row = await tx.brokerIntroduction.findUniqueOrThrow({ where: { id: found.id } });
    if (row.consent !== "pending") throw new AppError("conflict", TRANSFER_ERRORS.introductionAnswered);
    if (options.accept) {
      const profile = await tx.brokerProfile.findUnique({
        where: { userId: row.brokerUserId },
        select: { confirmation: true },
      });
      if (profile?.confirmation !== "confirmed") throw new AppError("conflict", TRANSFER_ERRORS.brokerNotVerified);
      const accepted = await tx.brokerIntroduction.findFirst({
        where: { offerId: row.offerId, buyerOrganisationId: row.buyerOrganisationId, consent: "accepted" },
      });
      if (accepted)
        throw new AppError("conflict", TRANSFER_ERRORS.alreadyIntroduced, {
          params: { at: accepted.createdAt.toISOString() },
        });
    }
    const answered = await tx.brokerIntroduction.update({
      where: { id: row.id },
      data: { consent: options.accept ? "accepted" : "declined", answeredAt: now, answeredById: actor.userId },
    });
    if (options.accept) {
      await tx.brokerIntroduction.updateMany({
        where: {
          offerId: row.offerId,
          buyerOrganisationId: row.buyerOrganisationId,
          consent: "pending",
          id: { not: row.id },
        },
        data: { consent: "declined", answeredAt: now, answeredById: actor.userId },
      });
    }
    await recordAudit(tx, {
      actorId: actor.userId,
      action: options.accept ? "broker.introduction_accept" : "broker.introduction_decline",
      entityType: "BrokerIntroduction",
      entityId: row.id,
      zoneId: offer.zoneId,
      after: { offerId: row.offerId, buyerOrganisationId: row.buyerOrganisationId, brokerUserId: row.brokerUserId },
    });
    return answered;
  });
}

/** Introductions waiting for an answer from organisations the actor manages. */
export async function pendingIntroductionsFor(options: { db: DbOrTx; actor: Actor }) {
  const ids = options.actor.memberships
    .filter((m) => managesOrganisation(options.actor, m.organisationId))
    .map((m) => m.organisationId);
  if (ids.length === 0) return [];
  return options.db.brokerIntroduction.findMany({
    where: { buyerOrganisationId: { in: ids }, consent: "pending" },
    orderBy: { createdAt: "asc" },
    take: 100,
    select: {
      id: true,
      note: true,
      createdAt: true,
      buyerOrganisation: { select: { id: true, name: true } },
      offer: { select: { id: true, title: true, ownerOrganisation: { select: { name: true } } } },
      broker: {
        select: {
          name: true,
          brokerProfile: { select: { credentialNumber: true, level: true, confirmation: true } },
        },
      },
    },
  });
}

/** The signed commission agreement of a deal, if any (what the payout uses). */
export async function activeCommission(db: DbOrTx, dealId: string): Promise<CommissionAgreement | null> {
  return db.commissionAgreement.findFirst({
    where: { dealId, framework: false, withdrawnAt: null, signedAt: { not: null } },
  });
}

const COMMISSION_OPEN = ["inquiry", "negotiating", "terms_agreed"] as const;

/**
 * The deal's broker proposes a commission: a rate of each instalment (basis points) or a fixed
 * amount, paid by the buyer or the seller. A newer proposal replaces an unsigned one.
 */
export async function proposeCommission(options: {
  db: Db;
  actor: Actor;
  dealId: string;
  payer: "buyer" | "seller";
  rateBasisPoints?: number | null;
  fixedFen?: bigint | null;
  terms?: string;
  now?: Date;
}): Promise<CommissionAgreement> {
  const rate = options.rateBasisPoints ?? null;
  const fixed = options.fixedFen ?? null;
  if ((rate === null) === (fixed === null)) throw bad(TRANSFER_ERRORS.commissionAmount, "commission");
  if (rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > 3000))
    throw bad(TRANSFER_ERRORS.commissionAmount, "rateBasisPoints");
  if (fixed !== null && fixed <= 0n) throw bad(TRANSFER_ERRORS.commissionAmount, "fixedFen");
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    if (!deal.brokerUserId) throw new AppError("conflict", TRANSFER_ERRORS.noBroker);
    if (!isDealBroker(options.actor, deal)) throw new AppError("forbidden", "errors.forbidden");
    if (!(COMMISSION_OPEN as readonly string[]).includes(deal.status))
      throw new AppError("conflict", TRANSFER_ERRORS.commissionLocked);
    const live = await tx.commissionAgreement.findFirst({
      where: { dealId: deal.id, framework: false, withdrawnAt: null },
    });
    if (live?.signedAt) throw new AppError("conflict", TRANSFER_ERRORS.commissionExists);
    if (live) await tx.commissionAgreement.update({ where: { id: live.id }, data: { withdrawnAt: now } });
    const row = await tx.commissionAgreement.create({
      data: {
        dealId: deal.id,
        brokerUserId: deal.brokerUserId,
        payer: options.payer,
        payerOrganisationId: options.payer === "buyer" ? deal.buyerOrganisationId : deal.sellerOrganisationId,
        rateBasisPoints: rate,
        fixedFen: fixed,
        terms: String(options.terms ?? "")
          .trim()
          .slice(0, 5000),
        proposedById: options.actor.userId,
        proposedAt: now,
      },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "commission.propose",
      entityType: "CommissionAgreement",
      entityId: row.id,
      zoneId: deal.zoneId,
      after: { dealId: deal.id, payer: row.payer, rateBasisPoints: rate, fixedFen: fixed?.toString() ?? null },
    });
    return row;
  });
}

/** The paying party's signatory signs the proposed commission (before the contract is signed). */
export async function signCommission(options: {
  db: Db;
  actor: Actor;
  commissionId: string;
  now?: Date;
}): Promise<CommissionAgreement> {
  const now = options.now ?? new Date();
  const found = await options.db.commissionAgreement.findUnique({ where: { id: options.commissionId } });
  if (!found || !found.dealId || found.framework) throw new AppError("not_found", TRANSFER_ERRORS.commissionNotFound);
  return withDeal(options.db, found.dealId, options.actor, async (tx, deal) => {
    const row = await tx.commissionAgreement.findUniqueOrThrow({ where: { id: found.id } });
    if (row.withdrawnAt) throw new AppError("not_found", TRANSFER_ERRORS.commissionNotFound);
    if (row.signedAt) throw new AppError("conflict", TRANSFER_ERRORS.commissionExists);
    const signatory =
      row.payer === "buyer" ? isBuyerSignatory(options.actor, deal) : isSellerSignatory(options.actor, deal);
    if (!signatory) throw new AppError("forbidden", "errors.forbidden");
    if (!(COMMISSION_OPEN as readonly string[]).includes(deal.status) || deal.buyerSignedAt || deal.sellerSignedAt)
      throw new AppError("conflict", TRANSFER_ERRORS.commissionLocked);
    if (row.fixedFen !== null && deal.priceFen !== null && row.fixedFen > deal.priceFen)
      throw new AppError("bad_request", TRANSFER_ERRORS.commissionTooHigh);
    const signed = await tx.commissionAgreement.update({
      where: { id: row.id },
      data: { signedAt: now, signedById: options.actor.userId },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "commission.sign",
      entityType: "CommissionAgreement",
      entityId: row.id,
      zoneId: deal.zoneId,
      after: { dealId: deal.id, payer: row.payer },
    });
    return signed;
  });
}

export interface BrokerTrackRecord {
  completedDeals: number;
  /** Sum of the completed deals' prices, in fen. */
  completedValueFen: bigint;
  /** Commission actually paid to the broker (instalments settled), in fen. */
  commissionEarnedFen: bigint;
  openDeals: number;
  introductions: number;
}

/** Track record computed from the deals (never stored). */
export async function brokerTrackRecord(db: DbOrTx | Tx, brokerUserId: string): Promise<BrokerTrackRecord> {
  const [completed, open, introductions, earned] = await Promise.all([
    db.transferDeal.aggregate({
      where: { brokerUserId, status: "completed" },
      _count: { _all: true },
      _sum: { priceFen: true },
    }),
    db.transferDeal.count({ where: { brokerUserId, status: { notIn: ["completed", "cancelled"] } } }),
    db.brokerIntroduction.count({ where: { brokerUserId } }),
    db.transferInstalment.aggregate({
      where: { deal: { brokerUserId }, settledAt: { not: null } },
      _sum: { commissionFen: true },
    }),
  ]);
  return {
    completedDeals: completed._count._all,
    completedValueFen: completed._sum.priceFen ?? 0n,
    commissionEarnedFen: earned._sum.commissionFen ?? 0n,
    openDeals: open,
    introductions,
  };
}
