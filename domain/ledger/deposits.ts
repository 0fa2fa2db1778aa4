import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addresses, PLATFORM_BANK } from "./addresses.ts";
import { inLedgerTransaction } from "./sql.ts";
import { postTransaction, validateAmount } from "./submit.ts";

export interface LedgerResult {
  transactionId: bigint;
  /** True when this call repeated an earlier one (same idempotency key, same input) and wrote nothing. */
  replayed: boolean;
}

export function requireBankReference(reference: unknown): string {
  const value = typeof reference === "string" ? reference.trim() : "";
  if (!/^[A-Za-z0-9_-]{4,64}$/.test(value)) {
    throw new AppError("bad_request", "errors.ledger.invalidBankReference", {
      fieldErrors: { bankReference: "errors.ledger.invalidBankReference" },
    });
  }
  return value;
}

/**
 * Finance confirms an offline bank transfer into the platform's account: platform:bank → the
 * org's wallet. The bank reference is the idempotency key, so the same transfer can never be
 * credited twice (a second confirmation with another amount or org is a conflict).
 */
export async function deposit(options: {
  db: Db;
  actorId: string | null;
  orgId: string;
  amount: bigint;
  bankReference: string;
  zoneId?: string | null;
}): Promise<LedgerResult> {
  const bankReference = requireBankReference(options.bankReference);
  const amount = validateAmount(options.amount);
  const wallet = addresses.orgWallet(options.orgId);
  return inLedgerTransaction(options.db, async (tx) => {
    const result = await postTransaction({
      db: tx,
      idempotencyKey: `deposit:${bankReference}`,
      code: "deposit",
      postings: [{ debit: PLATFORM_BANK, credit: wallet, amount }],
      metadata: { orgId: options.orgId, bankReference },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.deposit",
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        zoneId: options.zoneId ?? null,
        after: { orgId: options.orgId, amount, bankReference },
      });
    }
    return result;
  });
}

/**
 * A zone's administration pays its programme budget in by bank transfer; finance confirms it:
 * platform:bank → zone:{id}:budget:{programme}:{year}.
 */
export async function topUpZoneBudget(options: {
  db: Db;
  actorId: string | null;
  zoneId: string;
  programme: string;
  year: number;
  amount: bigint;
  bankReference: string;
}): Promise<LedgerResult> {
  const bankReference = requireBankReference(options.bankReference);
  const amount = validateAmount(options.amount);
  const budget = addresses.zoneBudget(options.zoneId, options.programme, options.year);
  return inLedgerTransaction(options.db, async (tx) => {
    const result = await postTransaction({
      db: tx,
      idempotencyKey: `budget-top-up:${bankReference}`,
      code: "budget-top-up",
      postings: [{ debit: PLATFORM_BANK, credit: budget, amount }],
      metadata: { zoneId: options.zoneId, programme: options.programme, year: options.year, bankReference },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorId: options.actorId,
        action: "ledger.budgetTopUp",
        entityType: "LedgerTransaction",
        entityId: result.transactionId.toString(),
        zoneId: options.zoneId,
        after: { budget, amount, bankReference },
      });
    }
    return result;
  });
}
