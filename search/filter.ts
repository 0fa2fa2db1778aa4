import { AppError } from "#domain/errors.ts";

/**
 * Meilisearch's filter syntax, parsed into a tree the embedded engine evaluates over its facet
 * bitsets: `attr = v`, `!=`, `>`, `>=`, `<`, `<=`, `attr a TO b`, `attr IN [a, b]`, `attr NOT IN
 * [...]`, `attr EXISTS`, `attr NOT EXISTS`, `AND`, `OR`, `NOT`, parentheses; values bare or quoted.
 * As in Meilisearch, string equality ignores case, comparisons are numeric, `!=` and `NOT` also
 * select documents without the attribute, and an array attribute matches when any element does.
 * A malformed filter is the user's to correct: AppError bad_request "errors.searchFilterInvalid".
 */
export type FilterNode =
  | { kind: "and" | "or"; children: FilterNode[] }
  | { kind: "not"; child: FilterNode }
  | { kind: "equals"; attribute: string; values: string[] }
  | { kind: "range"; attribute: string; min: number; minInclusive: boolean; max: number; maxInclusive: boolean }
  | { kind: "exists"; attribute: string };

type Token = { kind: "word" | "string" | "punct"; text: string };

export function parseFilter(filter: string | undefined, filterable: readonly string[]): FilterNode | undefined {
  if (!filter || filter.trim() === "") return undefined;
  const fail = (reason: string): never => {
    throw new AppError("bad_request", "errors.searchFilterInvalid", { params: { filter, reason } });
  };
  const tokens = tokenize(filter, fail);
  let position = 0;
  const peek = (offset = 0) => tokens[position + offset];
  const isKeyword = (token: Token | undefined, keyword: string) =>
    token?.kind === "word" && token.text.toUpperCase() === keyword;
  const isPunct = (token: Token | undefined, text: string) => token?.kind === "punct" && token.text === text;
  const expectPunct = (text: string) => {
    if (!isPunct(tokens[position++], text)) fail(`expected ${text}`);
  };
  const value = (): string => {
    const token = tokens[position++];
    if (!token || token.kind === "punct") return fail("expected a value");
    return token.text;
  };
  const number = (): number => {
    const text = value();
    const parsed = toNumber(text);
    return parsed ?? fail(`${text} is not a number`);
  };

  const parseOr = (): FilterNode => {
    const children = [parseAnd()];
    while (isKeyword(peek(), "OR")) {
      position++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: "or", children };
  };
  const parseAnd = (): FilterNode => {
    const children = [parseUnary()];
    while (isKeyword(peek(), "AND")) {
      position++;
      children.push(parseUnary());
    }
    return children.length === 1 ? children[0]! : { kind: "and", children };
  };
  const parseUnary = (): FilterNode => {
    const token = peek();
    if (isKeyword(token, "NOT")) {
      position++;
      return { kind: "not", child: parseUnary() };
    }
    if (isPunct(token, "(")) {
      position++;
      const inner = parseOr();
      expectPunct(")");
      return inner;
    }
    return parseCondition();
  };
  const parseCondition = (): FilterNode => {
    const attributeToken = tokens[position++];
    if (!attributeToken || attributeToken.kind === "punct") return fail("expected an attribute");
    const attribute = attributeToken.text;
    if (!filterable.includes(attribute)) fail(`${attribute} is not filterable`);
    let negate = false;
    if (isKeyword(peek(), "NOT") && (isKeyword(peek(1), "IN") || isKeyword(peek(1), "EXISTS"))) {
      position++;
      negate = true;
    }
    const wrap = (node: FilterNode): FilterNode => (negate ? { kind: "not", child: node } : node);
    const next = tokens[position++];
    if (!next) return fail("expected an operator");
    if (isKeyword(next, "EXISTS")) return wrap({ kind: "exists", attribute });
    if (isKeyword(next, "IN")) {
      expectPunct("[");
      const values: string[] = [];
      while (!isPunct(peek(), "]")) {
        values.push(value());
        if (isPunct(peek(), ",")) position++;
        else break;
      }
      expectPunct("]");
      return wrap({ kind: "equals", attribute, values });
    }
    if (next.kind !== "punct") {
      // `attr 10 TO 20`: the operand came first.
      if (isKeyword(peek(), "TO")) {
        const min = toNumber(next.text) ?? fail(`${next.text} is not a number`);
        position++;
        const max = number();
        return { kind: "range", attribute, min, minInclusive: true, max, maxInclusive: true };
      }
      return fail(`unknown operator ${next.text}`);
    }
    switch (next.text) {
      case "=":
        return { kind: "equals", attribute, values: [value()] };
      case "!=":
        return { kind: "not", child: { kind: "equals", attribute, values: [value()] } };
      case ">":
        return { kind: "range", attribute, min: number(), minInclusive: false, max: Infinity, maxInclusive: true };
      case ">=":
        return { kind: "range", attribute, min: number(), minInclusive: true, max: Infinity, maxInclusive: true };
      case "<":
        return { kind: "range", attribute, min: -Infinity, minInclusive: true, max: number(), maxInclusive: false };
      case "<=":
        return { kind: "range", attribute, min: -Infinity, minInclusive: true, max: number(), maxInclusive: true };
      default:
        return fail(`unknown operator ${next.text}`);
    }
  };

  const tree = parseOr();
  if (position < tokens.length) fail(`unexpected ${tokens[position]!.text}`);
  return tree;
}

/** The filter as a plain predicate over one document: the reference the engine's bitsets are tested against. */
export function filterPredicate(node: FilterNode | undefined): (document: Record<string, unknown>) => boolean {
  if (!node) return () => true;
  switch (node.kind) {
    case "and": {
      const parts = node.children.map(filterPredicate);
      return (doc) => parts.every((p) => p(doc));
    }
    case "or": {
      const parts = node.children.map(filterPredicate);
      return (doc) => parts.some((p) => p(doc));
    }
    case "not": {
      const inner = filterPredicate(node.child);
      return (doc) => !inner(doc);
    }
    case "exists":
      return (doc) => doc[node.attribute] !== undefined;
    case "equals": {
      const wanted = new Set(node.values.map(facetKey));
      return (doc) => scalarValues(doc[node.attribute]).some((v) => wanted.has(facetKey(v)));
    }
    case "range":
      return (doc) =>
        scalarValues(doc[node.attribute]).some((v) => {
          const n = toNumber(v);
          return n !== undefined && inRange(node, n);
        });
  }
}

export function inRange(node: Extract<FilterNode, { kind: "range" }>, n: number): boolean {
  return (node.minInclusive ? n >= node.min : n > node.min) && (node.maxInclusive ? n <= node.max : n < node.max);
}

/** The values an attribute contributes to filters and facets: array elements, or the value itself. */
export function scalarValues(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null && typeof v !== "object");
  return typeof value === "object" && !(value instanceof Date) ? [] : [value];
}

/** Equality key: numbers by their numeric value (1 = 1.0), strings lower-cased, booleans as "true"/"false". */
export function facetKey(value: unknown): string {
  const n = typeof value === "string" ? undefined : toNumber(value);
  if (n !== undefined) return String(n);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return String(Number(value));
  return String(value).toLowerCase();
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

function tokenize(filter: string, fail: (reason: string) => never): Token[] {
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
      if (i >= filter.length) fail("unclosed quote");
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
      if (text === "") fail(`unexpected ${c}`);
      tokens.push({ kind: "word", text });
    }
  }
  return tokens;
}
