import { deflateRawSync } from "node:zlib";

/** Small real files of each accepted type, built in memory, for attachment tests. */
export function zipOf(entries: Record<string, string>): Uint8Array {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = deflateRawSync(Buffer.from(text));
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(Buffer.byteLength(text), 22);
    header.writeUInt16LE(nameBytes.length, 26);
    local.push(header, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(Buffer.byteLength(text), 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...local, centralBytes, end]));
}

export const SAMPLE_FILES = {
  pdf: new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")),
  png: new Uint8Array(
    Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    ),
  ),
  jpeg: new Uint8Array(Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex")),
  docx: zipOf({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" }),
  xlsx: zipOf({ "[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>" }),
  pptx: zipOf({ "[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>" }),
  plainZip: zipOf({ "readme.txt": "just a zip" }),
  text: new Uint8Array(Buffer.from("技术指标：循环寿命 ≥ 2000 次\n")),
  csv: new Uint8Array(Buffer.from("指标,目标\n循环寿命,2000\n")),
  exe: new Uint8Array(Buffer.from("4d5a90000300000004000000ffff0000", "hex")),
  html: new Uint8Array(Buffer.from("<html><script>alert(1)</script>\u0000")),
};
