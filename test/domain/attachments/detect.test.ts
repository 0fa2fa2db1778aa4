import { describe, expect, it } from "vitest";
import { inspectUpload } from "#domain/attachments/attachments.ts";
import { detectAttachmentType, sanitizeFileName, zipEntryNames } from "#domain/attachments/detect.ts";
import { isAppError } from "#domain/errors.ts";
import { SAMPLE_FILES } from "#tests/support/files.ts";

function refusalOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return { key: error.messageKey, params: error.params, fields: error.fieldErrors };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("file types by content", () => {
  it.each([
    ["pdf", "a.pdf"],
    ["png", "a.png"],
    ["jpeg", "a.jpg"],
    ["docx", "a.docx"],
    ["xlsx", "a.xlsx"],
    ["pptx", "a.pptx"],
  ] as const)("detects %s", (type, name) => {
    expect(detectAttachmentType(SAMPLE_FILES[type], name)).toBe(type);
  });

  it("tells CSV from plain text by name only once the content is text", () => {
    expect(detectAttachmentType(SAMPLE_FILES.csv, "指标.csv")).toBe("csv");
    expect(detectAttachmentType(SAMPLE_FILES.text, "说明.txt")).toBe("txt");
    expect(detectAttachmentType(SAMPLE_FILES.exe, "table.csv")).toBeNull();
  });

  it("refuses executables, HTML with control bytes, and ZIPs that are not Office documents", () => {
    expect(detectAttachmentType(SAMPLE_FILES.exe, "setup.pdf")).toBeNull();
    expect(detectAttachmentType(SAMPLE_FILES.html, "page.txt")).toBeNull();
    expect(detectAttachmentType(SAMPLE_FILES.plainZip, "a.docx")).toBeNull();
    expect(zipEntryNames(SAMPLE_FILES.docx)).toEqual(["[Content_Types].xml", "word/document.xml"]);
    expect(zipEntryNames(SAMPLE_FILES.pdf)).toBeNull();
  });

  it("sanitizes names: no directories, control or reserved characters, bounded length", () => {
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFileName("C:\\Users\\张三\\方案.pdf")).toBe("方案.pdf");
    expect(sanitizeFileName('a"b<c>\u0007.pdf')).toBe("a_b_c__.pdf");
    expect(sanitizeFileName("evil\u202egpj.pdf")).toBe("evil_gpj.pdf");
    expect(sanitizeFileName("...")).toBe("file");
    const long = sanitizeFileName(`${"长".repeat(300)}.pdf`);
    expect(long.length).toBe(120);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});

describe("inspectUpload", () => {
  it("accepts a PDF and computes its size and sha256", () => {
    const f = inspectUpload({ name: "方案.pdf", bytes: SAMPLE_FILES.pdf }, 1024 * 1024);
    expect(f).toMatchObject({ name: "方案.pdf", type: "pdf", size: SAMPLE_FILES.pdf.byteLength });
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a PNG renamed to .pdf, an unknown type, an empty and an oversized file, with the field and name", () => {
    expect(refusalOf(() => inspectUpload({ name: "scan.pdf", bytes: SAMPLE_FILES.png }, 1024))).toEqual({
      key: "errors.attachment.mismatch",
      params: { name: "scan.pdf", type: "png" },
      fields: { attachments: "errors.attachment.mismatch" },
    });
    expect(refusalOf(() => inspectUpload({ name: "setup.exe", bytes: SAMPLE_FILES.exe }, 1024)).key).toBe(
      "errors.attachment.unsupported",
    );
    expect(refusalOf(() => inspectUpload({ name: "a.pdf", bytes: new Uint8Array() }, 1024)).key).toBe(
      "errors.attachment.empty",
    );
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(SAMPLE_FILES.pdf);
    expect(refusalOf(() => inspectUpload({ name: "a.pdf", bytes: big }, 2 * 1024 * 1024))).toMatchObject({
      key: "errors.attachment.tooLarge",
      params: { name: "a.pdf", max: 2 },
    });
  });
});
