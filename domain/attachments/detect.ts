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

/** The names of the entries of a ZIP file, from its central directory; null when it is not one. */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
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
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > bytes.length) return null;
    names.push(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
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
