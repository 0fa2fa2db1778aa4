import type { AppLoadContext } from "@remix-run/node";
import { isAppError } from "#domain/errors.ts";
import { AMOUNT_BUCKETS_YUAN, searchKinds, type SearchKind, type SearchSortChoice } from "#search/catalog.ts";
import { MAX_TOTAL_HITS, type SearchEngine, type SearchResult } from "#search/engine.ts";
import { indexDefinition } from "#search/indexes/index.ts";
import { parseMoney } from "../domain.server.ts";

/**
 * The search page's state lives in the URL (shareable, works without JavaScript): `q`, `kind`,
 * one repeated parameter per facet, `amount` (a range bucket), `min`/`max` (yuan), `sort`, `page`.
 * Anything wrong in it becomes a message on the page and is left out of the query; never a 500.
 */
export const SEARCH_PAGE_SIZE = 20;
const MAX_Q = 200;
const MAX_VALUES = 20;
const MAX_VALUE_LENGTH = 100;

export interface SearchMessage {
  key: string;
  params?: Record<string, string | number>;
}

export interface SearchState {
  q: string;
  kind: string;
  facets: Record<string, string[]>;
  amount: string;
  min: string;
  max: string;
  sort: SearchSortChoice;
  page: number;
}

/** The kinds whose index exists: offers only once issue 5's index definition is registered. */
export function availableKinds(): SearchKind[] {
  return searchKinds.filter((k) => indexDefinition(k.index));
}

function yuanToFen(text: string, field: string, messages: SearchMessage[]): number | undefined {
  if (!text.trim()) return undefined;
  try {
    return Number(parseMoney(text));
  } catch (error) {
    if (isAppError(error)) {
      messages.push({ key: "search.error.amount", params: { field, value: text.slice(0, 40) } });
      return undefined;
    }
    throw error;
  }
}

export function quoteFilterValue(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

export interface ParsedSearch {
  state: SearchState;
  kind: SearchKind;
  filter: string | undefined;
  /** The filter without the amount clauses (for the amount buckets' counts). */
  filterWithoutAmount: string | undefined;
  sort: string[];
  messages: SearchMessage[];
}

export function parseSearchParams(
  params: URLSearchParams,
  kinds: readonly SearchKind[] = availableKinds(),
): ParsedSearch {
  const messages: SearchMessage[] = [];
  let q = (params.get("q") ?? "").normalize("NFKC").trim();
  if (q.length > MAX_Q) {
    q = q.slice(0, MAX_Q);
    messages.push({ key: "search.error.queryTooLong", params: { max: MAX_Q } });
  }
  const requestedKind = params.get("kind") ?? "";
  let kind = kinds.find((k) => k.kind === requestedKind);
  if (!kind) {
    if (requestedKind) messages.push({ key: "search.error.kind", params: { kind: requestedKind.slice(0, 40) } });
    kind = kinds[0]!;
  }

  const facets: Record<string, string[]> = {};
  const clauses: string[] = [];
  for (const facet of kind.facets) {
    const all = params
      .getAll(facet.param)
      .map((v) => v.trim())
      .filter(Boolean);
    const values = [...new Set(all.filter((v) => v.length <= MAX_VALUE_LENGTH))].slice(0, MAX_VALUES);
    if (values.length < all.length) messages.push({ key: "search.error.facetValue", params: { facet: facet.param } });
    if (values.length === 0) continue;
    facets[facet.param] = values;
    clauses.push(`${facet.attribute} IN [${values.map(quoteFilterValue).join(", ")}]`);
  }
  // Parameters of another kind's facets are not an error: tabs keep q and drop the rest.

  const facetClauses = clauses.length;
  let amount = "";
  let min = "";
  let max = "";
  if (kind.amountAttribute) {
    const attribute = kind.amountAttribute;
    amount = params.get("amount") ?? "";
    if (amount) {
      const bucket = AMOUNT_BUCKETS_YUAN.find(([a, b]) => bucketParam(a, b) === amount);
      if (bucket) clauses.push(bucketFilter(attribute, bucket));
      else {
        messages.push({ key: "search.error.amountBucket", params: { value: amount.slice(0, 40) } });
        amount = "";
      }
    }
    min = (params.get("min") ?? "").slice(0, 40);
    max = (params.get("max") ?? "").slice(0, 40);
    const minFen = yuanToFen(min, "min", messages);
    const maxFen = yuanToFen(max, "max", messages);
    if (minFen !== undefined && maxFen !== undefined && minFen > maxFen) {
      messages.push({ key: "search.error.amountOrder" });
    } else {
      if (minFen !== undefined) clauses.push(`${attribute} >= ${minFen}`);
      if (maxFen !== undefined) clauses.push(`${attribute} <= ${maxFen}`);
    }
  }

  const requestedSort = params.get("sort") ?? "";
  let sort: SearchSortChoice = "relevance";
  if (requestedSort && requestedSort !== "relevance") {
    // Own keys only: "__proto__" and "constructor" are `in` every object.
    if (Object.hasOwn(kind.sorts, requestedSort)) sort = requestedSort as SearchSortChoice;
    else messages.push({ key: "search.error.sort", params: { sort: requestedSort.slice(0, 40) } });
  }

  const pageText = params.get("page") ?? "1";
  let page = /^\d{1,4}$/.test(pageText) ? Number(pageText) : NaN;
  const lastPage = Math.ceil(MAX_TOTAL_HITS / SEARCH_PAGE_SIZE);
  if (!(page >= 1 && page <= lastPage)) {
    messages.push({ key: "search.error.page", params: { max: lastPage } });
    page = 1;
  }

  return {
    state: { q, kind: kind.kind, facets, amount, min, max, sort, page },
    kind,
    filter: clauses.length ? clauses.join(" AND ") : undefined,
    filterWithoutAmount: facetClauses ? clauses.slice(0, facetClauses).join(" AND ") : undefined,
    sort: sort === "relevance" ? [] : [kind.sorts[sort]!],
    messages,
  };
}

export function bucketParam(from: number, to: number | null): string {
  return `${from}-${to ?? ""}`;
}

function bucketFilter(attribute: string, [from, to]: readonly [number, number | null]): string {
  return to === null ? `${attribute} >= ${from * 100}` : `${attribute} >= ${from * 100} AND ${attribute} < ${to * 100}`;
}

/** The state as a query string (for links: tabs, pages, facets), leaving out defaults. */
export function searchHref(state: SearchState, change: Partial<SearchState> = {}): string {
  const s = { ...state, ...change };
  const params = new URLSearchParams();
  if (s.q) params.set("q", s.q);
  params.set("kind", s.kind);
  for (const [param, values] of Object.entries(s.facets)) for (const v of values) params.append(param, v);
  if (s.amount) params.set("amount", s.amount);
  if (s.min) params.set("min", s.min);
  if (s.max) params.set("max", s.max);
  if (s.sort !== "relevance") params.set("sort", s.sort);
  if (s.page > 1) params.set("page", String(s.page));
  return `/search?${params.toString()}`;
}

export interface SearchPageResult {
  result: SearchResult | null;
  /** Kind → number of hits for q alone (the tabs). */
  counts: Record<string, number>;
  /** Amount bucket param → count within the other filters. */
  buckets: { param: string; from: number; to: number | null; count: number }[];
  messages: SearchMessage[];
}

function engineMessage(error: unknown): SearchMessage | null {
  if (!isAppError(error)) return null;
  if (error.code === "unavailable") return { key: "errors.searchUnavailable" };
  if (error.code === "bad_request" || error.code === "not_found")
    return { key: error.messageKey, params: error.params };
  return null;
}

/** Runs the page's searches; an engine refusal (bad filter, unknown attribute, engine down) becomes a message. */
export async function runSearchPage(
  engine: SearchEngine,
  parsed: ParsedSearch,
  kinds = availableKinds(),
): Promise<SearchPageResult> {
  const { state, kind } = parsed;
  const messages: SearchMessage[] = [];
  const counts: Record<string, number> = {};
  let result: SearchResult | null = null;
  try {
    result = await engine.search(kind.index, {
      q: state.q,
      ...(parsed.filter ? { filter: parsed.filter } : {}),
      facets: kind.facets.map((f) => f.attribute),
      sort: parsed.sort,
      offset: (state.page - 1) * SEARCH_PAGE_SIZE,
      limit: SEARCH_PAGE_SIZE,
      highlight: [
        kind.titleAttribute,
        ...(kind.snippetAttribute ? [kind.snippetAttribute] : []),
        ...(kind.facets.some((f) => f.attribute === "fieldTags") ? ["fieldTags"] : []),
      ],
    });
  } catch (error) {
    const message = engineMessage(error);
    if (!message) throw error;
    messages.push(message);
  }
  await Promise.all(
    kinds.map(async (k) => {
      if (k.kind === kind.kind && result && !parsed.filter) {
        counts[k.kind] = result.total;
        return;
      }
      try {
        counts[k.kind] = (await engine.search(k.index, { q: state.q, limit: 0 })).total;
      } catch (error) {
        if (!engineMessage(error)) throw error;
      }
    }),
  );
  const buckets: SearchPageResult["buckets"] = [];
  if (kind.amountAttribute && result) {
    const others = parsed.filterWithoutAmount;
    for (const bucket of AMOUNT_BUCKETS_YUAN) {
      const range = bucketFilter(kind.amountAttribute, bucket);
      try {
        const r = await engine.search(kind.index, {
          q: state.q,
          filter: others ? `${others} AND ${range}` : range,
          limit: 0,
        });
        buckets.push({ param: bucketParam(...bucket), from: bucket[0], to: bucket[1], count: r.total });
      } catch (error) {
        if (!engineMessage(error)) throw error;
      }
    }
  }
  return { result, counts, buckets, messages };
}

export function searchEngine(context: AppLoadContext): SearchEngine {
  return context.services.search;
}

export interface Suggestion {
  kind: string;
  id: string;
  /** Escaped HTML with <mark>; the page renders it through safeHighlight. */
  html: string;
  href: string;
}

/** A few hits of each kind for the header box, as you type. */
export async function suggest(engine: SearchEngine, q: string, kinds = availableKinds()): Promise<Suggestion[]> {
  const text = q.normalize("NFKC").trim().slice(0, MAX_Q);
  if (!text) return [];
  const lists = await Promise.all(
    kinds.map(async (k) => {
      try {
        const r = await engine.search(k.index, { q: text, limit: 3, highlight: [k.titleAttribute] });
        return r.hits.map((h): Suggestion => {
          const id = String(h.document.id);
          return {
            kind: k.kind,
            id,
            html: h.highlight?.[k.titleAttribute] ?? "",
            href: k.href
              ? k.href(id)
              : `/search?kind=${k.kind}&q=${encodeURIComponent(String(h.document[k.titleAttribute] ?? text))}`,
          };
        });
      } catch (error) {
        if (engineMessage(error)) return [];
        throw error;
      }
    }),
  );
  return lists.flat().slice(0, 10);
}
