import { AppError } from "../errors.ts";

/**
 * Money is an integer number of fen (分, 1/100 yuan) in a `bigint` — docs/decisions/0004-money-as-bigint-fen.md.
 * Nothing in this file touches a floating-point number: parsing works on the digits of the string,
 * formatting on bigint division, allocation on bigint products.
 */
export type Fen = bigint;

export const FEN_PER_YUAN = 100n;
/** 1 万元 = 10,000 yuan = 1,000,000 fen. */
export const FEN_PER_WAN = 1_000_000n;
/**
 * The largest amount a person may type: 1 万亿元 (10^12 yuan). Anything bigger is a typo, and it
 * keeps sums of many amounts far inside PostgreSQL's BIGINT (9.2 × 10^18).
 */
export const MAX_INPUT_FEN = 100_000_000_000_000n;

export const MONEY_ERRORS = {
  empty: "errors.money.empty",
  invalid: "errors.money.invalid",
  negative: "errors.money.negative",
  zero: "errors.money.zero",
  tooManyDecimals: "errors.money.tooManyDecimals",
  tooLarge: "errors.money.tooLarge",
} as const;

export interface ParseMoneyOptions {
  /** Accept "0" (default false: an amount a user types must move money). */
  allowZero?: boolean;
  /** Form field the error belongs to; fills `fieldErrors` so the form shows it next to the field. */
  field?: string;
}

function moneyError(key: string, field: string | undefined, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, ...(field ? { fieldErrors: { [field]: key } } : {}) });
}

const MAX_MONEY_TEXT = 64;

const NUMBER_PATTERN = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/**
 * Parses what a person types for an amount in yuan into fen: "12.5", "12.50", "1,200", "3万",
 * "1.5万元", "¥1,234.56", "￥88元", full-width digits. Rejects, with a translation key,
 * empty input, negatives, more than 2 decimals (or more than 6 with 万), stray characters, spaces
 * inside the number, thousands separators anywhere but every third digit ("1,2,3"), zero (unless allowed) and amounts above MAX_INPUT_FEN.
 */
export function parseMoney(input: string, options: ParseMoneyOptions = {}): Fen {
  const { field } = options;
  const raw = String(input ?? "");
  // Nothing a person types for an amount is this long; stop before normalising megabytes.
  if (raw.length > MAX_MONEY_TEXT) throw moneyError(MONEY_ERRORS.invalid, field);
  // NFKC folds full-width digits, "，", "．", "￥" and the full-width space into their ASCII forms.
  // Spaces may surround the number, its symbol and its unit, never sit inside it: " 1 2 " is not 12.
  let text = raw.normalize("NFKC").trim();
  if (text === "") throw moneyError(MONEY_ERRORS.empty, field);
  if (/^[-−–]/.test(text) || /^[¥$]?\s*-/.test(text)) throw moneyError(MONEY_ERRORS.negative, field);
  text = text.replace(/^(?:¥|CNY|RMB)/i, "").trimStart();
  let scaleFen = FEN_PER_YUAN;
  let maxDecimals = 2;
  const unit = /(万元|万|元)$/.exec(text);
  if (unit) {
    text = text.slice(0, -unit[1]!.length).trimEnd();
    if (unit[1]!.startsWith("万")) {
      scaleFen = FEN_PER_WAN;
      maxDecimals = 6;
    }
  }
  if (text === "") throw moneyError(MONEY_ERRORS.empty, field);
  if (text.startsWith("-")) throw moneyError(MONEY_ERRORS.negative, field);
  const match = NUMBER_PATTERN.exec(text);
  if (!match || (match[1] === undefined && !match[2])) throw moneyError(MONEY_ERRORS.invalid, field);
  const whole = (match[1] ?? "0").replace(/,/g, "");
  const decimals = match[2] ?? "";
  if (decimals.replace(/0+$/, "").length > maxDecimals) {
    throw moneyError(MONEY_ERRORS.tooManyDecimals, field, { max: maxDecimals });
  }
  // Too many digits to be a real amount: stop before building a huge bigint.
  if (whole.replace(/^0+/, "").length > 16)
    throw moneyError(MONEY_ERRORS.tooLarge, field, { max: formatYuan(MAX_INPUT_FEN) });
  const decimalDigits = decimals.slice(0, maxDecimals).padEnd(maxDecimals, "0");
  const unitsPerScale = 10n ** BigInt(maxDecimals);
  const fen =
    ((BigInt(whole) * unitsPerScale + BigInt(decimalDigits === "" ? "0" : decimalDigits)) * scaleFen) / unitsPerScale;
  if (fen > MAX_INPUT_FEN) throw moneyError(MONEY_ERRORS.tooLarge, field, { max: formatYuan(MAX_INPUT_FEN) });
  if (fen === 0n && !options.allowZero) throw moneyError(MONEY_ERRORS.zero, field);
  return fen;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** ¥1,234.56 (negative: -¥1,234.56). */
export function formatYuan(fen: Fen, options: { symbol?: boolean } = {}): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const whole = groupThousands((abs / FEN_PER_YUAN).toString());
  const cents = (abs % FEN_PER_YUAN).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${options.symbol === false ? "" : "¥"}${whole}.${cents}`;
}

/** Plain decimal yuan for files and machines: "-1234.56" (no symbol, no separators). */
export function fenToDecimalString(fen: Fen): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  return `${negative ? "-" : ""}${(abs / FEN_PER_YUAN).toString()}.${(abs % FEN_PER_YUAN).toString().padStart(2, "0")}`;
}

/**
 * 万元, as the policy text writes large sums: 5,000,000 元 → "500万元". Without `decimals` the value
 * is exact (up to 6 decimals, trailing zeros dropped); with `decimals` it is rounded half away
 * from zero to that many places and keeps them ("1.50万元").
 */
export function formatWanYuan(fen: Fen, options: { decimals?: number; suffix?: string } = {}): string {
  const suffix = options.suffix ?? "万元";
  const negative = fen < 0n;
  let abs = negative ? -fen : fen;
  let places = 6;
  if (options.decimals !== undefined) {
    places = Math.max(0, Math.min(6, Math.trunc(options.decimals)));
    const step = 10n ** BigInt(6 - places);
    abs = ((abs + step / 2n) / step) * step;
  }
  const whole = groupThousands((abs / FEN_PER_WAN).toString());
  let fraction = (abs % FEN_PER_WAN).toString().padStart(6, "0").slice(0, places);
  if (options.decimals === undefined) fraction = fraction.replace(/0+$/, "");
  const sign = negative && abs !== 0n ? "-" : "";
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}${suffix}`;
}

/** Whole yuan → fen, for constants in code and tests: `yuan(5_000_000)` is the 500万元 cap. */
export function yuan(amount: number | bigint): Fen {
  if (typeof amount === "number" && !Number.isSafeInteger(amount)) throw new RangeError("yuan() takes whole yuan");
  return BigInt(amount) * FEN_PER_YUAN;
}

function toWeight(value: number | bigint, what: string): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer`);
  const weight = BigInt(value);
  if (weight < 0n) throw new RangeError(`${what} must not be negative`);
  return weight;
}

/**
 * Splits `total` fen in proportion to integer `ratios` by the largest-remainder method: each part
 * gets floor(total × ratio / Σratios), and the fen left over go one each to the parts with the
 * largest remainders (earlier parts win ties). Σ parts = total, always; no part is negative.
 */
export function allocate(total: Fen, ratios: readonly (number | bigint)[]): Fen[] {
  if (total < 0n) return allocate(-total, ratios).map((part) => -part);
  const weights = ratios.map((ratio, i) => toWeight(ratio, `ratio ${i}`));
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (weights.length === 0 || sum === 0n) throw new RangeError("allocate needs at least one positive ratio");
  const parts = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, index) => ({ index, remainder: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    parts[index]! += 1n;
    left -= 1n;
  }
  return parts;
}

/** 1% = 100 basis points; 12.5% = 1,250. */
export const BASIS_POINTS_PER_WHOLE = 10_000n;

/**
 * Splits `total` by shares in basis points that add up to at most 100%. Returns one part per share
 * plus, last, the rest (what the shares leave, possibly 0). Σ parts = total.
 * Example: release 100,000 fen with fee 2% and commission 1% → allocateByBasisPoints(100000n, [200, 100])
 * = [2000n, 1000n, 97000n].
 */
export function allocateByBasisPoints(total: Fen, basisPoints: readonly (number | bigint)[]): Fen[] {
  const shares = basisPoints.map((bp, i) => toWeight(bp, `share ${i}`));
  const sum = shares.reduce((a, b) => a + b, 0n);
  if (sum > BASIS_POINTS_PER_WHOLE) throw new RangeError("shares add up to more than 100%");
  return allocate(total, [...shares, BASIS_POINTS_PER_WHOLE - sum]);
}

/**
 * One share of an amount, e.g. a 10% subsidy: percentOf(amount, 1000). Rounds down by default
 * (a subsidy or fee never exceeds its rate); "halfUp" rounds half away from zero.
 */
export function percentOf(amount: Fen, basisPoints: number | bigint, rounding: "down" | "halfUp" = "down"): Fen {
  const bp = toWeight(basisPoints, "basisPoints");
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const product = abs * bp;
  const result =
    rounding === "down"
      ? product / BASIS_POINTS_PER_WHOLE
      : (product + BASIS_POINTS_PER_WHOLE / 2n) / BASIS_POINTS_PER_WHOLE;
  return negative ? -result : result;
}

/** The smaller of two amounts (caps: "10% of the amount, at most 500万元"). */
export function minFen(a: Fen, b: Fen): Fen {
  return a < b ? a : b;
}
