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
 * Technology brokers (技术经理人): profile, introductions (the first introduction of a buyer to an
 * offer is the attribution), commission agreements per deal (count only once signed by the payer,
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
    await tx.zone.findUniqueOrThrow({ where: { id: input.zoneId }, select: { id: true } });
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
    const profile = await tx.brokerProfile.upsert({
      where: { userId: actor.userId },
      create: { userId: actor.userId, ...data },
      update: data,
    });
    await tx.user.update({ where: { id: actor.userId }, data: { brokerCredentialNo: credentialNumber } });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "broker.profile",
      entityType: "BrokerProfile",
      entityId: actor.userId,
      zoneId: input.zoneId,
      after: { credentialNumber, level: input.level },
    });
    return profile;
  });
}

/**
 * A broker introduces a buyer organisation to a published offer. The first introduction of that
 * buyer to that offer is the attribution (unique row); any later one is refused, naming when the
 * first was made. A deal opened afterwards carries the broker.
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
    const profile = await tx.brokerProfile.findUnique({ where: { userId: actor.userId }, select: { userId: true } });
    if (!profile) throw new AppError("conflict", TRANSFER_ERRORS.brokerProfileRequired);
    const offer = await lockOffer(tx, options.offerId);
    if (offer.status !== "published" && offer.status !== "under_negotiation")
      throw new AppError("conflict", TRANSFER_ERRORS.offerNotAvailable);
    if (offer.ownerOrganisationId === options.buyerOrganisationId)
      throw new AppError("conflict", TRANSFER_ERRORS.ownOffer);
    await tx.organisation.findUniqueOrThrow({ where: { id: options.buyerOrganisationId }, select: { id: true } });
    const first = await tx.brokerIntroduction.findUnique({
      where: { offerId_buyerOrganisationId: { offerId: offer.id, buyerOrganisationId: options.buyerOrganisationId } },
    });
    if (first)
      throw new AppError("conflict", TRANSFER_ERRORS.alreadyIntroduced, {
        params: { at: first.createdAt.toISOString() },
      });
    const row = await tx.brokerIntroduction.create({
      data: {
        brokerUserId: actor.userId,
        offerId: offer.id,
        buyerOrganisationId: options.buyerOrganisationId,
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
      after: { offerId: offer.id, buyerOrganisationId: options.buyerOrganisationId },
    });
    return row;
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
