import { z } from "zod";
import { isAppError } from "#domain/errors.ts";
import { parseMoney, type Fen } from "#domain/money/money.ts";

/**
 * The one strict parser for each kind of number a person types into a form (ADR 0023), as zod
 * types for `parseForm` (and the form toolkit) and as plain functions for the routes that read a
 * FormData themselves. The whole text must be the number: "3abc", "1e3", "0x10", " 1 2 " and
 * "1,2,3" are errors, never 3, 1, 16, 12 or 1. Messages are translation keys.
 *
 * - money: yuan → bigint fen, `parseMoney` (at most 2 decimals, thousands separators only where
 *   they belong, 万 / 元 / ¥ allowed, no spaces inside the number);
 * - whole numbers (days, indexes, levels, weights, scores): ASCII or full-width digits only;
 * - percentages: "5", "5.5", "5.25 %" → basis points (at most 2 decimals).
 */

export const NUMBER_ERRORS = {
  wholeNumber: "errors.number.whole",
  range: "errors.number.range",
  percent: "errors.number.percent",
} as const;

/** Longer than this is never a number a person typed (and never worth a regex or a BigInt). */
const MAX_NUMBER_TEXT = 40;

function normalise(text: string): string {
  // NFKC folds full-width digits, "．", "，", "％" into ASCII.
  return text
    .slice(0, MAX_NUMBER_TEXT + 1)
    .normalize("NFKC")
    .trim();
}

/** A whole number in [min, max] written with digits only, or undefined. */
export function parseWholeNumber(input: unknown, min: number, max: number): number | undefined {
  if (typeof input !== "string") return undefined;
  const text = normalise(input);
  if (!/^\d{1,15}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** Basis points (1 % = 100) of a percentage typed as "5", "5.5", "5.25%" or "5 %", in [0, maxBasisPoints]. */
export function parseBasisPoints(input: unknown, maxBasisPoints = 10_000): number | undefined {
  if (typeof input !== "string") return undefined;
  const match = /^(\d{1,5})(?:\.(\d{1,2}))?\s*%?$/.exec(normalise(input));
  if (!match) return undefined;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bp <= maxBasisPoints ? bp : undefined;
}

/** A required text field: a string; a missing or empty one reports `key`. */
export function requiredText(key = "form.required") {
  return z.string({ error: key });
}

/** A whole number in [min, max] (days, an index, a level, a weight, a score). */
export function wholeNumber(options: { min: number; max: number; key?: string }) {
  const key = options.key ?? NUMBER_ERRORS.wholeNumber;
  return z.string({ error: key }).transform((text, ctx) => {
    const n = parseWholeNumber(text, options.min, options.max);
    if (n === undefined) {
      ctx.addIssue({ code: "custom", message: key });
      return z.NEVER;
    }
    return n;
  });
}

/** Whole days in [min, max], e.g. the 公示 length or a bid's schedule. */
export function wholeDays(options: { min: number; max: number; key?: string }) {
  return wholeNumber(options);
}

/** An amount in yuan → fen. Missing or empty → errors.money.empty (through parseMoney). */
export function yuan(options: { allowZero?: boolean } = {}) {
  return z
    .string()
    .optional()
    .transform((text, ctx): Fen => {
      try {
        return parseMoney(text ?? "", { allowZero: options.allowZero });
      } catch (error) {
        if (!isAppError(error)) throw error;
        ctx.addIssue({ code: "custom", message: error.messageKey });
        return z.NEVER;
      }
    });
}

/** A percentage → basis points in [0, maxBasisPoints]. */
export function percentBasisPoints(options: { max?: number; key?: string } = {}) {
  const key = options.key ?? NUMBER_ERRORS.percent;
  return z.string({ error: key }).transform((text, ctx) => {
    const bp = parseBasisPoints(text, options.max ?? 10_000);
    if (bp === undefined) {
      ctx.addIssue({ code: "custom", message: key });
      return z.NEVER;
    }
    return bp;
  });
}
