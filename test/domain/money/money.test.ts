import { describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import {
  MAX_INPUT_FEN,
  allocate,
  allocateByBasisPoints,
  fenToDecimalString,
  formatWanYuan,
  formatYuan,
  parseMoney,
  percentOf,
  yuan,
} from "#domain/money/money.ts";

/** mulberry32: a tiny seeded generator, so a failing case can be replayed from its seed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorKey(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) {
      expect(error.code).toBe("bad_request");
      return error.messageKey;
    }
    throw error;
  }
  return undefined;
}

describe("parseMoney", () => {
  it.each([
    ["12.5", 1250n],
    ["12.50", 1250n],
    ["12", 1200n],
    ["0.01", 1n],
    [".5", 50n],
    ["1,200", 120000n],
    ["1,234,567.89", 123456789n],
    ["3万", 3_000_000n],
    ["1.5万", 15000n * 100n],
    ["1.234567万元", 1234567n],
    ["¥1,234.56", 123456n],
    ["￥88元", 8800n],
    ["１２．５", 1250n],
    [" 12.5 ", 1250n],
    ["12.500", 1250n],
    ["CNY 100", 10000n],
  ])("parses %s", (input, fen) => {
    expect(parseMoney(input)).toBe(fen);
  });

  it.each([
    ["", "errors.money.empty"],
    ["   ", "errors.money.empty"],
    ["¥", "errors.money.empty"],
    ["-5", "errors.money.negative"],
    ["−5", "errors.money.negative"],
    ["¥-5", "errors.money.negative"],
    ["1.234", "errors.money.tooManyDecimals"],
    ["1.2345678万", "errors.money.tooManyDecimals"],
    ["abc", "errors.money.invalid"],
    ["1,2,00", "errors.money.invalid"],
    ["12a", "errors.money.invalid"],
    ["1e5", "errors.money.invalid"],
    [".", "errors.money.invalid"],
    ["1..2", "errors.money.invalid"],
    ["0", "errors.money.zero"],
    ["0.00", "errors.money.zero"],
    ["1000000000000.01", "errors.money.tooLarge"],
    ["99999999999999999999999", "errors.money.tooLarge"],
    ["100000001万", "errors.money.tooLarge"],
  ])("rejects %j with %s", (input, key) => {
    expect(errorKey(() => parseMoney(input))).toBe(key);
  });

  it("accepts the maximum and zero when asked", () => {
    expect(parseMoney("1000000000000")).toBe(MAX_INPUT_FEN);
    expect(parseMoney("0", { allowZero: true })).toBe(0n);
  });

  it("puts the key on the named field", () => {
    try {
      parseMoney("-1", { field: "amount" });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.fieldErrors).toEqual({ amount: "errors.money.negative" });
    }
  });

  it("round-trips formatYuan for seeded random amounts", () => {
    const random = seeded(20261125);
    for (let i = 0; i < 2000; i++) {
      const fen = BigInt(Math.floor(random() * 1e9)) * BigInt(Math.floor(random() * 1e5) + 1);
      if (fen === 0n || fen > MAX_INPUT_FEN) continue;
      expect(parseMoney(formatYuan(fen))).toBe(fen);
      expect(parseMoney(fenToDecimalString(fen))).toBe(fen);
      expect(parseMoney(formatWanYuan(fen))).toBe(fen);
    }
  });
});

describe("formatting", () => {
  it("formats yuan", () => {
    expect(formatYuan(123456n)).toBe("¥1,234.56");
    expect(formatYuan(5n)).toBe("¥0.05");
    expect(formatYuan(0n)).toBe("¥0.00");
    expect(formatYuan(-123456789n)).toBe("-¥1,234,567.89");
    expect(formatYuan(123456n, { symbol: false })).toBe("1,234.56");
    expect(fenToDecimalString(-5n)).toBe("-0.05");
  });

  it("formats 万元", () => {
    expect(formatWanYuan(yuan(5_000_000))).toBe("500万元");
    expect(formatWanYuan(yuan(15_000))).toBe("1.5万元");
    expect(formatWanYuan(1n)).toBe("0.000001万元");
    expect(formatWanYuan(yuan(123_456_789_000))).toBe("12,345,678.9万元");
    expect(formatWanYuan(yuan(15_000), { decimals: 2 })).toBe("1.50万元");
    expect(formatWanYuan(yuan(12_345), { decimals: 0 })).toBe("1万元");
    expect(formatWanYuan(yuan(15_000), { decimals: 0 })).toBe("2万元");
    expect(formatWanYuan(-yuan(15_000))).toBe("-1.5万元");
    expect(formatWanYuan(-1n, { decimals: 2 })).toBe("0.00万元");
  });
});

describe("allocation", () => {
  it("splits by largest remainder", () => {
    expect(allocate(100n, [1, 1, 1])).toEqual([34n, 33n, 33n]);
    expect(allocate(5n, [1, 1, 1, 1, 1, 1])).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect(allocate(101n, [3, 7])).toEqual([30n, 71n]);
    expect(allocate(-100n, [1, 1, 1])).toEqual([-34n, -33n, -33n]);
    expect(allocate(0n, [1, 2])).toEqual([0n, 0n]);
    expect(allocateByBasisPoints(100000n, [200, 100])).toEqual([2000n, 1000n, 97000n]);
    expect(allocateByBasisPoints(1n, [5000, 5000])).toEqual([1n, 0n, 0n]);
    expect(allocateByBasisPoints(999n, [])).toEqual([999n]);
  });

  it("rejects ratios that cannot split", () => {
    expect(() => allocate(1n, [])).toThrow(RangeError);
    expect(() => allocate(1n, [0, 0])).toThrow(RangeError);
    expect(() => allocate(1n, [-1, 2])).toThrow(RangeError);
    expect(() => allocate(1n, [0.5])).toThrow(RangeError);
    expect(() => allocateByBasisPoints(1n, [6000, 5000])).toThrow(RangeError);
  });

  it("never loses or invents a fen (seeded random totals and ratios)", () => {
    const random = seeded(42);
    for (let i = 0; i < 5000; i++) {
      const total = BigInt(Math.floor(random() * 1e12));
      const n = 1 + Math.floor(random() * 8);
      const ratios: number[] = Array.from({ length: n }, () => Math.floor(random() * 1000));
      if (!ratios.some((r) => r > 0)) ratios[0] = 1;
      const parts = allocate(total, ratios);
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      const sum = BigInt(ratios.reduce((a, b) => a + b, 0));
      parts.forEach((part, k) => {
        // Each part is within one fen of its exact share.
        const exact = total * BigInt(ratios[k]!);
        expect(part * sum - exact).toBeLessThan(sum);
        expect(exact - part * sum).toBeLessThan(sum);
        expect(part >= 0n).toBe(true);
      });
      const bps = Array.from({ length: n }, () => Math.floor(random() * (10000 / n)));
      const split = allocateByBasisPoints(total, bps);
      expect(split).toHaveLength(n + 1);
      expect(split.reduce((a, b) => a + b, 0n)).toBe(total);
    }
  });

  it("takes percentages without floats", () => {
    expect(percentOf(yuan(1000), 1000)).toBe(yuan(100));
    expect(percentOf(999n, 1000)).toBe(99n);
    expect(percentOf(995n, 1000, "halfUp")).toBe(100n);
    expect(percentOf(-995n, 1000, "halfUp")).toBe(-100n);
  });
});
