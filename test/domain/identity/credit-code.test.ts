import { describe, expect, it } from "vitest";
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  generateCreditCode,
  isValidCreditCode,
  normaliseCreditCode,
} from "#domain/identity/credit-code.ts";

// Published codes of well-known companies (from their business licences).
const REAL = [
  "91330100716105852F", // 阿里巴巴（中国）有限公司
  "91440300708461136T", // 深圳市腾讯计算机系统有限公司
  "914403001922038216", // 华为技术有限公司
];

describe("统一社会信用代码 (GB 32100-2015)", () => {
  it("accepts real codes", () => {
    for (const code of REAL) expect(isValidCreditCode(code), code).toBe(true);
  });

  it("computes the check character from 3^i mod 31 weights", () => {
    expect(creditCodeCheckCharacter("91440300708461136")).toBe("T");
    expect(creditCodeCheckCharacter("91440300192203821")).toBe("6");
    expect(creditCodeCheckCharacter("9144030070846113I")).toBeNull(); // I is not in the alphabet
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
  });

  it("refuses every single-character corruption of a real code", () => {
    const code = REAL[0]!;
    for (let i = 0; i < 18; i++) {
      for (const c of CREDIT_CODE_ALPHABET) {
        if (c === code[i]) continue;
        const corrupted = code.slice(0, i) + c + code.slice(i + 1);
        expect(isValidCreditCode(corrupted), corrupted).toBe(false);
      }
    }
  });

  it("refuses wrong length, forbidden letters, letters in the division code, and a swapped pair", () => {
    expect(isValidCreditCode("91330100716105852")).toBe(false);
    expect(isValidCreditCode("91330100716105852FF")).toBe(false);
    expect(isValidCreditCode("91330100716105852O")).toBe(false);
    expect(isValidCreditCode("9133A100716105852F")).toBe(false);
    expect(isValidCreditCode("91330100761105852F")).toBe(false);
    expect(isValidCreditCode("")).toBe(false);
  });

  it("normalises typed input", () => {
    expect(normaliseCreditCode(" 9133 0100 7161 0585 2f ")).toBe("91330100716105852F");
  });

  it("generates valid, distinct codes", () => {
    const codes = new Set(Array.from({ length: 500 }, () => generateCreditCode()));
    expect(codes.size).toBe(500);
    for (const code of codes) expect(isValidCreditCode(code), code).toBe(true);
    expect(generateCreditCode({ division: "530100" })).toMatch(/^91530100MA/);
  });
});
