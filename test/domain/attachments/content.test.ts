import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inspectUpload } from "#domain/attachments/attachments.ts";
import { ARCHIVE_LIMITS, checkArchive, looksLikeMarkup, zipEntries } from "#domain/attachments/detect.ts";
import { isAppError } from "#domain/errors.ts";
import { SAMPLE_FILES, zipOf } from "#tests/support/files.ts";

/** ADR 0024: what an accepted file may hold — zip bombs, markup posing as text, CSV formulas. */

const MB = 1024 * 1024;

function refusalOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey, params: error.params };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Rewrites the declared uncompressed size of every entry (central directory and local headers). */
function declareSize(zip: Uint8Array, size: (name: string, actual: number) => number): Uint8Array {
  const bytes = new Uint8Array(zip);
  const view = new DataView(bytes.buffer);
  const entries = zipEntries(bytes)!;
  let i = 0;
  for (let at = 0; at + 46 <= bytes.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const e = entries[i++]!;
    const declared = size(e.name, e.uncompressedSize);
    view.setUint32(at + 24, declared, true);
    view.setUint32(e.localHeaderOffset + 22, declared, true);
  }
  return bytes;
}

const docx = (document: string, extra: Record<string, string> = {}) =>
  zipOf({ "[Content_Types].xml": "<Types/>", "word/document.xml": document, ...extra });

describe("Office files (ZIP) within limits", () => {
  it("keeps a real document", () => {
    expect(inspectUpload({ name: "方案.docx", bytes: SAMPLE_FILES.docx }, 10 * MB).type).toBe("docx");
    const text = `<w:document>${"<w:p>高镍正极材料</w:p>".repeat(20_000)}</w:document>`;
    expect(inspectUpload({ name: "长文档.docx", bytes: docx(text) }, 10 * MB).type).toBe("docx");
  });

  it("refuses a zip bomb named .docx: an entry that expands more than 100 times", () => {
    const bomb = docx("0".repeat(20 * MB)); // ~20 KB on the wire
    expect(bomb.byteLength).toBeLessThan(100_000);
    expect(refusalOf(() => inspectUpload({ name: "报告.docx", bytes: bomb }, 10 * MB))).toEqual({
      code: "bad_request",
      key: "errors.attachment.archiveTooLarge",
      params: { name: "报告.docx", max: 100 },
    });
  });

  it("refuses one whose central directory understates the sizes (caught while inflating, with a cap)", () => {
    const lying = declareSize(docx("0".repeat(2 * MB)), (name, actual) =>
      name === "word/document.xml" ? 4096 : actual,
    );
    expect(zipEntries(lying)!.find((e) => e.name === "word/document.xml")!.uncompressedSize).toBe(4096);
    expect(checkArchive(lying, zipEntries(lying)!)).toBe("tooLarge");
    expect(refusalOf(() => inspectUpload({ name: "a.docx", bytes: lying }, 10 * MB)).key).toBe(
      "errors.attachment.archiveTooLarge",
    );
  });

  it("refuses one that declares more than 100 MB in total, and ZIP64 sizes", () => {
    const huge = declareSize(docx("<w:document/>"), (name, actual) =>
      name === "word/document.xml" ? 101 * MB : actual,
    );
    expect(checkArchive(huge, zipEntries(huge)!)).toBe("tooLarge");
    const zip64 = declareSize(docx("<w:document/>"), () => 0xffffffff);
    expect(checkArchive(zip64, zipEntries(zip64)!)).toBe("tooLarge");
  });

  it("refuses more than 1,000 entries", () => {
    const parts: Record<string, string> = {};
    for (let i = 0; i <= ARCHIVE_LIMITS.maxEntries; i++) parts[`word/media/p${i}.xml`] = "<p/>";
    expect(refusalOf(() => inspectUpload({ name: "many.docx", bytes: docx("<w:document/>", parts) }, 10 * MB))).toEqual(
      { code: "bad_request", key: "errors.attachment.archiveTooManyEntries", params: { name: "many.docx", max: 1000 } },
    );
  });

  it("refuses an entry whose data is not what the directory says (corrupt)", () => {
    const good = docx("<w:document/>");
    const bytes = new Uint8Array(good);
    const e = zipEntries(bytes)!.find((x) => x.name === "word/document.xml")!;
    const view = new DataView(bytes.buffer);
    const start = e.localHeaderOffset + 30 + view.getUint16(e.localHeaderOffset + 26, true);
    bytes.set(deflateRawSync(Buffer.from("<w:documentX/>")).subarray(0, e.compressedSize), start);
    expect(checkArchive(bytes, zipEntries(bytes)!)).not.toBeNull();
  });
});

describe("text that is really markup", () => {
  it.each([
    ["<!DOCTYPE html><html><body>hi</body></html>"],
    ["  <html><script>alert(1)</script></html>"],
    ["\uFEFF<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"],
    ["说明\n<script>fetch('/admin')</script>\n"],
    ['技术路线见 <img src=x onerror="alert(1)">'],
    ["<?xml version='1.0'?><x/>"],
    ["点击 javascript:alert(1)"],
  ])("refuses %j named .txt", (text) => {
    const bytes = new Uint8Array(Buffer.from(text));
    expect(looksLikeMarkup(bytes)).toBe(true);
    expect(refusalOf(() => inspectUpload({ name: "说明.txt", bytes }, MB)).key).toBe("errors.attachment.markup");
  });

  it("keeps ordinary text, comparisons and Markdown included", () => {
    for (const text of ["技术指标：循环寿命 ≥ 2000 次\n", "温度 < 45 ℃ 且 压力 > 2 MPa\n", "# 标题\n\n- 要点 a<b\n"]) {
      const bytes = new Uint8Array(Buffer.from(text));
      expect(looksLikeMarkup(bytes), text).toBe(false);
      expect(inspectUpload({ name: "a.md", bytes }, MB).type).toBe("txt");
    }
  });
});

describe("CSV with formulas", () => {
  it.each([
    ['名称,金额\n"=HYPERLINK(""http://evil.example"",""点我"")",1\n', 2],
    ["名称,金额\n合计,1\n@SUM(A1:A2),2\n", 3],
    ["a,b\n+cmd|' /C calc'!A0,1\n", 2],
    ["a,b\n-2+3+cmd|' /C calc'!A0,1\n", 2],
    ["a,b\n\t=1+1,1\n", 2],
  ])("refuses %j", (text, row) => {
    const bytes = new Uint8Array(Buffer.from(text));
    expect(refusalOf(() => inspectUpload({ name: "表.csv", bytes }, MB))).toEqual({
      code: "bad_request",
      key: "errors.attachment.csvFormula",
      params: { name: "表.csv", row },
    });
  });

  it("keeps numbers with a sign and ordinary cells", () => {
    const bytes = new Uint8Array(Buffer.from("指标,变化\n温度,-12.5\n产量,+3\n备注,“=”号不在开头\n"));
    expect(inspectUpload({ name: "表.csv", bytes }, MB).type).toBe("csv");
  });
});
