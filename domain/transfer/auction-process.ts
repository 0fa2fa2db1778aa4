import type {
  TransferAuction,
  TransferAuctionDeposit,
  TransferAuctionDepositStatus,
  TransferAuctionStatus,
} from "#db/generated/client/client.ts";
import { defineProcess, isSystem, userOf, type ProcessActor } from "../process/machine.ts";
import { isOfferOwner } from "./access.ts";

/**
 * The declared processes of 竞价 (docs/decisions/0019-transfer-auctions.md). The auction:
 * scheduled → open (at its start) → closed (a winner at or above the reserve; the deal awaits the
 * winner's signature) → settled (signed in time) | forfeited (not signed: deposit to the seller);
 * failed (no valid bid); cancelled (by the seller before the start, or by the rule when the
 * seller did not sign). A deposit: held → applied (the winner's, toward the price) → forfeited,
 * or held → voided (returned); an applied deposit is voided (returned) when the seller is at fault.
 * Timed transitions run with a system actor (workers/definitions/transfer.ts).
 */

/** The auction with what the process needs to decide who may act: the offer's zone and owner. */
export type AuctionEntity = TransferAuction & { zoneId: string; ownerOrganisationId: string };
export type DepositEntity = TransferAuctionDeposit & { zoneId: string };

const system = (ctx: { actor: ProcessActor | null }) => isSystem(ctx.actor);

export const AUCTION_STATUSES = [
  "scheduled",
  "open",
  "closed",
  "settled",
  "forfeited",
  "failed",
  "cancelled",
] as const satisfies readonly TransferAuctionStatus[];
export const DEPOSIT_STATUSES = [
  "held",
  "applied",
  "voided",
  "forfeited",
] as const satisfies readonly TransferAuctionDepositStatus[];

export const auctionProcess = defineProcess<TransferAuctionStatus, AuctionEntity>({
  name: "auction",
  table: "TransferAuction",
  enumType: "TransferAuctionStatus",
  states: AUCTION_STATUSES,
  initial: "scheduled",
  terminal: ["settled", "forfeited", "failed", "cancelled"],
  zoneOf: (a) => a.zoneId,
  transitions: {
    /** The start time came (the scheduler, or the first bid after it). */
    open: { from: ["scheduled"], to: "open", allow: system },
    /** The end came with a bid at or above the reserve: the deal is opened for the winner. */
    close: { from: ["open"], to: "closed", allow: system },
    /** The end came without a valid bid. */
    fail: { from: ["scheduled", "open"], to: "failed", allow: system },
    /** The winner's deal was signed by both sides in time. */
    settle: { from: ["closed"], to: "settled", allow: system },
    /** The winner did not sign within the set time: the deposit goes to the seller. */
    forfeit: { from: ["closed"], to: "forfeited", allow: system },
    /** The seller cancels before the start; or the rule ends it when the seller did not sign. */
    cancel: {
      from: ["scheduled", "closed"],
      to: "cancelled",
      allow: (ctx) => (ctx.from === "scheduled" ? isOfferOwner(userOf(ctx.actor), ctx.entity) : system(ctx)),
      audit: (ctx) => ({ reason: (ctx.input as { reason?: string } | undefined)?.reason ?? null }),
    },
  },
});

/** Deposit transitions are effects of an auction transition or of registration: that verb checked the actor. */
export const depositProcess = defineProcess<TransferAuctionDepositStatus, DepositEntity>({
  name: "auctionDeposit",
  table: "TransferAuctionDeposit",
  enumType: "TransferAuctionDepositStatus",
  states: DEPOSIT_STATUSES,
  initial: "held",
  terminal: ["voided", "forfeited"],
  zoneOf: (d) => d.zoneId,
  transitions: {
    apply: { from: ["held"], to: "applied", allow: system },
    void: { from: ["held", "applied"], to: "voided", allow: (ctx) => system(ctx) || !!userOf(ctx.actor) },
    forfeit: { from: ["applied"], to: "forfeited", allow: system },
  },
});
