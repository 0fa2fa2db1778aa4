import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, requireAccountSpec } from "./addresses.ts";
import type { LedgerResult } from "./deposits.ts";
import { inLedgerTransaction } from "./sql.ts";
import { postTransaction, validateAmount, validateIdempotencyKey, type PostingInput } from "./submit.ts";

/**
 * Pays a computed subsidy from a zone's programme budget to the recipient's wallet. The budget can
 * never go below zero (insufficient_funds). The idempotency key is the subsidy application's, so
 * a retried job pays once.
 */
export async function payoutSubsidy(options: {
  db: Db;
  actorId: string | null;
  zoneId: string;
  programme: string;
  year: number;
  recipientWallet: string;
  amount: bigint;
  idempotencyKey: string;
  metadata?: Record<string, unknown>;
}): Promise<LedgerResult> {
  const amount = validateAmount(options.amount);
  const key = validateIdempotencyKey(options.idempotencyKey);
  const budget = addresses.zoneBudget(options.zoneId, options.programme, options.year);
  const kind = requireAccountSpec(options.recipientWallet).kind;
  if (kind !== "orgWallet" && kind !== "userWallet") {
    throw new AppError("bad_request", "errors.ledger.invalidAddress", { params: { address: options.recipientWallet } });
  }
  return inLedgerTransaction(options.db, async (tx) => {
    const result = await postTransaction({
      db: tx,
      idempotencyKey: key,
      code: "subsidy-payout",
      postings: [{ debit: budget, credit: options.recipientWallet, amount }],
      metadata: {
        zoneId: options.zoneId,
        programme: options.programme,
        year: options.year,
        ...(options.metadata ?? {}),
      },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.subsidyPayout",
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        zoneId: options.zoneId,
        after: { budget, recipient: options.recipientWallet, amount, ...(options.metadata ?? {}) },
      });
    }
    return result;
  });
}

/**
 * Fixes a mistake with a new transaction that references the original (nothing is ever edited).
 * Platform finance only; the route checks the permission.
 */
export async function postCorrection(options: {
  db: Db;
  actorId: string | null;
  correctsId: bigint;
  postings: PostingInput[];
  reason: string;
  idempotencyKey: string;
}): Promise<LedgerResult> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 500);
  if (!reason) throw new AppError("bad_request", "errors.ledger.reasonRequired");
  return inLedgerTransaction(options.db, async (tx) => {
    const original = await tx.ledgerTransaction.findUnique({ where: { id: options.correctsId }, select: { id: true } });
    if (!original) throw new AppError("not_found", "errors.ledger.transactionNotFound");
    const result = await postTransaction({
      db: tx,
      idempotencyKey: validateIdempotencyKey(options.idempotencyKey),
      code: "correction",
      correctsId: options.correctsId,
      postings: options.postings,
      metadata: { reason },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.correction",
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        after: { correctsId: options.correctsId, reason, postings: options.postings.map((p) => ({ ...p })) },
      });
    }
    return result;
  });
}
