import type { TransferDeal, TransferInstalment } from "#db/generated/client/client.ts";
import type { Actor } from "../access/permissions.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { runTransition, type ProcessActor } from "../process/machine.ts";
import { isBuyerPayer, isSellerSignatory } from "./access.ts";
import { activeCommission } from "./brokers.ts";
import { SETTLED_INSTALMENT_STATUSES, TRANSFER_ERRORS } from "./constants.ts";
import { releaseOffer } from "./deals.ts";
import { dealMoney, type CommissionFacts } from "./money.ts";
import {
  enqueueDealCompleted,
  instalmentProcess,
  isExclusiveDeal,
  transitionDeal,
  transitionOffer,
} from "./process.ts";
import { withDeal } from "./access.ts";
import { lockOffer } from "./access.ts";
import { syncOffer } from "./offers.ts";

/**
 * The money path of a signed and registered deal: the buyer funds each instalment's escrow, the
 * seller delivers, the buyer confirms (escrow paid to the seller minus fee and commission in one
 * ledger transaction), disputes go to the zone. When every instalment is settled the deal ends
 * and writes transfer.deal.completed. Two concurrent confirmations pay once: the deal's row lock
 * serialises them and the second finds the instalment confirmed (conflict).
 */

interface Base {
  db: Db;
  actor: Actor;
  dealId: string;
  /** 1-based instalment index. */
  index: number;
  now?: Date;
}

async function instalmentOf(tx: Tx, deal: TransferDeal, index: number) {
  const m = await tx.transferInstalment.findUnique({ where: { dealId_index: { dealId: deal.id, index } } });
  if (!m) throw new AppError("not_found", TRANSFER_ERRORS.instalmentNotFound);
  return { ...m, zoneId: deal.zoneId };
}

async function commissionFacts(tx: Tx, deal: TransferDeal): Promise<CommissionFacts> {
  const c = deal.brokerUserId ? await activeCommission(tx, deal.id) : null;
  return { payer: c ? c.payer : null, brokerUserId: deal.brokerUserId };
}

/** The buyer funds one instalment (in order) from its wallet; the first funding starts the deal. */
export async function fundInstalment(options: Base): Promise<TransferInstalment> {
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const m = await instalmentOf(tx, deal, options.index);
    const earlier = await tx.transferInstalment.count({
      where: { dealId: deal.id, index: { lt: m.index }, status: "pending" },
    });
    if (earlier > 0) throw new AppError("conflict", TRANSFER_ERRORS.instalmentOrderFunding);
    const commission = await commissionFacts(tx, deal);
    await runTransition(instalmentProcess, {
      tx,
      entity: m,
      transition: "fund",
      actor: options.actor,
      now,
      input: { deal, commission },
    });
    if (deal.status === "registered")
      await transitionDeal({ tx, deal, transition: "start", actor: options.actor, now });
    return tx.transferInstalment.findUniqueOrThrow({ where: { id: m.id } });
  });
}

export async function deliverInstalment(options: Base & { note: string }): Promise<TransferInstalment> {
  const note = String(options.note ?? "")
    .trim()
    .slice(0, 5000);
  if (!note)
    throw new AppError("bad_request", TRANSFER_ERRORS.reasonRequired, {
      fieldErrors: { note: TRANSFER_ERRORS.reasonRequired },
    });
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const m = await instalmentOf(tx, deal, options.index);
    const commission = await commissionFacts(tx, deal);
    await runTransition(instalmentProcess, {
      tx,
      entity: m,
      transition: "deliver",
      actor: options.actor,
      now,
      input: { deal, commission, note },
    });
    return tx.transferInstalment.findUniqueOrThrow({ where: { id: m.id } });
  });
}

/** The buyer confirms a delivery: the instalment's escrow is paid out; the last one completes the deal. */
export async function confirmInstalment(
  options: Base,
): Promise<{ seller: bigint; fee: bigint; commission: bigint; dealStatus: TransferDeal["status"] }> {
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const m = await instalmentOf(tx, deal, options.index);
    const commission = await commissionFacts(tx, deal);
    await runTransition(instalmentProcess, {
      tx,
      entity: m,
      transition: "confirm",
      actor: options.actor,
      now,
      input: { deal, commission },
    });
    const settled = await tx.transferInstalment.findUniqueOrThrow({ where: { id: m.id } });
    await finishIfSettled(tx, deal, options.actor, now);
    return {
      seller: settled.paidToSellerFen ?? 0n,
      fee: settled.feeFen ?? 0n,
      commission: settled.commissionFen ?? 0n,
      dealStatus: deal.status,
    };
  });
}

/** Buyer or seller takes an instalment to the zone (funds stay in escrow until it decides). */
export async function raiseDealDispute(options: Base & { reason: string }): Promise<{ disputeId: string }> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 5000);
  if (!reason)
    throw new AppError("bad_request", TRANSFER_ERRORS.reasonRequired, {
      fieldErrors: { reason: TRANSFER_ERRORS.reasonRequired },
    });
  const now = options.now ?? new Date();
  return withDeal(options.db, options.dealId, options.actor, async (tx, deal) => {
    const m = await instalmentOf(tx, deal, options.index);
    if (m.status !== "funded" && m.status !== "delivered") throw new AppError("conflict", TRANSFER_ERRORS.invalid);
    if (!isBuyerPayer(options.actor, deal) && !isSellerSignatory(options.actor, deal))
      throw new AppError("forbidden", "errors.forbidden");
    await transitionDeal({ tx, deal, transition: "dispute", actor: options.actor, now, input: { reason } });
    const row = await tx.transferDealDispute.create({
      data: { dealId: deal.id, instalmentIndex: m.index, raisedById: options.actor.userId, reason },
      select: { id: true },
    });
    await tx.transferDeal.update({ where: { id: deal.id }, data: { statusReason: reason } });
    return { disputeId: row.id };
  });
}

/**
 * The zone decides a dispute: release the whole instalment (outcome release), part of it
 * (partial_release, `releaseFen`), or nothing (refund to the buyer). One ledger transaction.
 * With `endDeal` (or when nothing is left to fund) the deal ends: completed if any money reached
 * the seller, cancelled otherwise; unfunded instalments are dropped.
 */
export async function arbitrateDealDispute(options: {
  db: Db;
  actor: Actor;
  disputeId: string;
  outcome: "release" | "partial_release" | "refund";
  releaseFen?: bigint;
  decision: string;
  endDeal?: boolean;
  now?: Date;
}): Promise<{ dealStatus: TransferDeal["status"]; seller: bigint; refunded: bigint }> {
  const decision = String(options.decision ?? "")
    .trim()
    .slice(0, 5000);
  if (!decision)
    throw new AppError("bad_request", TRANSFER_ERRORS.reasonRequired, {
      fieldErrors: { decision: TRANSFER_ERRORS.reasonRequired },
    });
  const now = options.now ?? new Date();
  const dispute = await options.db.transferDealDispute.findUnique({ where: { id: options.disputeId } });
  if (!dispute) throw new AppError("not_found", TRANSFER_ERRORS.dealNotFound);
  return withDeal(options.db, dispute.dealId, options.actor, async (tx, deal) => {
    const current = await tx.transferDealDispute.findUniqueOrThrow({ where: { id: dispute.id } });
    if (current.outcome) throw new AppError("conflict", TRANSFER_ERRORS.invalid);
    const m = await instalmentOf(tx, deal, current.instalmentIndex);
    const releaseFen =
      options.outcome === "release" ? m.amountFen : options.outcome === "refund" ? 0n : (options.releaseFen ?? -1n);
    if (options.outcome === "partial_release" && (releaseFen <= 0n || releaseFen >= m.amountFen))
      throw new AppError("bad_request", TRANSFER_ERRORS.releaseAmount, {
        fieldErrors: { releaseFen: TRANSFER_ERRORS.releaseAmount },
      });
    if (deal.status !== "disputed") throw new AppError("conflict", TRANSFER_ERRORS.invalid);
    const commission = await commissionFacts(tx, deal);
    await runTransition(instalmentProcess, {
      tx,
      entity: m,
      transition: "settle",
      actor: options.actor,
      now,
      input: { deal, commission, releaseFen, reason: decision },
    });
    await tx.transferDealDispute.update({
      where: { id: current.id },
      data: {
        outcome: options.outcome,
        releasedFen: releaseFen,
        decision,
        decidedById: options.actor.userId,
        decidedAt: now,
      },
    });
    if (options.endDeal) {
      const pending = await tx.transferInstalment.findMany({ where: { dealId: deal.id, status: "pending" } });
      for (const p of pending)
        await runTransition(instalmentProcess, {
          tx,
          entity: { ...p, zoneId: deal.zoneId },
          transition: "drop",
          actor: options.actor,
          now,
          input: { deal, commission },
        });
    }
    const open = await tx.transferInstalment.count({
      where: { dealId: deal.id, status: { notIn: [...SETTLED_INSTALMENT_STATUSES] } },
    });
    if (open > 0) {
      await transitionDeal({
        tx,
        deal,
        transition: "resolve",
        actor: options.actor,
        now,
        input: { next: "in_progress" },
      });
    } else {
      const money = await dealMoney({ db: tx, deal });
      const next = money.paidToSeller > 0n ? "completed" : "cancelled";
      await transitionDeal({ tx, deal, transition: "resolve", actor: options.actor, now, input: { next } });
      await afterEnd(tx, deal, options.actor, now);
    }
    const settled = await tx.transferInstalment.findUniqueOrThrow({ where: { id: m.id } });
    return { dealStatus: deal.status, seller: settled.paidToSellerFen ?? 0n, refunded: settled.refundedFen ?? 0n };
  });
}

/** When every instalment is settled the deal completes (and writes its event). */
async function finishIfSettled(tx: Tx, deal: TransferDeal, actor: ProcessActor, now: Date): Promise<void> {
  if (deal.status !== "in_progress") return;
  const open = await tx.transferInstalment.count({
    where: { dealId: deal.id, status: { notIn: [...SETTLED_INSTALMENT_STATUSES] } },
  });
  if (open > 0) return;
  await transitionDeal({ tx, deal, transition: "complete", actor, now });
  await afterEnd(tx, deal, actor, now);
}

/** A completed deal writes its event and moves an exclusive offer on; a cancelled one frees the offer. */
async function afterEnd(tx: Tx, deal: TransferDeal, actor: ProcessActor, now: Date): Promise<void> {
  if (deal.status === "cancelled") {
    if (isExclusiveDeal(deal)) await releaseOffer(tx, deal, actor, now);
    return;
  }
  if (deal.status !== "completed") return;
  const fresh = await tx.transferDeal.findUniqueOrThrow({ where: { id: deal.id } });
  await enqueueDealCompleted(tx, await completedDealPayload(tx, fresh));
  if (isExclusiveDeal(deal)) {
    const offer = await lockOffer(tx, deal.offerId);
    const transition = deal.mode === "licence" ? "license" : "transfer";
    if (offer.status === "published" || offer.status === "under_negotiation") {
      await transitionOffer({ tx, offer, transition, actor, now, input: { dealId: deal.id } });
      await syncOffer(tx, offer.id);
    }
  }
}

/**
 * What subsidies need of a completed deal (the transfer.deal.completed payload): transferor,
 * transferee, service agency and broker, the amount actually paid (from the ledger), the
 * registration number and date, the mode and the related-party flag. Amounts are strings of fen.
 */
export async function completedDealPayload(tx: Tx, deal: TransferDeal) {
  const orgSelect = { id: true, name: true, creditCode: true, type: true } as const;
  const [seller, buyer, broker, money] = await Promise.all([
    tx.organisation.findUniqueOrThrow({ where: { id: deal.sellerOrganisationId }, select: orgSelect }),
    tx.organisation.findUniqueOrThrow({ where: { id: deal.buyerOrganisationId }, select: orgSelect }),
    deal.brokerUserId
      ? tx.brokerProfile.findUnique({
          where: { userId: deal.brokerUserId },
          select: {
            userId: true,
            credentialNumber: true,
            user: { select: { name: true } },
            agencyOrganisation: { select: orgSelect },
          },
        })
      : Promise.resolve(null),
    dealMoney({ db: tx, deal }),
  ]);
  const org = (o: { id: string; name: string; creditCode: string; type: string }) => ({
    organisationId: o.id,
    name: o.name,
    creditCode: o.creditCode,
    type: o.type,
  });
  return {
    dealId: deal.id,
    offerId: deal.offerId,
    zoneId: deal.zoneId,
    transferor: org(seller),
    transferee: org(buyer),
    serviceAgency: broker?.agencyOrganisation ? org(broker.agencyOrganisation) : null,
    broker: broker
      ? { userId: broker.userId, name: broker.user.name, credentialNumber: broker.credentialNumber }
      : null,
    mode: deal.mode,
    licenceKind: deal.licenceKind,
    contractPriceFen: (deal.priceFen ?? 0n).toString(),
    amountPaidFen: money.paid.toString(),
    paidToTransferorFen: money.paidToSeller.toString(),
    platformFeeFen: money.fees.toString(),
    commissionFen: money.commissions.toString(),
    refundedFen: money.refunded.toString(),
    registrationNumber: deal.registrationNumber,
    registrationDate: deal.registrationDate ? deal.registrationDate.toISOString().slice(0, 10) : null,
    relatedParty: deal.relatedParty,
    relatedPartyBasis: deal.relatedPartyBasis ?? [],
    completedAt: (deal.completedAt ?? new Date()).toISOString(),
  };
}
