/** Why a transaction happened; stored on every transaction and shown on statements. */
export const TRANSACTION_CODES = [
  "deposit",
  "withdrawal",
  "escrow-hold",
  "escrow-release",
  "milestone-release",
  "instalment-release",
  "fee",
  "commission",
  "refund",
  "subsidy-payout",
  "budget-top-up",
  "voucher-issue",
  "voucher-redeem",
  "voucher-expiry",
  "hold-expiry",
  "transfer",
  "correction",
] as const;

export type TransactionCode = (typeof TRANSACTION_CODES)[number];

export function isTransactionCode(code: string): code is TransactionCode {
  return (TRANSACTION_CODES as readonly string[]).includes(code);
}
