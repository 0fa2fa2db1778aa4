/**
 * A small allow-list sanitizer for the problem statement's rich text (docs/decisions/0008).
 * Kept: the tags below, without any attribute (so no links, styles, event handlers or URLs can
 * survive). Dropped: every other tag (its text stays), comments, and the whole content of script,
 * style, iframe, object, template, textarea and noscript. Text is escaped; unbalanced tags are
 * closed or ignored, so the output is always well-formed.
 */
const ALLOWED = new Set([
  "p",
  "br",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "ul",
  "ol",
  "li",
  "h3",
  "h4",
  "blockquote",
  "pre",
  "code",
  "sub",
  "sup",
]);
const VOID = new Set(["br"]);
const DROP_CONTENT = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "template",
  "textarea",
  "noscript",
  "svg",
  "math",
  "title",
  "head",
]);

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ENTITY = /^&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/;

function escapeText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "&") out += ENTITY.test(text.slice(i, i + 40)) ? "&" : "&amp;";
    else if (c === "<") out += "&lt;";
    else if (c === ">") out += "&gt;";
    else if (c === '"') out += "&quot;";
    else out += c;
  }
  return out;
}

export function sanitizeRichText(input: string): string {
  const source = String(input ?? "").replace(/\u0000/g, "");
  const stack: string[] = [];
  let out = "";
  let last = 0;
  let dropping: string | null = null;
  for (const match of source.matchAll(TOKEN)) {
    const index = match.index;
    if (!dropping) out += escapeText(source.slice(last, index));
    last = index + match[0].length;
    if (match[0].startsWith("<!--")) continue;
    const closing = match[1] === "/";
    const tag = match[2]!.toLowerCase();
    if (dropping) {
      if (closing && tag === dropping) dropping = null;
      continue;
    }
    if (DROP_CONTENT.has(tag)) {
      if (!closing && !match[0].endsWith("/>")) dropping = tag;
      continue;
    }
    if (!ALLOWED.has(tag)) continue;
    if (VOID.has(tag)) {
      if (!closing) out += `<${tag}>`;
      continue;
    }
    if (!closing) {
      stack.push(tag);
      out += `<${tag}>`;
    } else if (stack.includes(tag)) {
      while (stack.length) {
        const open = stack.pop()!;
        out += `</${open}>`;
        if (open === tag) break;
      }
    }
  }
  if (!dropping) out += escapeText(source.slice(last));
  while (stack.length) out += `</${stack.pop()}>`;
  return out.trim();
}

/** The text of sanitized rich text, for excerpts and search (tags become spaces, entities stay decoded minimal). */
export function richTextToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}
