import type { TransferDeal, TransferOffer } from "#db/generated/client/client.ts";
import { can, type Actor } from "../access/permissions.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import { TRANSFER_ERRORS } from "./constants.ts";

/** Who is who in the transfer market: the offer's owner, a deal's buyer, seller, broker, the zone. */

export function memberOf(actor: Actor | null, organisationId: string): boolean {
  return !!actor && actor.memberships.some((m) => m.organisationId === organisationId);
}

/** A member of the offer's owner organisation who may list offers. */
export function isOfferOwner(actor: Actor | null, offer: Pick<TransferOffer, "ownerOrganisationId">): boolean {
  return (
    memberOf(actor, offer.ownerOrganisationId) &&
    can(actor, "publish:offer:own", { organisationId: offer.ownerOrganisationId })
  );
}

type DealParties = Pick<TransferDeal, "buyerOrganisationId" | "sellerOrganisationId" | "brokerUserId" | "zoneId">;

export function isBuyer(actor: Actor | null, deal: DealParties): boolean {
  return memberOf(actor, deal.buyerOrganisationId);
}

export function isSeller(actor: Actor | null, deal: DealParties): boolean {
  return memberOf(actor, deal.sellerOrganisationId);
}

/** A manager of the buyer who may sign for it. */
export function isBuyerSignatory(actor: Actor | null, deal: DealParties): boolean {
  return isBuyer(actor, deal) && can(actor, "sign:deal:own", { organisationId: deal.buyerOrganisationId });
}

/** A manager of the buyer who may move its money (fund and confirm instalments). */
export function isBuyerPayer(actor: Actor | null, deal: DealParties): boolean {
  return isBuyer(actor, deal) && can(actor, "fund:deal:own", { organisationId: deal.buyerOrganisationId });
}

export function isSellerSignatory(actor: Actor | null, deal: DealParties): boolean {
  return isSeller(actor, deal) && can(actor, "sign:deal:own", { organisationId: deal.sellerOrganisationId });
}

export function isDealBroker(actor: Actor | null, deal: DealParties): boolean {
  return !!actor && !!deal.brokerUserId && actor.userId === deal.brokerUserId && can(actor, "broker:deal:any");
}

export function isDealZoneOfficer(actor: Actor | null, deal: DealParties): boolean {
  return can(actor, "arbitrate:deal:zone", { zoneId: deal.zoneId });
}

/** Buyer, seller or broker: the three who see the thread and may write in it. */
export function isDealParty(actor: Actor | null, deal: DealParties): boolean {
  return isBuyer(actor, deal) || isSeller(actor, deal) || isDealBroker(actor, deal);
}

export type DealSide = "buyer" | "seller" | "broker" | "zone";

/** The side the actor acts for on this deal (buyer before seller for a self-deal, refused elsewhere). */
export function sideOf(actor: Actor | null, deal: DealParties): DealSide | null {
  if (isBuyer(actor, deal)) return "buyer";
  if (isSeller(actor, deal)) return "seller";
  if (isDealBroker(actor, deal)) return "broker";
  if (isDealZoneOfficer(actor, deal)) return "zone";
  return null;
}

export async function lockOffer(tx: Tx, offerId: string): Promise<TransferOffer> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "TransferOffer" WHERE "id" = $1 FOR UPDATE`,
    String(offerId),
  );
  if (rows.length === 0) throw new AppError("not_found", TRANSFER_ERRORS.offerNotFound);
  return tx.transferOffer.findUniqueOrThrow({ where: { id: offerId } });
}

export async function lockDeal(tx: Tx, dealId: string): Promise<TransferDeal> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "TransferDeal" WHERE "id" = $1 FOR UPDATE`,
    String(dealId),
  );
  if (rows.length === 0) throw new AppError("not_found", TRANSFER_ERRORS.dealNotFound);
  return tx.transferDeal.findUniqueOrThrow({ where: { id: dealId } });
}

/** One database transaction holding the offer's row lock (retried on deadlock/serialization). */
export function withOffer<T>(db: Db, offerId: string, work: (tx: Tx, offer: TransferOffer) => Promise<T>): Promise<T> {
  return inLedgerTransaction(db, async (tx) => work(tx, await lockOffer(tx, offerId)));
}

/**
 * One database transaction holding the deal's row lock (retried on deadlock/serialization). The
 * actor must be on the deal (buyer, seller, broker or its zone) before anything else is looked
 * at: to anyone else the deal does not exist (404), whatever its state (ADR 0024).
 */
export function withDeal<T>(
  db: Db,
  dealId: string,
  actor: Actor | null,
  work: (tx: Tx, deal: TransferDeal) => Promise<T>,
): Promise<T> {
  return inLedgerTransaction(db, async (tx) => {
    const deal = await lockDeal(tx, dealId);
    if (!sideOf(actor, deal)) throw new AppError("not_found", TRANSFER_ERRORS.dealNotFound);
    return work(tx, deal);
  });
}
