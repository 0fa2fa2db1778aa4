import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAppError } from "#domain/errors.ts";
import { parseMoney } from "#domain/money/money.ts";
import {
  parseBasisPoints,
  parseWholeNumber,
  percentBasisPoints,
  wholeDays,
  wholeNumber,
  yuan,
} from "#app/utils/form-types.ts";

// Inputs that the old parsers (parseInt, parseFloat, Number, z.coerce) turned into a number silently.
const SLOPPY = ["3abc", "1e3", "0x10", " 1 2 ", "1,2,3", "2abc", "Infinity", "NaN", "1e309", "-0", "+5", "0b11", "1.0"];

function moneyKey(input: string): string | undefined {
  try {
    parseMoney(input);
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.messageKey : "not an AppError";
  }
}

describe("parseMoney: strict yuan → fen", () => {
  it.each([
    ["1,234,567.89", 123456789n],
    ["1234567.89", 123456789n],
    ["  12 ", 1200n],
    ["¥ 12", 1200n],
    ["12 元", 1200n],
    ["１２，３４５", 1234500n],
  ])("reads %j", (input, fen) => expect(parseMoney(input)).toBe(fen));

  it.each([
    [" 1 2 ", "errors.money.invalid"],
    ["1 234", "errors.money.invalid"],
    ["1,2,3", "errors.money.invalid"],
    ["12,34", "errors.money.invalid"],
    ["1,2345", "errors.money.invalid"],
    [",123", "errors.money.invalid"],
    ["2abc", "errors.money.invalid"],
    ["1e3", "errors.money.invalid"],
    ["1e309", "errors.money.invalid"],
    ["0x10", "errors.money.invalid"],
    ["NaN", "errors.money.invalid"],
    ["Infinity", "errors.money.invalid"],
    ["+5", "errors.money.invalid"],
    ["__proto__", "errors.money.invalid"],
    ["1.005", "errors.money.tooManyDecimals"],
    ["¥ -5", "errors.money.negative"],
    ["9".repeat(65), "errors.money.invalid"],
    ["1".repeat(100_000), "errors.money.invalid"],
  ])("refuses %j with %s", (input, key) => expect(moneyKey(input)).toBe(key));
});

describe("parseWholeNumber: digits only", () => {
  it.each([
    ["1", 1],
    ["30", 30],
    [" 7 ", 7],
    ["０７", 7],
    ["007", 7],
  ])("reads %j", (input, n) => expect(parseWholeNumber(input, 1, 30)).toBe(n));

  it.each([...SLOPPY, "", "   ", "31", "0", "-1", "1.5", "__proto__", "9".repeat(400)])("refuses %j", (input) =>
    expect(parseWholeNumber(input, 1, 30)).toBeUndefined(),
  );

  it("refuses what is not a string", () => {
    expect(parseWholeNumber(undefined, 0, 10)).toBeUndefined();
    expect(parseWholeNumber(["1", "2"], 0, 10)).toBeUndefined();
    expect(parseWholeNumber(5, 0, 10)).toBeUndefined();
  });
});

describe("parseBasisPoints: a percentage with at most 2 decimals", () => {
  it.each([
    ["5", 500],
    ["5.5", 550],
    ["5.25", 525],
    ["12.25%", 1225],
    ["12.25 %", 1225],
    ["１２．５％", 1250],
    ["100", 10_000],
    ["0", 0],
  ])("reads %j", (input, bp) => expect(parseBasisPoints(input)).toBe(bp));

  it.each([...SLOPPY.filter((s) => s !== "1.0"), "", "100.01", "5.255", "5.", ".5", "-5", "5%%", "__proto__"])(
    "refuses %j",
    (input) => expect(parseBasisPoints(input)).toBeUndefined(),
  );

  it("keeps under a smaller maximum", () => {
    expect(parseBasisPoints("99.99", 9_999)).toBe(9_999);
    expect(parseBasisPoints("100", 9_999)).toBeUndefined();
  });
});

describe("the zod types", () => {
  const schema = z.object({
    days: wholeDays({ min: 1, max: 30, key: "errors.challenge.field.publicNoticeDays" }),
    amount: yuan(),
    share: percentBasisPoints().optional(),
    index: wholeNumber({ min: 0, max: 9 }),
  });

  it("parse a good form", () => {
    expect(schema.parse({ days: "5", amount: "1,200.50", share: "25", index: "0" })).toEqual({
      days: 5,
      amount: 120050n,
      share: 2500,
      index: 0,
    });
  });

  it("report each bad field with a translation key", () => {
    const result = schema.safeParse({ days: "0x10", amount: " 1 2 ", share: "1,2,3", index: "1e0" });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(byField).toEqual({
      days: "errors.challenge.field.publicNoticeDays",
      amount: "errors.money.invalid",
      share: "errors.number.percent",
      index: "errors.number.whole",
    });
  });

  it("refuse a repeated field's array", () => {
    const result = schema.safeParse({ days: ["5", "6"], amount: "1", index: "0" });
    expect(result.success).toBe(false);
  });
});
