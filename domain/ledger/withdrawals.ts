import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, PLATFORM_BANK } from "./addresses.ts";
import { requireBankReference, type LedgerResult } from "./deposits.ts";
import { postHold, unwrapResolve, voidHold } from "./holds.ts";
import { inLedgerTransaction } from "./sql.ts";
import { postTransaction, validateAmount, validateIdempotencyKey } from "./submit.ts";

async function loadWithdrawalHold(tx: Parameters<Parameters<Db["$transaction"]>[0]>[0], holdId: bigint) {
  const hold = await tx.ledgerTransaction.findUnique({ where: { id: holdId } });
  if (!hold || hold.kind !== "pending" || hold.code !== "withdrawal")
    throw new AppError("not_found", "errors.ledger.withdrawalNotFound");
  const postings = await tx.ledgerPosting.findMany({ where: { transactionId: holdId } });
  const amount = postings.reduce((sum, p) => sum + p.amount, 0n);
  return { hold, amount, metadata: hold.metadata as Record<string, unknown> };
}

/**
 * An organisation asks to withdraw from its wallet to its bank account. The amount is held at
 * once (it leaves the available balance) until finance confirms the bank transfer or rejects it.
 */
export async function requestWithdrawal(options: {
  db: Db;
  actorId: string | null;
  orgId: string;
  amount: bigint;
  /** One per request form, so a double submit creates one request. */
  idempotencyKey: string;
  payee?: { accountName: string; accountNumber: string; bankName: string };
  zoneId?: string | null;
}): Promise<{ holdId: bigint; replayed: boolean }> {
  const amount = validateAmount(options.amount);
  const key = validateIdempotencyKey(options.idempotencyKey);
  const wallet = addresses.orgWallet(options.orgId);
  return inLedgerTransaction(options.db, async (tx) => {
    const result = await postTransaction({
      db: tx,
      idempotencyKey: `withdrawal:${key}`,
      code: "withdrawal",
      pending: true,
      postings: [{ debit: wallet, credit: PLATFORM_BANK, amount }],
      metadata: {
        orgId: options.orgId,
        requestedBy: options.actorId,
        ...(options.payee ? { payee: options.payee } : {}),
      },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.withdrawalRequest",
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        zoneId: options.zoneId ?? null,
        after: { orgId: options.orgId, amount },
      });
    }
    return { holdId: result.transactionId, replayed: result.replayed };
  });
}

/**
 * Finance has sent the money: posts the hold with the bank reference. `amount` is what finance
 * typed from the bank slip; it must equal the requested amount (a different amount is a
 * bad_request, so a typo cannot post the wrong sum).
 */
export async function confirmWithdrawal(options: {
  db: Db;
  actorId: string | null;
  holdId: bigint;
  bankReference: string;
  amount: bigint;
}): Promise<LedgerResult> {
  const bankReference = requireBankReference(options.bankReference);
  return inLedgerTransaction(options.db, async (tx) => {
    const { amount, metadata } = await loadWithdrawalHold(tx, options.holdId);
    if (options.amount !== amount) {
      throw new AppError("bad_request", "errors.ledger.withdrawalAmountMismatch", {
        fieldErrors: { amount: "errors.ledger.withdrawalAmountMismatch" },
      });
    }
    const result = unwrapResolve(
      await postHold({
        db: tx,
        holdId: options.holdId,
        idempotencyKey: `withdrawal-confirm:${options.holdId}`,
        code: "withdrawal",
        metadata: { bankReference, confirmedBy: options.actorId },
      }),
    );
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.withdrawalConfirm",
        entityType: "LedgerTransaction",
        entityId: options.holdId.toString(),
        after: { orgId: metadata.orgId as string, amount, bankReference, transactionId: result.transactionId },
      });
    }
    return result;
  });
}

/** Finance rejects a withdrawal request: the hold is voided and the amount is available again. */
export async function rejectWithdrawal(options: {
  db: Db;
  actorId: string | null;
  holdId: bigint;
  reason: string;
}): Promise<LedgerResult> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 500);
  if (!reason)
    throw new AppError("bad_request", "errors.ledger.reasonRequired", {
      fieldErrors: { reason: "errors.ledger.reasonRequired" },
    });
  return inLedgerTransaction(options.db, async (tx) => {
    const { amount, metadata } = await loadWithdrawalHold(tx, options.holdId);
    const result = unwrapResolve(
      await voidHold({
        db: tx,
        holdId: options.holdId,
        idempotencyKey: `withdrawal-reject:${options.holdId}`,
        code: "withdrawal",
        metadata: { reason, rejectedBy: options.actorId },
      }),
    );
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.withdrawalReject",
        entityType: "LedgerTransaction",
        entityId: options.holdId.toString(),
        after: { orgId: metadata.orgId as string, amount, reason },
      });
    }
    return result;
  });
}
