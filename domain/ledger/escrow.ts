import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { allocateByBasisPoints } from "../money/money.ts";
import { accountSpec, PLATFORM_FEES, requireAccountSpec } from "./addresses.ts";
import type { TransactionCode } from "./codes.ts";
import type { LedgerResult } from "./deposits.ts";
import { inLedgerTransaction } from "./sql.ts";
import { postTransaction, validateAmount, validateIdempotencyKey, type PostingInput } from "./submit.ts";

function requireEscrow(address: string): string {
  const spec = requireAccountSpec(address);
  if (spec.kind !== "challengeEscrow" && spec.kind !== "dealEscrow") {
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address } });
  }
  return address;
}

function requireWallet(address: string): string {
  const kind = accountSpec(address)?.kind;
  if (kind !== "orgWallet" && kind !== "userWallet")
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address } });
  return address;
}

interface Audited {
  db: Db;
  actorId: string | null;
  zoneId?: string | null;
  idempotencyKey: string;
  /** Links the business record: { challengeId, milestone } or { dealId, instalment }. */
  metadata?: Record<string, unknown>;
}

async function postAudited(
  options: Audited,
  input: { code: TransactionCode; postings: PostingInput[]; action: string; summary: Record<string, unknown> },
): Promise<LedgerResult> {
  const key = validateIdempotencyKey(options.idempotencyKey);
  return inLedgerTransaction(options.db, async (tx) => {
    const result = await postTransaction({
      db: tx,
      idempotencyKey: key,
      code: input.code,
      postings: input.postings,
      metadata: options.metadata ?? {},
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: input.action,
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        zoneId: options.zoneId ?? null,
        after: { ...input.summary, ...(options.metadata ?? {}) },
      });
    }
    return result;
  });
}

/** Moves money from the payer's wallet into a milestone's or instalment's escrow account. */
export function holdEscrow(
  options: Audited & { payerWallet: string; escrow: string; amount: bigint },
): Promise<LedgerResult> {
  const amount = validateAmount(options.amount);
  const escrow = requireEscrow(options.escrow);
  const payer = requireWallet(options.payerWallet);
  return postAudited(options, {
    code: "escrow-hold",
    action: "ledger.escrowHold",
    postings: [{ debit: payer, credit: escrow, amount }],
    summary: { payer, escrow, amount },
  });
}

/**
 * Pays out of escrow on acceptance, in one transaction: the platform fee and the broker's
 * commission are split off by basis points (largest remainder, no fen lost) and the rest goes to
 * the payee. Zero parts are left out.
 */
export function releaseEscrow(
  options: Audited & {
    escrow: string;
    payeeWallet: string;
    amount: bigint;
    feeBasisPoints?: number;
    commission?: { wallet: string; basisPoints: number } | null;
    code?: Extract<TransactionCode, "milestone-release" | "instalment-release" | "escrow-release">;
  },
): Promise<LedgerResult & { fee: bigint; commission: bigint; payee: bigint }> {
  const amount = validateAmount(options.amount);
  const escrow = requireEscrow(options.escrow);
  const payee = requireWallet(options.payeeWallet);
  const broker = options.commission ? requireWallet(options.commission.wallet) : null;
  let parts: bigint[];
  try {
    parts = allocateByBasisPoints(amount, [options.feeBasisPoints ?? 0, options.commission?.basisPoints ?? 0]);
  } catch {
    throw new AppError("bad_request", "errors.ledger.invalidSplit");
  }
  const [fee, commission, rest] = parts as [bigint, bigint, bigint];
  const postings: PostingInput[] = [];
  if (fee > 0n) postings.push({ debit: escrow, credit: PLATFORM_FEES, amount: fee });
  if (commission > 0n && broker) postings.push({ debit: escrow, credit: broker, amount: commission });
  if (rest > 0n) postings.push({ debit: escrow, credit: payee, amount: rest });
  const code =
    options.code ?? (accountSpec(escrow)?.kind === "dealEscrow" ? "instalment-release" : "milestone-release");
  return postAudited(options, {
    code,
    action: "ledger.escrowRelease",
    postings,
    summary: { escrow, payee, amount, fee, commission, broker },
  }).then((result) => ({ ...result, fee, commission, payee: rest }));
}

/** Returns money from an escrow account to a wallet (a cancelled milestone, a failed acceptance). */
export function refund(
  options: Audited & { from: string; toWallet: string; amount: bigint; reason: string },
): Promise<LedgerResult> {
  const amount = validateAmount(options.amount);
  const from = requireEscrow(options.from);
  const to = requireWallet(options.toWallet);
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 500);
  if (!reason) throw new AppError("bad_request", "errors.ledger.reasonRequired");
  return postAudited(
    { ...options, metadata: { ...(options.metadata ?? {}), reason } },
    {
      code: "refund",
      action: "ledger.refund",
      postings: [{ debit: from, credit: to, amount }],
      summary: { from, to, amount },
    },
  );
}
