import type { Bid, Challenge, ChallengeMilestone } from "#db/generated/client/client.ts";
import type { DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, PLATFORM_FEES } from "../ledger/addresses.ts";
import { getBalance, walletBalancesByOrg } from "../ledger/read.ts";
import { submitTransactions, postTransaction, unwrapResult, type PostingInput } from "../ledger/submit.ts";
import { allocateByBasisPoints } from "../money/money.ts";
import { CHALLENGE_ERRORS, DEPOSIT_PATH } from "./constants.ts";

/**
 * The challenge's money, as ledger transactions written inside the challenge's own database
 * transaction (so a status and its money change together or not at all). Escrow is one ledger
 * account per milestone, escrow:challenge:{id}:milestone:{n} (docs/decisions/0006-ledger.md):
 * signing moves each milestone's amount there from the enterprise's wallet; acceptance pays it
 * out minus the platform fee; cancellation and arbitration refund or split it. Idempotency keys
 * derive from the milestone, so a retried or concurrent call pays once.
 */

export function escrowAddress(challengeId: string, index: number): string {
  return addresses.challengeEscrow(challengeId, index);
}

export function seekerWallet(challenge: Pick<Challenge, "organisationId">): string {
  return addresses.orgWallet(challenge.organisationId);
}

/** Where a winning bid is paid: its organisation's wallet, or the individual researcher's. */
export function solverWallet(bid: Pick<Bid, "organisationId" | "leadUserId">): string {
  return bid.organisationId ? addresses.orgWallet(bid.organisationId) : addresses.userWallet(bid.leadUserId);
}

export const escrowKeys = {
  fund: (challengeId: string, index: number) => `challenge:${challengeId}:milestone:${index}:fund`,
  release: (challengeId: string, index: number) => `challenge:${challengeId}:milestone:${index}:release`,
  refund: (challengeId: string, index: number) => `challenge:${challengeId}:milestone:${index}:refund`,
  arbitration: (challengeId: string, index: number) => `challenge:${challengeId}:milestone:${index}:arbitration`,
};

/**
 * Funds one escrow account per milestone from the seeker's wallet. Checks the wallet first so the
 * enterprise gets one clear message (how much is needed, how much is available, where to deposit).
 */
export async function fundEscrow(options: {
  tx: Tx;
  challenge: Challenge;
  milestones: ChallengeMilestone[];
}): Promise<bigint[]> {
  const { tx, challenge, milestones } = options;
  const required = milestones.reduce((sum, m) => sum + m.amount, 0n);
  const wallet = await walletBalancesByOrg({ db: tx, orgId: challenge.organisationId });
  if (wallet.available < required) throw insufficient(required, wallet.available);
  const results = await submitTransactions({
    db: tx,
    transactions: milestones.map((m) => ({
      idempotencyKey: escrowKeys.fund(challenge.id, m.index),
      code: "escrow-hold" as const,
      postings: [{ debit: seekerWallet(challenge), credit: escrowAddress(challenge.id, m.index), amount: m.amount }],
      metadata: { challengeId: challenge.id, milestone: m.index },
    })),
  });
  return results.map((r) => {
    if (r.status === "insufficient_funds") throw insufficient(required, wallet.available);
    return unwrapResult(r).transactionId;
  });
}

function insufficient(required: bigint, available: bigint): AppError {
  return new AppError("insufficient_funds", CHALLENGE_ERRORS.insufficientFundsToSign, {
    params: { required: required.toString(), available: available.toString(), depositPath: DEPOSIT_PATH },
  });
}

/** Fee and payee parts of a payout, by the fee fixed at signing (largest remainder: no fen lost). */
export function splitPayout(amount: bigint, feeBasisPoints: number): { fee: bigint; payee: bigint } {
  const [fee, payee] = allocateByBasisPoints(amount, [feeBasisPoints]) as [bigint, bigint];
  return { fee, payee };
}

/**
 * One ledger transaction settling a milestone's escrow: `release` goes to the solver minus the fee,
 * the rest (`amount - release`) back to the seeker. Full release, partial release and refund are
 * the three cases.
 */
export async function settleEscrow(options: {
  tx: Tx;
  challenge: Challenge;
  milestone: ChallengeMilestone;
  bid: Pick<Bid, "organisationId" | "leadUserId"> | null;
  release: bigint;
  key: string;
  reason?: string;
}): Promise<{ transactionId: bigint; fee: bigint; payee: bigint; refunded: bigint }> {
  const { tx, challenge, milestone } = options;
  const escrow = escrowAddress(challenge.id, milestone.index);
  if (options.release < 0n || options.release > milestone.amount)
    throw new AppError("bad_request", CHALLENGE_ERRORS.releaseAmount);
  const { fee, payee } =
    options.release > 0n ? splitPayout(options.release, challenge.feeBasisPoints ?? 0) : { fee: 0n, payee: 0n };
  const refunded = milestone.amount - options.release;
  const postings: PostingInput[] = [];
  if (fee > 0n) postings.push({ debit: escrow, credit: PLATFORM_FEES, amount: fee });
  if (payee > 0n) {
    if (!options.bid) throw new Error("settleEscrow: a release needs the winning bid");
    postings.push({ debit: escrow, credit: solverWallet(options.bid), amount: payee });
  }
  if (refunded > 0n) postings.push({ debit: escrow, credit: seekerWallet(challenge), amount: refunded });
  const code = refunded === milestone.amount ? "refund" : "milestone-release";
  const { transactionId } = await postTransaction({
    db: tx,
    idempotencyKey: options.key,
    code,
    postings,
    metadata: {
      challengeId: challenge.id,
      milestone: milestone.index,
      ...(options.reason ? { reason: options.reason } : {}),
    },
  });
  return { transactionId, fee, payee, refunded };
}

export interface MilestoneMoney {
  index: number;
  address: string;
  /** Paid into escrow (at signing). */
  funded: bigint;
  /** Paid out of escrow (to the solver, the fee and refunds). */
  settled: bigint;
  /** In escrow now. */
  held: bigint;
}

/** Every amount of a funded challenge as the ledger has it, per milestone and in total. */
export async function challengeMoney(options: {
  db: DbOrTx;
  challengeId: string;
}): Promise<{ milestones: MilestoneMoney[]; funded: bigint; settled: bigint; held: bigint }> {
  const milestones = await options.db.challengeMilestone.findMany({
    where: { challengeId: options.challengeId },
    orderBy: { index: "asc" },
    select: { index: true },
  });
  const rows: MilestoneMoney[] = [];
  for (const m of milestones) {
    const address = escrowAddress(options.challengeId, m.index);
    const balance = await getBalance({ db: options.db, address });
    rows.push({
      index: m.index,
      address,
      funded: balance?.creditsPosted ?? 0n,
      settled: balance?.debitsPosted ?? 0n,
      held: balance?.posted ?? 0n,
    });
  }
  const sum = (f: (m: MilestoneMoney) => bigint) => rows.reduce((s, m) => s + f(m), 0n);
  return { milestones: rows, funded: sum((m) => m.funded), settled: sum((m) => m.settled), held: sum((m) => m.held) };
}
