import type { TransferDeal, TransferInstalment } from "#db/generated/client/client.ts";
import type { DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, PLATFORM_FEES } from "../ledger/addresses.ts";
import { walletBalancesByOrg } from "../ledger/read.ts";
import { postTransaction, type PostingInput } from "../ledger/submit.ts";
import { DEPOSIT_PATH, TRANSFER_ERRORS } from "./constants.ts";
import { depositCredits } from "./auction-rules.ts";
import { instalmentFunding, splitArbitration, splitInstalment, type InstalmentSplit } from "./rules.ts";

/**
 * A deal's money as ledger transactions written inside the deal's own database transaction, so
 * an instalment's status and its money change together or not at all. One escrow account per
 * instalment, escrow:deal:{id}:instalment:{n} (domain/ledger/addresses.ts). Keys derive from the
 * instalment, so a retried or concurrent call pays once.
 */

export const dealEscrowKeys = {
  fund: (dealId: string, index: number) => `deal:${dealId}:instalment:${index}:fund`,
  release: (dealId: string, index: number) => `deal:${dealId}:instalment:${index}:release`,
  arbitration: (dealId: string, index: number) => `deal:${dealId}:instalment:${index}:arbitration`,
};

export function dealEscrowAddress(dealId: string, index: number): string {
  return addresses.dealEscrow(dealId, index);
}

export interface CommissionFacts {
  payer: "buyer" | "seller" | null;
  brokerUserId: string | null;
}

/** Moves one instalment (plus the buyer's commission share, if the buyer pays it) into escrow. */
export async function fundInstalmentEscrow(options: {
  tx: Tx;
  deal: TransferDeal;
  instalment: TransferInstalment;
  commission: CommissionFacts;
}): Promise<{ transactionId: bigint; amount: bigint }> {
  const { tx, deal, instalment } = options;
  const amount = instalmentFunding(instalment.amountFen, instalment.commissionFen ?? 0n, options.commission.payer);
  const credit = await auctionDepositCredit(tx, deal, instalment.index);
  const fromWallet = amount - credit;
  const wallet = await walletBalancesByOrg({ db: tx, orgId: deal.buyerOrganisationId });
  if (wallet.available < fromWallet) throw insufficient(fromWallet, wallet.available);
  const escrow = dealEscrowAddress(deal.id, instalment.index);
  try {
    const { transactionId } = await postTransaction({
      db: tx,
      idempotencyKey: dealEscrowKeys.fund(deal.id, instalment.index),
      code: "escrow-hold",
      postings: [
        ...(credit > 0n ? [{ debit: addresses.auctionDeposits(deal.auctionId!), credit: escrow, amount: credit }] : []),
        ...(fromWallet > 0n
          ? [{ debit: addresses.orgWallet(deal.buyerOrganisationId), credit: escrow, amount: fromWallet }]
          : []),
      ],
      metadata: {
        dealId: deal.id,
        instalment: instalment.index,
        ...(credit > 0n ? { auctionDepositFen: credit } : {}),
      },
    });
    return { transactionId, amount };
  } catch (error) {
    if (error instanceof AppError && error.code === "insufficient_funds")
      throw insufficient(fromWallet, wallet.available);
    throw error;
  }
}

/**
 * The part of the winner's auction deposit (posted into escrow:auction:{id} at the close) that
 * this instalment takes: the deposit counts toward the first instalments, in order (ADR 0019).
 */
async function auctionDepositCredit(tx: Tx, deal: TransferDeal, index: number): Promise<bigint> {
  if (!deal.auctionId) return 0n;
  const deposit = await tx.transferAuctionDeposit.findFirst({
    where: { auctionId: deal.auctionId, organisationId: deal.buyerOrganisationId, status: "applied" },
    select: { amountFen: true },
  });
  if (!deposit) return 0n;
  const amounts = await tx.transferInstalment.findMany({
    where: { dealId: deal.id },
    orderBy: { index: "asc" },
    select: { amountFen: true },
  });
  return depositCredits(
    amounts.map((m) => m.amountFen),
    deposit.amountFen,
  )[index - 1]!;
}

export function insufficient(required: bigint, available: bigint): AppError {
  return new AppError("insufficient_funds", TRANSFER_ERRORS.insufficientFunds, {
    params: { required: required.toString(), available: available.toString(), depositPath: DEPOSIT_PATH },
  });
}

function payoutPostings(
  deal: TransferDeal,
  instalment: TransferInstalment,
  split: InstalmentSplit & { refund?: bigint },
  commission: CommissionFacts,
): PostingInput[] {
  const escrow = dealEscrowAddress(deal.id, instalment.index);
  const postings: PostingInput[] = [];
  if (split.fee > 0n) postings.push({ debit: escrow, credit: PLATFORM_FEES, amount: split.fee });
  if (split.commission > 0n) {
    if (!commission.brokerUserId) throw new Error("a commission needs the deal's broker");
    postings.push({ debit: escrow, credit: addresses.userWallet(commission.brokerUserId), amount: split.commission });
  }
  if (split.seller > 0n)
    postings.push({ debit: escrow, credit: addresses.orgWallet(deal.sellerOrganisationId), amount: split.seller });
  if (split.refund && split.refund > 0n)
    postings.push({ debit: escrow, credit: addresses.orgWallet(deal.buyerOrganisationId), amount: split.refund });
  return postings;
}

/**
 * Pays a confirmed instalment out of escrow in ONE ledger transaction: the platform fee, the
 * broker's commission and the rest to the seller (splitInstalment: exact to the fen).
 */
export async function releaseInstalmentEscrow(options: {
  tx: Tx;
  deal: TransferDeal;
  instalment: TransferInstalment;
  commission: CommissionFacts;
}): Promise<InstalmentSplit & { transactionId: bigint }> {
  const { tx, deal, instalment, commission } = options;
  const split = splitInstalment({
    amountFen: instalment.amountFen,
    feeBasisPoints: deal.feeBasisPoints ?? 0,
    commissionFen: instalment.commissionFen ?? 0n,
    commissionPayer: commission.payer,
  });
  const { transactionId } = await postTransaction({
    db: tx,
    idempotencyKey: dealEscrowKeys.release(deal.id, instalment.index),
    code: "instalment-release",
    postings: payoutPostings(deal, instalment, split, commission),
    metadata: { dealId: deal.id, instalment: instalment.index },
  });
  return { ...split, transactionId };
}

/** Arbitration: one transaction releasing part (or all, or none) and refunding the rest to the buyer. */
export async function arbitrateInstalmentEscrow(options: {
  tx: Tx;
  deal: TransferDeal;
  instalment: TransferInstalment;
  commission: CommissionFacts;
  releaseFen: bigint;
  reason: string;
}): Promise<InstalmentSplit & { refund: bigint; transactionId: bigint }> {
  const { tx, deal, instalment, commission } = options;
  const held = instalmentFunding(instalment.amountFen, instalment.commissionFen ?? 0n, commission.payer);
  const split = splitArbitration({
    amountFen: instalment.amountFen,
    heldFen: held,
    releaseFen: options.releaseFen,
    feeBasisPoints: deal.feeBasisPoints ?? 0,
    commissionFen: instalment.commissionFen ?? 0n,
    commissionPayer: commission.payer,
  });
  const { transactionId } = await postTransaction({
    db: tx,
    idempotencyKey: dealEscrowKeys.arbitration(deal.id, instalment.index),
    code: split.refund === held ? "refund" : "instalment-release",
    postings: payoutPostings(deal, instalment, split, commission),
    metadata: { dealId: deal.id, instalment: instalment.index, reason: options.reason },
  });
  return { ...split, transactionId };
}

export interface DealMoney {
  /** Into escrow from the buyer. */
  funded: bigint;
  /** Out of escrow to the seller, the platform fee and the broker (what the buyer actually paid). */
  paid: bigint;
  paidToSeller: bigint;
  fees: bigint;
  commissions: bigint;
  refunded: bigint;
  /** Still in escrow. */
  held: bigint;
}

/** Every amount of a deal as the ledger has it (postings of its escrow accounts). */
export async function dealMoney(options: { db: DbOrTx; deal: TransferDeal }): Promise<DealMoney> {
  const { db, deal } = options;
  const prefix = `escrow:deal:${deal.id}:instalment:`;
  const rows = await db.$queryRawUnsafe<{ direction: string; counterpart: string; amount: string }[]>(
    `SELECT 'out' AS direction, c."address" AS counterpart, sum(p."amount")::text AS amount
       FROM "LedgerPosting" p JOIN "LedgerAccount" d ON d."id" = p."debitAccountId" JOIN "LedgerAccount" c ON c."id" = p."creditAccountId"
      WHERE d."address" LIKE $1 AND NOT p."pending" GROUP BY c."address"
     UNION ALL
     SELECT 'in', d."address", sum(p."amount")::text
       FROM "LedgerPosting" p JOIN "LedgerAccount" c ON c."id" = p."creditAccountId" JOIN "LedgerAccount" d ON d."id" = p."debitAccountId"
      WHERE c."address" LIKE $1 AND NOT p."pending" GROUP BY d."address"`,
    `${prefix}%`,
  );
  const buyer = addresses.orgWallet(deal.buyerOrganisationId);
  const seller = addresses.orgWallet(deal.sellerOrganisationId);
  const m: DealMoney = { funded: 0n, paid: 0n, paidToSeller: 0n, fees: 0n, commissions: 0n, refunded: 0n, held: 0n };
  for (const r of rows) {
    const amount = BigInt(r.amount);
    if (r.direction === "in") {
      m.funded += amount;
      continue;
    }
    if (r.counterpart === buyer) m.refunded += amount;
    else if (r.counterpart === seller) m.paidToSeller += amount;
    else if (r.counterpart === PLATFORM_FEES) m.fees += amount;
    else m.commissions += amount;
  }
  m.paid = m.paidToSeller + m.fees + m.commissions;
  m.held = m.funded - m.paid - m.refunded;
  return m;
}
