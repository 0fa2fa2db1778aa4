/**
 * CSV both ways (RFC 4180). Exports neutralise spreadsheet formulas (CSV injection, OWASP): a
 * cell that starts with = + - @ tab or CR is prefixed with ' so Excel, WPS and LibreOffice show
 * it as text instead of running it — except a plain decimal number such as "-12.34", which no
 * spreadsheet reads as a formula and which must stay a number (ADR 0024).
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** Whether a spreadsheet could read this cell as a formula. */
export function isFormulaCell(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}

/** One exported cell: formulas neutralised, then quoted where needed. */
export function csvField(value: string): string {
  const safe = isFormulaCell(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One exported row (without the line break). */
export function csvRow(values: readonly string[]): string {
  return values.map(csvField).join(",");
}

/** The cells of a CSV text, row by row (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      if (ch === "\r") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
