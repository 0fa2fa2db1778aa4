import { describe, expect, it } from "vitest";
import { csvField, csvRow, isFormulaCell, parseCsv } from "#domain/csv.ts";

describe("CSV export neutralises formulas (ADR 0024)", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", '"\'\r=1"'],
    ['=HYPERLINK("http://evil.example")', `"'=HYPERLINK(""http://evil.example"")"`],
  ])("%j is exported as %j", (value, exported) => {
    expect(csvField(value)).toBe(exported);
    expect(parseCsv(`${exported}\n`)).toEqual([[`'${value}`]]);
  });

  it("leaves plain numbers and ordinary text alone", () => {
    expect(csvRow(["-2.50", "+3", "12.50", "org:a:wallet", "转让费", "a,b"])).toBe(
      '-2.50,+3,12.50,org:a:wallet,转让费,"a,b"',
    );
    expect(isFormulaCell("-2.50")).toBe(false);
    expect(isFormulaCell("-")).toBe(true);
  });

  it("parses quoted cells with commas, quotes and line breaks, and a BOM", () => {
    expect(parseCsv('\uFEFFa,"b,c","d""e"\r\n"f\ng",h')).toEqual([
      ["a", "b,c", 'd"e'],
      ["f\ng", "h"],
    ]);
  });
});
