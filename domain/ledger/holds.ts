import { AppError } from "../errors.ts";
import { isTransactionCode, type TransactionCode } from "./codes.ts";
import { ledgerSql, runLedgerStatement, type LedgerDb } from "./sql.ts";
import { canonicalJson, inputHash, LEDGER_ERRORS, validateAmount, validateIdempotencyKey } from "./submit.ts";

export const HOLD_ERRORS = {
  notFound: "errors.ledger.holdNotFound",
  alreadyResolved: "errors.ledger.holdAlreadyResolved",
  amountAboveHold: "errors.ledger.amountAboveHold",
  notExpired: "errors.ledger.holdNotExpired",
} as const;

export type ResolveResult =
  | { status: "resolved" | "replayed"; transactionId: bigint }
  | { status: "conflict"; transactionId: bigint }
  | { status: "not_found" }
  | { status: "already_resolved"; transactionId: bigint; kind: "post_pending" | "void_pending" | "expire_pending" }
  | { status: "amount_above_hold"; index: number }
  | { status: "not_expired" };

interface ResolveInput {
  db: LedgerDb;
  holdId: bigint;
  idempotencyKey: string;
  code?: TransactionCode;
  metadata?: Record<string, unknown>;
}

type Wire = [number, string | null, string | null];

async function resolve(
  input: ResolveInput,
  action: "post" | "void" | "expire",
  extra: { amounts?: readonly bigint[] | undefined; now?: Date | undefined; defaultCode: TransactionCode },
): Promise<ResolveResult> {
  const key = validateIdempotencyKey(input.idempotencyKey);
  const code = input.code ?? extra.defaultCode;
  if (!isTransactionCode(code))
    throw new AppError("bad_request", LEDGER_ERRORS.invalidTransaction, { params: { reason: "code" } });
  if (typeof input.holdId !== "bigint") throw new AppError("bad_request", HOLD_ERRORS.notFound);
  const amounts = extra.amounts?.map((a) => validateAmount(a, true).toString()) ?? null;
  if (amounts && !extra.amounts!.some((a) => a > 0n))
    throw new AppError("bad_request", LEDGER_ERRORS.invalidAmount, { params: { amount: "0" } });
  const metadata = JSON.parse(canonicalJson(input.metadata ?? {})) as Record<string, unknown>;
  const h = inputHash({ action, holdId: input.holdId, amounts, code, metadata });
  const wire = {
    k: key,
    h,
    c: code,
    m: metadata,
    pid: input.holdId.toString(),
    action,
    amounts,
    now: extra.now ? extra.now.toISOString() : null,
  };
  const sql = ledgerSql(input.db);
  const rows = await runLedgerStatement<{ r: string }>(sql, "SELECT ledger_resolve($1::jsonb)::text AS r", [
    JSON.stringify(wire),
  ]);
  const [status, id, detail] = JSON.parse(rows[0]!.r) as Wire;
  switch (status) {
    case 0:
      return { status: "resolved", transactionId: BigInt(id!) };
    case 1:
      return { status: "replayed", transactionId: BigInt(id!) };
    case 2:
      return { status: "conflict", transactionId: BigInt(id!) };
    case 5:
      return { status: "not_found" };
    case 6:
      return { status: "already_resolved", transactionId: BigInt(id!), kind: detail as "post_pending" };
    case 7:
      return { status: "amount_above_hold", index: Number(detail) };
    case 8:
      return { status: "not_expired" };
    default:
      throw new Error(`ledger_resolve returned an unknown status ${status}`);
  }
}

/** Throws the AppError of a failed resolution; returns the transaction id otherwise. */
export function unwrapResolve(result: ResolveResult): { transactionId: bigint; replayed: boolean } {
  switch (result.status) {
    case "resolved":
    case "replayed":
      return { transactionId: result.transactionId, replayed: result.status === "replayed" };
    case "conflict":
      throw new AppError("conflict", LEDGER_ERRORS.idempotencyConflict);
    case "not_found":
      throw new AppError("not_found", HOLD_ERRORS.notFound);
    case "already_resolved":
      throw new AppError("conflict", HOLD_ERRORS.alreadyResolved, { params: { resolution: result.kind } });
    case "amount_above_hold":
      throw new AppError("bad_request", HOLD_ERRORS.amountAboveHold, { params: { index: result.index } });
    case "not_expired":
      throw new AppError("conflict", HOLD_ERRORS.notExpired);
  }
}

/**
 * Posts a hold: in full, or in part with `amounts` (one per posting of the hold, each at most the
 * held amount; 0 skips a posting). What is not posted returns to the debit accounts. A hold
 * resolves exactly once: a second post, void or expiry gets `already_resolved`.
 */
export function postHold(options: ResolveInput & { amounts?: readonly bigint[] }): Promise<ResolveResult> {
  return resolve(options, "post", { amounts: options.amounts, defaultCode: "escrow-release" });
}

/** Voids a hold: every held amount returns to its debit account. */
export function voidHold(options: ResolveInput): Promise<ResolveResult> {
  return resolve(options, "void", { defaultCode: "refund" });
}

/** Expires one hold whose timeout has passed at `now`. */
export function expireHold(options: ResolveInput & { now: Date }): Promise<ResolveResult> {
  return resolve(options, "expire", { now: options.now, defaultCode: "hold-expiry" });
}

/**
 * The scheduled job's entry: voids every hold whose timeout is at or before `now` and that is not
 * resolved yet, one hold per database transaction (so each locks only its own accounts). Safe to
 * run concurrently with itself and with posts and voids: each hold still resolves exactly once.
 */
export async function expireHolds(options: {
  db: LedgerDb;
  now: Date;
  limit?: number;
}): Promise<{ expired: bigint[] }> {
  const sql = ledgerSql(options.db);
  const due = await sql.query<{ id: string }>(
    `SELECT t."id"::text AS id FROM "LedgerTransaction" t
     WHERE t."kind" = 'pending' AND t."timeoutAt" <= $1::timestamp(3)
       AND NOT EXISTS (SELECT 1 FROM "LedgerTransaction" r WHERE r."pendingId" = t."id")
     ORDER BY t."timeoutAt", t."id" LIMIT $2`,
    [options.now.toISOString(), options.limit ?? 1000],
  );
  const expired: bigint[] = [];
  for (const { id } of due) {
    const holdId = BigInt(id);
    const result = await expireHold({ db: options.db, holdId, idempotencyKey: `hold-expiry:${id}`, now: options.now });
    if (result.status === "resolved") expired.push(holdId);
  }
  return { expired };
}
