import { inflateRawSync } from "node:zlib";

/**
 * What a file is, read from its bytes (magic numbers and, for Office files, the names inside the
 * ZIP), never from its name or the browser's Content-Type (ADR 0015).
 */
export const ATTACHMENT_TYPES = {
  pdf: { mime: "application/pdf", extensions: ["pdf"] },
  png: { mime: "image/png", extensions: ["png"] },
  jpeg: { mime: "image/jpeg", extensions: ["jpg", "jpeg"] },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: ["docx"] },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extensions: ["xlsx"] },
  pptx: { mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extensions: ["pptx"] },
  txt: { mime: "text/plain; charset=utf-8", extensions: ["txt", "md"] },
  csv: { mime: "text/csv; charset=utf-8", extensions: ["csv"] },
} as const;

export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

const startsWith = (bytes: Uint8Array, magic: number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is refused by checkArchive. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The entries of a ZIP file, from its central directory; null when it is not one. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is in the last 22 + 65,535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > bytes.length) return null;
    entries.push({
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The names of the entries of a ZIP file, from its central directory; null when it is not one. */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  return zipEntries(bytes)?.map((e) => e.name) ?? null;
}

/**
 * Limits for Office files (ZIP archives), against zip bombs: an Office document of a few MB has
 * tens to a few hundred entries and expands to a few tens of MB; the ratio limit is Apache POI's
 * (ZipSecureFile: an entry may not expand more than 100 times, small entries excepted).
 */
export const ARCHIVE_LIMITS = {
  maxEntries: 1_000,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxRatio: 100,
  /** Entries smaller than this may compress as well as they like (empty XML parts do). */
  ratioFreeBytes: 1024 * 1024,
};

export type ArchiveProblem = "tooManyEntries" | "tooLarge" | "corrupt";

/**
 * Whether a ZIP is safe to keep: at most maxEntries entries, no ZIP64, stored or deflated only,
 * declared sizes within the limits, and each entry really inflates to its declared size (a
 * central directory that understates its sizes is caught by inflating with a cap, never further).
 */
export function checkArchive(bytes: Uint8Array, entries: ZipEntry[], limits = ARCHIVE_LIMITS): ArchiveProblem | null {
  if (entries.length > limits.maxEntries) return "tooManyEntries";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const e of entries) {
    if (e.compressedSize === 0xffffffff || e.uncompressedSize === 0xffffffff) return "tooLarge"; // ZIP64
    total += e.uncompressedSize;
    if (total > limits.maxUncompressedBytes) return "tooLarge";
    if (e.uncompressedSize > limits.ratioFreeBytes && e.uncompressedSize > e.compressedSize * limits.maxRatio)
      return "tooLarge";
  }
  for (const e of entries) {
    const at = e.localHeaderOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) return "corrupt";
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const data = bytes.subarray(start, start + e.compressedSize);
    if (data.length !== e.compressedSize) return "corrupt";
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) return "corrupt";
      continue;
    }
    if (e.method !== 8) return "corrupt";
    let out: Buffer;
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
    } catch (error) {
      return error instanceof RangeError ? "tooLarge" : "corrupt";
    }
    if (out.length !== e.uncompressedSize) return "corrupt";
  }
  return null;
}

/** UTF-8 text without control characters other than tab, CR and LF (a leading BOM is fine). */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/**
 * The detected type, or null when the content is none of the accepted ones. Text is one class:
 * whether it is offered as CSV or plain text follows the name (both are served as text, nosniff).
 */
export function detectAttachmentType(bytes: Uint8Array, fileName: string): AttachmentType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  const entries = zipEntryNames(bytes);
  if (entries) {
    if (!entries.includes("[Content_Types].xml")) return null;
    if (entries.some((e) => e.startsWith("word/"))) return "docx";
    if (entries.some((e) => e.startsWith("xl/"))) return "xlsx";
    if (entries.some((e) => e.startsWith("ppt/"))) return "pptx";
    return null;
  }
  if (isPlainText(bytes)) return extensionOf(fileName) === "csv" ? "csv" : "txt";
  return null;
}

// What browsers sniff as HTML or XML at the start of a file (WHATWG MIME Sniffing, "identifying a
// resource with an unknown MIME type"), and markup that runs script wherever it is.
const MARKUP_START =
  /^\s*(<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a\b|<style|<title|<b\b|<body|<br|<p\b|<!--|<\?xml|<svg)/i;
const ACTIVE_MARKUP =
  /<\s*(script|iframe|object|embed|svg|html|body|meta|link|form|base|frame|frameset|style)\b|<[a-z][^>]*\son[a-z]+\s*=|javascript\s*:/i;

/**
 * Whether text offered as .txt/.md/.csv is really markup (HTML, SVG, XML, script): such a file
 * would run in a browser that sniffs it or that a recipient opens after saving, so it is refused.
 */
export function looksLikeMarkup(bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  return MARKUP_START.test(text) || ACTIVE_MARKUP.test(text);
}

export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return match ? match[1]!.toLowerCase() : "";
}

/**
 * A file name safe to store and to send back in Content-Disposition: no directories, no control
 * or reserved characters, at most 120 characters (the extension kept).
 */
export function sanitizeFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? "";
  let clean = base.normalize("NFC").replace(/[\u0000-\u001f\u007f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, "_");
  clean = clean.replace(/\s+/g, " ").trim().replace(/^\.+/, "");
  if (clean.length > 120) {
    const ext = extensionOf(clean);
    clean = ext ? `${clean.slice(0, 119 - ext.length)}.${ext}` : clean.slice(0, 120);
  }
  return clean || "file";
}
