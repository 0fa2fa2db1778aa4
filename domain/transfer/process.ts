import type {
  Prisma,
  TransferDeal,
  TransferDealStatus,
  TransferInstalment,
  TransferInstalmentStatus,
  TransferOffer,
  TransferOfferStatus,
} from "#db/generated/client/client.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { enqueue } from "../jobs/outbox.ts";
import { defineProcess, isSystem, runTransition, userOf, type ProcessActor } from "../process/machine.ts";
import {
  isBuyer,
  isBuyerPayer,
  isBuyerSignatory,
  isDealBroker,
  isDealParty,
  isDealZoneOfficer,
  isOfferOwner,
  isSeller,
  isSellerSignatory,
} from "./access.ts";
import { DEAL_STATUSES, INSTALMENT_STATUSES, OFFER_STATUSES, TRANSFER_ERRORS } from "./constants.ts";
import {
  arbitrateInstalmentEscrow,
  fundInstalmentEscrow,
  releaseInstalmentEscrow,
  type CommissionFacts,
} from "./money.ts";

/**
 * The declared processes of the transfer market (docs/decisions/0012-transfer-process.md): the
 * offer, the deal and each instalment of a deal. Every status change of these rows goes through
 * `runTransition` with one of these tables, audited; the verbs only prepare input and call them.
 */

const user = (ctx: { actor: ProcessActor | null }) => userOf(ctx.actor);
const system = (ctx: { actor: ProcessActor | null }) => isSystem(ctx.actor);

/** Input of the offer transitions a deal causes: the deal (its verb already checked the actor). */
interface ViaDeal {
  dealId?: string;
}

export const offerProcess = defineProcess<TransferOfferStatus, TransferOffer>({
  name: "offer",
  table: "TransferOffer",
  enumType: "TransferOfferStatus",
  states: OFFER_STATUSES,
  initial: "draft",
  terminal: ["transferred", "licensed", "withdrawn", "expired"],
  zoneOf: (o) => o.zoneId,
  transitions: {
    publish: {
      from: ["draft"],
      to: "published",
      allow: (ctx) => isOfferOwner(user(ctx), ctx.entity),
      guard: (ctx) => {
        if (ctx.entity.expiresAt && ctx.entity.expiresAt <= ctx.now)
          throw new AppError("bad_request", TRANSFER_ERRORS.invalid, {
            fieldErrors: { expiresAt: TRANSFER_ERRORS.invalid },
          });
      },
    },
    withdraw: {
      from: ["draft", "published", "under_negotiation"],
      to: "withdrawn",
      allow: (ctx) => isOfferOwner(user(ctx), ctx.entity),
      guard: async (ctx) => {
        const binding = await ctx.tx.transferDeal.count({
          where: { offerId: ctx.entity.id, status: { in: ["signed", "registered", "in_progress", "disputed"] } },
        });
        if (binding > 0) throw new AppError("conflict", TRANSFER_ERRORS.offerBusy);
        const auction = await ctx.tx.transferAuction.count({
          where: { offerId: ctx.entity.id, status: { in: ["scheduled", "open", "closed"] } },
        });
        if (auction > 0) throw new AppError("conflict", TRANSFER_ERRORS.offerBusy);
      },
      audit: (ctx) => ({ reason: (ctx.input as { reason?: string } | undefined)?.reason ?? null }),
    },
    /** An exclusive deal agreed terms: nobody else may agree terms meanwhile. */
    startNegotiation: {
      from: ["published"],
      to: "under_negotiation",
      allow: (ctx) => !!(ctx.input as ViaDeal | undefined)?.dealId,
      audit: (ctx) => ({ dealId: (ctx.input as ViaDeal).dealId }),
    },
    /** The exclusive deal was cancelled or refunded: the offer is on the market again. */
    resume: {
      from: ["under_negotiation"],
      to: "published",
      allow: (ctx) => !!(ctx.input as ViaDeal | undefined)?.dealId || system(ctx),
      audit: (ctx) => ({ dealId: (ctx.input as ViaDeal | undefined)?.dealId ?? null }),
    },
    /** A full transfer or equity deal completed. */
    transfer: {
      from: ["published", "under_negotiation"],
      to: "transferred",
      allow: (ctx) => !!(ctx.input as ViaDeal | undefined)?.dealId,
      audit: (ctx) => ({ dealId: (ctx.input as ViaDeal).dealId }),
    },
    /** An exclusive or sole licence completed (an ordinary licence leaves the offer published). */
    license: {
      from: ["published", "under_negotiation"],
      to: "licensed",
      allow: (ctx) => !!(ctx.input as ViaDeal | undefined)?.dealId,
      audit: (ctx) => ({ dealId: (ctx.input as ViaDeal).dealId }),
    },
    expire: {
      from: ["published"],
      to: "expired",
      allow: system,
      guard: (ctx) => {
        if (!ctx.entity.expiresAt || ctx.entity.expiresAt > ctx.now)
          throw new AppError("conflict", TRANSFER_ERRORS.invalid);
      },
    },
  },
});

/** Deal modes whose deal takes the offer off the market (exclusive). */
export function isExclusiveDeal(deal: Pick<TransferDeal, "mode" | "licenceKind">): boolean {
  if (deal.mode === "transfer" || deal.mode === "equity") return true;
  if (deal.mode === "licence") return deal.licenceKind === "exclusive" || deal.licenceKind === "sole";
  return false;
}

export interface SignInput {
  side: "buyer" | "seller";
  termsVersion: number;
}

export interface ResolveInput {
  next: "in_progress" | "completed" | "cancelled";
}

export const dealProcess = defineProcess<TransferDealStatus, TransferDeal>({
  name: "deal",
  table: "TransferDeal",
  enumType: "TransferDealStatus",
  states: DEAL_STATUSES,
  initial: "inquiry",
  terminal: ["completed", "cancelled"],
  zoneOf: (d) => d.zoneId,
  transitions: {
    /** The seller or the broker answers the inquiry. */
    negotiate: {
      from: ["inquiry"],
      to: "negotiating",
      allow: (ctx) => isSeller(user(ctx), ctx.entity) || isDealBroker(user(ctx), ctx.entity),
    },
    /** Terms written (or revised): signatures so far are cleared by the verb. */
    agreeTerms: {
      from: ["inquiry", "negotiating", "terms_agreed"],
      to: "terms_agreed",
      // A won auction's deal gets the seller's auction terms at the close (ADR 0019).
      allow: (ctx) => isDealParty(user(ctx), ctx.entity) || (system(ctx) && !!ctx.entity.auctionId),
    },
    /** One party signs; the second signature makes the contract. */
    sign: {
      from: ["terms_agreed"],
      to: (ctx) => {
        const side = (ctx.input as SignInput).side;
        const other = side === "buyer" ? ctx.entity.sellerSignedAt : ctx.entity.buyerSignedAt;
        return other ? "signed" : "terms_agreed";
      },
      allow: (ctx) => {
        const side = (ctx.input as SignInput).side;
        return side === "buyer" ? isBuyerSignatory(user(ctx), ctx.entity) : isSellerSignatory(user(ctx), ctx.entity);
      },
      guard: (ctx) => {
        const { side, termsVersion } = ctx.input as SignInput;
        if (termsVersion !== ctx.entity.termsVersion) throw new AppError("conflict", TRANSFER_ERRORS.termsChanged);
        if (side === "buyer" ? ctx.entity.buyerSignedAt : ctx.entity.sellerSignedAt)
          throw new AppError("conflict", TRANSFER_ERRORS.alreadySigned);
      },
      audit: (ctx) => ({ side: (ctx.input as SignInput).side, termsVersion: ctx.entity.termsVersion }),
    },
    /** 技术合同登记号 recorded (either signatory, or the zone). */
    register: {
      from: ["signed"],
      to: "registered",
      allow: (ctx) =>
        isBuyerSignatory(user(ctx), ctx.entity) ||
        isSellerSignatory(user(ctx), ctx.entity) ||
        isDealZoneOfficer(user(ctx), ctx.entity),
    },
    /** The first instalment was funded. */
    start: {
      from: ["registered"],
      to: "in_progress",
      allow: (ctx) => isBuyerPayer(user(ctx), ctx.entity),
    },
    /** Every instalment is settled: writes transfer.deal.completed (the verb passes the payload). */
    complete: {
      from: ["in_progress"],
      to: "completed",
      allow: (ctx) => isBuyerPayer(user(ctx), ctx.entity) || isDealZoneOfficer(user(ctx), ctx.entity) || system(ctx),
      effect: async (ctx) => {
        await ctx.tx.transferDeal.update({ where: { id: ctx.entity.id }, data: { completedAt: ctx.now } });
      },
    },
    dispute: {
      from: ["in_progress"],
      to: "disputed",
      allow: (ctx) => isBuyerPayer(user(ctx), ctx.entity) || isSellerSignatory(user(ctx), ctx.entity),
      effect: async (ctx) => {
        await ctx.tx.transferDeal.update({ where: { id: ctx.entity.id }, data: { resumeStatus: ctx.from } });
      },
    },
    /** The zone decided the dispute: back to work, or the deal ends (completed / cancelled). */
    resolve: {
      from: ["disputed"],
      to: (ctx) => (ctx.input as ResolveInput).next,
      allow: (ctx) => isDealZoneOfficer(user(ctx), ctx.entity),
      effect: async (ctx) => {
        await ctx.tx.transferDeal.update({
          where: { id: ctx.entity.id },
          data: { resumeStatus: null, ...(ctx.to === "completed" ? { completedAt: ctx.now } : {}) },
        });
      },
    },
    cancel: {
      from: ["inquiry", "negotiating", "terms_agreed", "signed", "registered"],
      to: "cancelled",
      allow: (ctx) => {
        const u = user(ctx);
        if (ctx.from === "signed" || ctx.from === "registered")
          return (
            isBuyerSignatory(u, ctx.entity) || isSellerSignatory(u, ctx.entity) || isDealZoneOfficer(u, ctx.entity)
          );
        return isBuyer(u, ctx.entity) || isSeller(u, ctx.entity) || system(ctx);
      },
      guard: async (ctx) => {
        const funded = await ctx.tx.transferInstalment.count({
          where: { dealId: ctx.entity.id, status: { not: "pending" } },
        });
        if (funded > 0) throw new AppError("conflict", TRANSFER_ERRORS.fundsHeld);
      },
      audit: (ctx) => ({ reason: (ctx.input as { reason?: string } | undefined)?.reason ?? null }),
    },
  },
});

/** The instalment plus what its transitions need: the deal (locked) and the commission facts. */
export type InstalmentEntity = TransferInstalment & { zoneId: string };

export interface InstalmentInput {
  deal: TransferDeal;
  commission: CommissionFacts;
}

export interface ArbitrateInput extends InstalmentInput {
  releaseFen: bigint;
  reason: string;
}

type InstalmentUpdate = Omit<Prisma.TransferInstalmentUncheckedUpdateInput, "status" | "id">;

async function setInstalment(tx: Tx, id: string, data: InstalmentUpdate) {
  await tx.transferInstalment.update({ where: { id }, data });
}

export const instalmentProcess = defineProcess<TransferInstalmentStatus, InstalmentEntity>({
  name: "instalment",
  table: "TransferInstalment",
  enumType: "TransferInstalmentStatus",
  states: INSTALMENT_STATUSES,
  initial: "pending",
  terminal: ["confirmed", "partially_released", "refunded"],
  zoneOf: (m) => m.zoneId,
  transitions: {
    fund: {
      from: ["pending"],
      to: "funded",
      allow: (ctx) => isBuyerPayer(user(ctx), (ctx.input as InstalmentInput).deal),
      guard: (ctx) => {
        const { deal } = ctx.input as InstalmentInput;
        if (deal.status !== "registered" && deal.status !== "in_progress")
          throw new AppError("conflict", TRANSFER_ERRORS.invalid);
      },
      effect: async (ctx) => {
        const { deal, commission } = ctx.input as InstalmentInput;
        const { transactionId, amount } = await fundInstalmentEscrow({
          tx: ctx.tx,
          deal,
          instalment: ctx.entity,
          commission,
        });
        await setInstalment(ctx.tx, ctx.entity.id, { fundTransactionId: transactionId, fundedAt: ctx.now });
        return { ledgerTransactionId: transactionId.toString(), amount: amount.toString() };
      },
    },
    deliver: {
      from: ["funded"],
      to: "delivered",
      allow: (ctx) => isSeller(user(ctx), (ctx.input as InstalmentInput).deal),
      guard: (ctx) => {
        if ((ctx.input as InstalmentInput).deal.status !== "in_progress")
          throw new AppError("conflict", TRANSFER_ERRORS.invalid);
      },
      effect: async (ctx) => {
        const note = (ctx.input as InstalmentInput & { note: string }).note;
        await setInstalment(ctx.tx, ctx.entity.id, { deliveryNote: note, deliveredAt: ctx.now });
      },
    },
    /** The buyer confirms the delivery: the escrow is paid out in one ledger transaction. */
    confirm: {
      from: ["delivered"],
      to: "confirmed",
      allow: (ctx) => isBuyerPayer(user(ctx), (ctx.input as InstalmentInput).deal),
      guard: (ctx) => {
        if ((ctx.input as InstalmentInput).deal.status !== "in_progress")
          throw new AppError("conflict", TRANSFER_ERRORS.invalid);
      },
      effect: async (ctx) => {
        const { deal, commission } = ctx.input as InstalmentInput;
        const paid = await releaseInstalmentEscrow({ tx: ctx.tx, deal, instalment: ctx.entity, commission });
        await setInstalment(ctx.tx, ctx.entity.id, {
          confirmedAt: ctx.now,
          settledAt: ctx.now,
          settleTransactionId: paid.transactionId,
          paidToSellerFen: paid.seller,
          feeFen: paid.fee,
          commissionFen: paid.commission,
          refundedFen: 0n,
        });
        return {
          ledgerTransactionId: paid.transactionId.toString(),
          seller: paid.seller.toString(),
          fee: paid.fee.toString(),
          commission: paid.commission.toString(),
        };
      },
    },
    /** The zone's decision on a disputed instalment: release all, part, or refund. */
    settle: {
      from: ["funded", "delivered"],
      to: (ctx) => {
        const { releaseFen } = ctx.input as ArbitrateInput;
        if (releaseFen === 0n) return "refunded";
        return releaseFen === ctx.entity.amountFen ? "confirmed" : "partially_released";
      },
      allow: (ctx) => isDealZoneOfficer(user(ctx), (ctx.input as ArbitrateInput).deal),
      effect: async (ctx) => {
        const { deal, commission, releaseFen, reason } = ctx.input as ArbitrateInput;
        const paid = await arbitrateInstalmentEscrow({
          tx: ctx.tx,
          deal,
          instalment: ctx.entity,
          commission,
          releaseFen,
          reason,
        });
        await setInstalment(ctx.tx, ctx.entity.id, {
          settledAt: ctx.now,
          settleTransactionId: paid.transactionId,
          paidToSellerFen: paid.seller,
          feeFen: paid.fee,
          commissionFen: paid.commission,
          refundedFen: paid.refund,
        });
        return {
          ledgerTransactionId: paid.transactionId.toString(),
          released: releaseFen.toString(),
          refunded: paid.refund.toString(),
        };
      },
    },
    /** Arbitration of another instalment refunded the deal: an unfunded instalment ends unpaid. */
    drop: {
      from: ["pending"],
      to: "refunded",
      allow: (ctx) => isDealZoneOfficer(user(ctx), (ctx.input as InstalmentInput).deal),
    },
  },
});

export function transitionOffer(options: {
  tx: Tx;
  offer: TransferOffer;
  transition: keyof typeof offerProcess.transitions & string;
  actor: ProcessActor | null;
  now: Date;
  input?: unknown;
}) {
  return runTransition(offerProcess, { ...options, entity: options.offer });
}

export function transitionDeal(options: {
  tx: Tx;
  deal: TransferDeal;
  transition: string;
  actor: ProcessActor | null;
  now: Date;
  input?: unknown;
}) {
  return runTransition(dealProcess, { ...options, entity: options.deal });
}

/** Writes the completed-deal event subsidies are computed from (payload built by the verb). */
export async function enqueueDealCompleted(tx: Tx, payload: Prisma.InputJsonValue): Promise<void> {
  await enqueue(tx, "transfer.deal.completed", payload);
}
