/**
 * The engines return highlighted text as escaped HTML with <mark> around matches. Before it goes
 * into the page it is rebuilt here: the text between mark tags is decoded and escaped again, so
 * only <mark> and </mark> survive, balanced, whatever the engine (or a document) sent.
 */
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Piece {
  text: string;
  marked: boolean;
}

function pieces(html: string): Piece[] {
  const out: Piece[] = [];
  let marked = false;
  for (const part of html.split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(part)) marked = true;
    else if (/^<\/mark>$/i.test(part)) marked = false;
    else if (part) out.push({ text: decode(part), marked });
  }
  return out;
}

/**
 * Safe HTML with only <mark> tags. With `crop`, keeps about that many characters around the
 * first match (with … at the cut ends), for snippets of long texts.
 */
export function safeHighlight(html: string, crop?: number): string {
  let list = pieces(html);
  if (crop !== undefined) {
    const total = list.reduce((n, p) => n + p.text.length, 0);
    if (total > crop) {
      let before = 0;
      for (const p of list) {
        if (p.marked) break;
        before += p.text.length;
      }
      const start = Math.max(0, Math.min(before - Math.floor(crop / 4), total - crop));
      const end = start + crop;
      const cropped: Piece[] = [];
      let at = 0;
      for (const p of list) {
        const from = Math.max(start, at);
        const to = Math.min(end, at + p.text.length);
        if (to > from) cropped.push({ text: p.text.slice(from - at, to - at), marked: p.marked });
        at += p.text.length;
      }
      if (start > 0) cropped.unshift({ text: "…", marked: false });
      if (end < total) cropped.push({ text: "…", marked: false });
      list = cropped;
    }
  }
  return list.map((p) => (p.marked ? `<mark>${escape(p.text)}</mark>` : escape(p.text))).join("");
}
