import crypto from "node:crypto";
import { AppError } from "../errors.ts";
import { requireAccountSpec } from "./addresses.ts";
import { isTransactionCode, type TransactionCode } from "./codes.ts";
import { ledgerSql, runLedgerStatement, type LedgerDb } from "./sql.ts";

/** The largest single posting: 10^15 fen (10 万亿元), far below BIGINT even when summed. */
export const MAX_POSTING_FEN = 1_000_000_000_000_000n;
export const MAX_POSTINGS = 64;

export interface PostingInput {
  debit: string;
  credit: string;
  amount: bigint;
}

export interface TransactionInput {
  /** Chosen by the caller: the same key with the same input returns the first result. */
  idempotencyKey: string;
  code: TransactionCode;
  postings: readonly PostingInput[];
  /** Links the business record (challengeId, dealId, bankReference, …). */
  metadata?: Record<string, unknown>;
  /** A hold: the postings reserve funds (pending totals) until posted, voided or expired. */
  pending?: boolean;
  /** For a hold: when the expiry job may void it. */
  timeoutAt?: Date | null;
  /** For a correction: the transaction it corrects. */
  correctsId?: bigint | null;
}

export type SubmitResult =
  | { status: "committed" | "replayed"; transactionId: bigint }
  | { status: "conflict"; transactionId: bigint }
  | { status: "insufficient_funds"; account: string }
  | { status: "exceeds_debits"; account: string };

export const LEDGER_ERRORS = {
  invalidAddress: "errors.ledger.invalidAddress",
  invalidTransaction: "errors.ledger.invalidTransaction",
  invalidAmount: "errors.ledger.invalidAmount",
  sameAccount: "errors.ledger.sameAccount",
  idempotencyConflict: "errors.ledger.idempotencyConflict",
  insufficientFunds: "errors.ledger.insufficientFunds",
  exceedsDebits: "errors.ledger.exceedsDebits",
} as const;

function invalid(reason: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", LEDGER_ERRORS.invalidTransaction, { params: { reason, ...params } });
}

/** JSON with sorted keys and bigints as strings: the same input always gives the same text. */
export function canonicalJson(value: unknown): string {
  // Hot path (every transaction is hashed): plain loops, no intermediate arrays of entries. The
  // output must never change, or replays of stored keys would turn into conflicts (a test pins it).
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + canonicalJson(value[i]);
    return out + "]";
  }
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    let out = "{";
    let first = true;
    for (const key of keys) {
      const v = object[key];
      if (v === undefined) continue;
      out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v);
      first = false;
    }
    return out + "}";
  }
  return JSON.stringify(value ?? null);
}

export function inputHash(value: unknown): string {
  return sha256Text(canonicalJson(value));
}

/** sha256 of a text, base64url: the one-shot crypto.hash (Node 20.12+) costs less than a Hash object. */
function sha256Text(text: string): string {
  return crypto.hash("sha256", text, "base64url");
}

export function validateIdempotencyKey(key: unknown): string {
  if (typeof key !== "string" || key.length < 1 || key.length > 200) throw invalid("idempotencyKey");
  return key;
}

export function validateAmount(amount: unknown, allowZero = false): bigint {
  if (typeof amount !== "bigint" || amount < (allowZero ? 0n : 1n) || amount > MAX_POSTING_FEN) {
    throw new AppError("bad_request", LEDGER_ERRORS.invalidAmount, { params: { amount: String(amount) } });
  }
  return amount;
}

/** One validated transaction as ledger_submit_arrays takes it (see ledgerSubmitCall). */
export interface PreparedTransaction {
  key: string;
  hash: string;
  code: string;
  /** The metadata as canonical JSON text (stored as jsonb). */
  meta: string;
  pending: boolean;
  timeoutAt: string | null;
  correctsId: string | null;
  /** [debit, credit, amount in fen as decimal text] per posting. */
  postings: [string, string, string][];
}

/** Validates one transaction as submitTransactions would (throws the same AppError). */
export function validateTransaction(input: TransactionInput): void {
  prepareTransaction(input);
}

export function prepareTransaction(input: TransactionInput): PreparedTransaction {
  const key = validateIdempotencyKey(input.idempotencyKey);
  if (!isTransactionCode(input.code)) throw invalid("code", { code: String(input.code) });
  if (!Array.isArray(input.postings) || input.postings.length < 1 || input.postings.length > MAX_POSTINGS)
    throw invalid("postings");
  const postings: [string, string, string][] = [];
  let postingsJson = "[";
  for (const p of input.postings) {
    requireAccountSpec(p.debit);
    requireAccountSpec(p.credit);
    if (p.debit === p.credit)
      throw new AppError("bad_request", LEDGER_ERRORS.sameAccount, { params: { address: p.debit } });
    const amount = validateAmount(p.amount).toString();
    postings.push([p.debit, p.credit, amount]);
    postingsJson +=
      (postings.length > 1 ? "," : "") +
      "[" +
      JSON.stringify(p.debit) +
      "," +
      JSON.stringify(p.credit) +
      ',"' +
      amount +
      '"]';
  }
  postingsJson += "]";
  if (input.timeoutAt && !input.pending) throw invalid("timeoutAt");
  if (input.timeoutAt && Number.isNaN(input.timeoutAt.getTime())) throw invalid("timeoutAt");
  const meta = canonicalJson(input.metadata ?? {});
  const pending = Boolean(input.pending);
  const timeoutAt = input.timeoutAt ? input.timeoutAt.toISOString() : null;
  const correctsId = input.correctsId != null ? input.correctsId.toString() : null;
  // Exactly canonicalJson({ code, postings, pending, timeoutAt, correctsId, metadata }) — its keys
  // in sorted order, written out because every transaction is hashed (a test compares the two).
  const hashed =
    '{"code":' +
    JSON.stringify(input.code) +
    ',"correctsId":' +
    (correctsId === null ? "null" : JSON.stringify(correctsId)) +
    ',"metadata":' +
    meta +
    ',"pending":' +
    pending +
    ',"postings":' +
    postingsJson +
    ',"timeoutAt":' +
    (timeoutAt === null ? "null" : JSON.stringify(timeoutAt)) +
    "}";
  return { key, hash: sha256Text(hashed), code: input.code, meta, pending, timeoutAt, correctsId, postings };
}

type WireResult = [number, string | null, string | null];

function toResult(row: WireResult): SubmitResult {
  const [status, id, account] = row;
  switch (status) {
    case 0:
      return { status: "committed", transactionId: BigInt(id!) };
    case 1:
      return { status: "replayed", transactionId: BigInt(id!) };
    case 2:
      return { status: "conflict", transactionId: BigInt(id!) };
    case 3:
      return { status: "insufficient_funds", account: account! };
    case 4:
      return { status: "exceeds_debits", account: account! };
    default:
      throw new Error(`ledger_submit_arrays returned an unknown status ${status}`);
  }
}

/**
 * Commits many transactions in one database round trip (one call of ledger_submit_arrays). Each is
 * all-or-nothing on its own and gets its own result; one that would break an account's flags fails
 * alone. Invalid input throws before anything is sent. Duplicate keys inside one batch are
 * answered like replays (same input) or conflicts (other input) of the first.
 */
export async function submitTransactions(options: {
  db: LedgerDb;
  transactions: readonly TransactionInput[];
}): Promise<SubmitResult[]> {
  return submitPrepared({ db: options.db, prepared: options.transactions.map(prepareTransaction) });
}

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/** A PostgreSQL array literal ('{"a","b",NULL}'): sent as text and cast, the same through pg, Prisma and PGlite. */
export function pgArrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) out += ",";
    if (v === null) out += "NULL";
    else if (typeof v === "string") out += '"' + (NEEDS_ESCAPE.test(v) ? v.replace(ESCAPED, "\\$&") : v) + '"';
    else if (typeof v === "boolean") out += v ? "t" : "f";
    else out += String(v);
  }
  return out + "}";
}

/**
 * The SQL call of ledger_submit_arrays (ledger migrations 20261201100000, 20261202090000) for transactions with
 * distinct keys: typed arrays, postings naming accounts by their 1-based position in the list.
 */
export function ledgerSubmitCall(txs: readonly PreparedTransaction[]): { text: string; values: string[] } {
  // The accounts, each listed once, in order of first use (validated addresses: the specs are cached).
  const position = new Map<string, number>();
  const addr: string[] = [];
  const type: string[] = [];
  const side: string[] = [];
  const flag: string[] = [];
  const list = (address: string): number => {
    let at = position.get(address);
    if (at === undefined) {
      const spec = requireAccountSpec(address);
      addr.push(address);
      type.push(spec.type);
      side.push(spec.normalSide);
      flag.push(spec.flags);
      at = addr.length;
      position.set(address, at);
    }
    return at;
  };
  const key: string[] = [];
  const hash: string[] = [];
  const code: string[] = [];
  const meta: string[] = [];
  const pe: boolean[] = [];
  const to: (string | null)[] = [];
  const co: (string | null)[] = [];
  const ptx: number[] = [];
  const pidx: number[] = [];
  const pd: number[] = [];
  const pc: number[] = [];
  const amt: string[] = [];
  for (let i = 0; i < txs.length; i++) {
    const t = txs[i]!;
    key.push(t.key);
    hash.push(t.hash);
    code.push(t.code);
    meta.push(t.meta);
    pe.push(t.pending);
    to.push(t.timeoutAt);
    co.push(t.correctsId);
    for (let j = 0; j < t.postings.length; j++) {
      const [d, c, a] = t.postings[j]!;
      ptx.push(i + 1);
      pidx.push(j);
      pd.push(list(d));
      pc.push(list(c));
      amt.push(a);
    }
  }
  return {
    text:
      "SELECT ledger_submit_arrays($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], " +
      "$9::boolean[], $10::text[], $11::bigint[], $12::int[], $13::int[], $14::int[], $15::int[], $16::bigint[]) AS r",
    values: [addr, type, side, flag, key, hash, code, meta, pe, to, co, ptx, pidx, pd, pc, amt].map((v) =>
      pgArrayLiteral(v as (string | number | boolean | null)[]),
    ),
  };
}

/** submitTransactions for transactions already validated by prepareTransaction (the coalescer). */
export async function submitPrepared(options: {
  db: LedgerDb;
  prepared: readonly PreparedTransaction[];
}): Promise<SubmitResult[]> {
  const { prepared } = options;
  if (prepared.length === 0) return [];
  const firstByKey = new Map<string, number>();
  const sent: PreparedTransaction[] = [];
  const slot: number[] = [];
  for (const p of prepared) {
    const key = p.key;
    const first = firstByKey.get(key);
    if (first !== undefined) {
      slot.push(-1 - first);
      continue;
    }
    firstByKey.set(key, sent.length);
    slot.push(sent.length);
    sent.push(p);
  }
  const sql = ledgerSql(options.db);
  const { text, values } = ledgerSubmitCall(sent);
  const rows = await runLedgerStatement<{ r: string }>(sql, text, values);
  const [statuses, ids, failures] = JSON.parse(rows[0]!.r) as [number[], (string | null)[], (string | null)[] | null];
  const results = statuses.map((status, i) => toResult([status, ids[i] ?? null, failures?.[i] ?? null]));
  return slot.map((s, i) => {
    if (s >= 0) return results[s]!;
    const firstIndex = -1 - s;
    const first = results[firstIndex]!;
    const sameInput = prepared[i]!.hash === sent[firstIndex]!.hash;
    if (first.status === "committed" || first.status === "replayed") {
      return { status: sameInput ? "replayed" : "conflict", transactionId: first.transactionId };
    }
    if (first.status === "conflict") return first;
    return first; // the first failed and wrote nothing under the key: same answer
  });
}

/** The AppError for a failed result, or the transaction id. */
export function unwrapResult(result: SubmitResult): { transactionId: bigint; replayed: boolean } {
  switch (result.status) {
    case "committed":
    case "replayed":
      return { transactionId: result.transactionId, replayed: result.status === "replayed" };
    case "conflict":
      return throwConflict();
    case "insufficient_funds":
      throw new AppError("insufficient_funds", LEDGER_ERRORS.insufficientFunds, {
        params: { account: result.account },
      });
    case "exceeds_debits":
      throw new AppError("insufficient_funds", LEDGER_ERRORS.exceedsDebits, { params: { account: result.account } });
  }
}

function throwConflict(): never {
  throw new AppError("conflict", LEDGER_ERRORS.idempotencyConflict);
}

/**
 * Commits one transaction (postings all or nothing). Returns its id and whether this call was a
 * replay of an earlier one with the same key and input. Throws AppError conflict when the key was
 * used with other input, insufficient_funds when an account's flags forbid it; neither writes.
 */
export async function postTransaction(
  options: { db: LedgerDb } & TransactionInput,
): Promise<{ transactionId: bigint; replayed: boolean }> {
  const { db, ...input } = options;
  const [result] = await submitTransactions({ db, transactions: [input] });
  return unwrapResult(result!);
}
