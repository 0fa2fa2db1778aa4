import { AppError } from "#domain/errors.ts";

/**
 * The part of Meilisearch's filter syntax the embedded engine understands:
 * `attr = v`, `!=`, `>`, `>=`, `<`, `<=`, `attr IN [a, b]`, `attr NOT IN [...]`, `AND`, `OR`,
 * `NOT`, parentheses; values bare or quoted. Like Meilisearch, string comparison ignores case and
 * an array attribute matches when any element does.
 */
export type FilterPredicate = (document: Record<string, unknown>) => boolean;

type Token = { kind: "word" | "string" | "punct"; text: string };

export function parseFilter(filter: string | undefined, filterable: readonly string[]): FilterPredicate {
  if (!filter || filter.trim() === "") return () => true;
  const tokens = tokenize(filter);
  let position = 0;
  const fail = (why: string): never => {
    throw new AppError("bad_request", "errors.searchFilterInvalid", { params: { filter, reason: why } });
  };
  const peek = () => tokens[position];
  const isKeyword = (token: Token | undefined, keyword: string) =>
    token?.kind === "word" && token.text.toUpperCase() === keyword;
  const expectPunct = (text: string) => {
    const token = tokens[position++];
    if (token?.kind !== "punct" || token.text !== text) fail(`expected ${text}`);
  };
  const value = (): string => {
    const token = tokens[position++];
    if (!token || token.kind === "punct") return fail("expected a value");
    return token.text;
  };

  const parseOr = (): FilterPredicate => {
    const parts = [parseAnd()];
    while (isKeyword(peek(), "OR")) {
      position++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (doc) => parts.some((p) => p(doc));
  };
  const parseAnd = (): FilterPredicate => {
    const parts = [parseUnary()];
    while (isKeyword(peek(), "AND")) {
      position++;
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0]! : (doc) => parts.every((p) => p(doc));
  };
  const parseUnary = (): FilterPredicate => {
    const token = peek();
    if (isKeyword(token, "NOT")) {
      position++;
      const inner = parseUnary();
      return (doc) => !inner(doc);
    }
    if (token?.kind === "punct" && token.text === "(") {
      position++;
      const inner = parseOr();
      expectPunct(")");
      return inner;
    }
    return parseCondition();
  };
  const parseCondition = (): FilterPredicate => {
    const attributeToken = tokens[position++];
    if (!attributeToken || attributeToken.kind === "punct") return fail("expected an attribute");
    const attribute = attributeToken.text;
    if (!filterable.includes(attribute)) fail(`${attribute} is not filterable`);
    const next = tokens[position++];
    if (!next) return fail("expected an operator");
    let negate = false;
    let operator = next.text;
    if (next.kind === "word" && next.text.toUpperCase() === "NOT" && isKeyword(peek(), "IN")) {
      position++;
      negate = true;
      operator = "IN";
    }
    if (next.kind === "word" && operator.toUpperCase() === "IN") {
      expectPunct("[");
      const values: string[] = [];
      while (!(peek()?.kind === "punct" && peek()?.text === "]")) {
        values.push(value());
        if (peek()?.kind === "punct" && peek()?.text === ",") position++;
        else break;
      }
      expectPunct("]");
      const test = (doc: Record<string, unknown>) =>
        values.some((v) => anyValue(doc[attribute], (d) => compare(d, v) === 0));
      return negate ? (doc) => !test(doc) : test;
    }
    if (next.kind !== "punct" || !["=", "!=", ">", ">=", "<", "<="].includes(operator))
      return fail(`unknown operator ${next.text}`);
    const operand = value();
    switch (operator) {
      case "=":
        return (doc) => anyValue(doc[attribute], (d) => compare(d, operand) === 0);
      case "!=":
        return (doc) => !anyValue(doc[attribute], (d) => compare(d, operand) === 0);
      case ">":
        return (doc) => anyValue(doc[attribute], (d) => (compare(d, operand) ?? 0) > 0 && isNumeric(d, operand));
      case ">=":
        return (doc) => anyValue(doc[attribute], (d) => (compare(d, operand) ?? -1) >= 0 && isNumeric(d, operand));
      case "<":
        return (doc) => anyValue(doc[attribute], (d) => (compare(d, operand) ?? 0) < 0 && isNumeric(d, operand));
      default:
        return (doc) => anyValue(doc[attribute], (d) => (compare(d, operand) ?? 1) <= 0 && isNumeric(d, operand));
    }
  };

  const predicate = parseOr();
  if (position < tokens.length) fail(`unexpected ${tokens[position]!.text}`);
  return predicate;
}

function anyValue(value: unknown, test: (v: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : value !== undefined && value !== null && test(value);
}

function isNumeric(documentValue: unknown, operand: string): boolean {
  return toNumber(documentValue) !== undefined && toNumber(operand) !== undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** 0 when equal; numbers compare as numbers, everything else as case-insensitive strings. */
function compare(documentValue: unknown, operand: string): number | undefined {
  const a = toNumber(documentValue);
  const b = toNumber(operand);
  if (a !== undefined && b !== undefined) return a === b ? 0 : a < b ? -1 : 1;
  const left = String(documentValue).toLowerCase();
  const right = operand.toLowerCase();
  return left === right ? 0 : left < right ? -1 : 1;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < filter.length && filter[i] !== c) {
        if (filter[i] === "\\" && i + 1 < filter.length) i++;
        text += filter[i];
        i++;
      }
      if (i >= filter.length)
        throw new AppError("bad_request", "errors.searchFilterInvalid", {
          params: { filter, reason: "unclosed quote" },
        });
      i++;
      tokens.push({ kind: "string", text });
    } else if (filter.startsWith(">=", i) || filter.startsWith("<=", i) || filter.startsWith("!=", i)) {
      tokens.push({ kind: "punct", text: filter.slice(i, i + 2) });
      i += 2;
    } else if ("()[],=<>".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i++;
    } else {
      let text = "";
      while (i < filter.length && !/[\s()[\],=<>!"']/.test(filter[i]!)) text += filter[i++];
      if (text === "")
        throw new AppError("bad_request", "errors.searchFilterInvalid", {
          params: { filter, reason: `unexpected ${c}` },
        });
      tokens.push({ kind: "word", text });
    }
  }
  return tokens;
}
