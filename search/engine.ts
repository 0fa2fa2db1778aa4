import { AppError } from "#domain/errors.ts";

/**
 * The search seam (DESIGN.md, three modes): Meilisearch when MEILI_HOST is set, an in-process
 * MiniSearch + jieba index otherwise. Both speak this interface; filter and sort strings use
 * Meilisearch's syntax (`zone = "km" AND status IN [open, review]`, `deadline:asc`), of which the
 * embedded engine implements the subset in search/filter.ts.
 */
export type SearchDocument = Record<string, unknown>;

export interface IndexSettings {
  primaryKey: string;
  /** In order of importance: earlier attributes weigh more. */
  searchableAttributes: string[];
  filterableAttributes: string[];
  sortableAttributes: string[];
  /**
   * Meilisearch ranking rules, in order. The embedded engine honours `words` (query words
   * matched), `sort`, `attr:asc|desc`, and folds `typo`, `proximity`, `attribute` and
   * `exactness` into one BM25 score with attribute weights and typo/prefix penalties.
   * Default: Meilisearch's own, with `sort` first so a chosen sort order is strict.
   */
  rankingRules?: string[];
  /** Meilisearch's format: word → words it also finds. List every direction for a mutual group (see `synonymGroups`). */
  synonyms?: Record<string, string[]>;
}

export const DEFAULT_RANKING_RULES = ["sort", "words", "typo", "proximity", "attribute", "exactness"];

/** Mutual synonyms in Meilisearch's one-way format: [["锂电池", "锂离子电池"]] → both directions. */
export function synonymGroups(groups: string[][]): Record<string, string[]> {
  const synonyms: Record<string, string[]> = {};
  for (const group of groups) {
    for (const word of group) {
      const others = group.filter((other) => other !== word);
      synonyms[word] = [...new Set([...(synonyms[word] ?? []), ...others])];
    }
  }
  return synonyms;
}

export interface SearchQuery {
  q?: string;
  filter?: string;
  /** Filterable attributes whose value counts to return for the matching documents. */
  facets?: string[];
  /** `attribute:asc` or `attribute:desc`, first has priority; applied before relevance. */
  sort?: string[];
  offset?: number;
  limit?: number;
  /** Attributes to return highlighted: HTML-escaped text with matches wrapped in <mark>. */
  highlight?: string[];
}

export interface SearchHit<D extends SearchDocument = SearchDocument> {
  document: D;
  /** Attribute → escaped HTML with <mark>…</mark> around matched words. */
  highlight?: Record<string, string>;
}

export interface SearchResult<D extends SearchDocument = SearchDocument> {
  hits: SearchHit<D>[];
  /** Number of matching documents (Meilisearch: its estimate). */
  total: number;
  offset: number;
  limit: number;
  /** Attribute → value → number of matching documents (values with at least one). */
  facets?: Record<string, Record<string, number>>;
  /** For requested facets with numeric values: their minimum and maximum over the matching documents. */
  facetStats?: Record<string, { min: number; max: number }>;
}

export interface SearchHealth {
  ok: boolean;
  engine: "meilisearch" | "embedded";
  detail?: string;
}

export interface SearchEngine {
  kind: "meilisearch" | "embedded";
  /** Creates the index if needed and applies its settings; idempotent. */
  configureIndex(index: string, settings: IndexSettings): Promise<void>;
  /** Adds or replaces whole documents by primary key. */
  upsert(index: string, documents: SearchDocument[]): Promise<void>;
  delete(index: string, ids: string[]): Promise<void>;
  /**
   * Builds the index afresh from `batches` beside the live one, then swaps it in atomically
   * (Meilisearch: a new index and swapIndexes); searches see the old index until the swap.
   */
  rebuild(
    index: string,
    settings: IndexSettings,
    batches: AsyncIterable<SearchDocument[]> | Iterable<SearchDocument[]>,
  ): Promise<{ documents: number }>;
  search<D extends SearchDocument = SearchDocument>(index: string, query: SearchQuery): Promise<SearchResult<D>>;
  health(): Promise<SearchHealth>;
  close(): Promise<void>;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 1000;
/** Meilisearch's default `pagination.maxTotalHits`: no hit beyond this rank is returned, whatever the offset. */
export const MAX_TOTAL_HITS = 1000;
/** Meilisearch reads the first ten words of a query; so does the embedded engine. */
export const MAX_QUERY_WORDS = 10;

export function clampPage(query: SearchQuery): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(0, Math.floor(query.limit ?? DEFAULT_SEARCH_LIMIT)));
  return { offset, limit };
}

export interface SortClause {
  attribute: string;
  direction: "asc" | "desc";
}

/** `attribute:asc|desc` entries on sortable attributes; anything else is the user's to correct. */
export function parseSort(sort: string[], sortable: readonly string[]): SortClause[] {
  return sort.map((entry) => {
    const match = /^([^:]+):(asc|desc)$/.exec(entry.trim());
    if (!match || !sortable.includes(match[1]!)) {
      throw new AppError("bad_request", "errors.searchSortInvalid", { params: { sort: entry } });
    }
    return { attribute: match[1]!, direction: match[2] as "asc" | "desc" };
  });
}

/** Meilisearch's rule for document ids: an integer, or 1–511 characters of a–z A–Z 0–9 - _. */
export function validateDocumentId(primaryKey: string, document: SearchDocument): string {
  const id = document[primaryKey];
  const text =
    typeof id === "number" && Number.isSafeInteger(id) ? String(id) : typeof id === "string" ? id : undefined;
  if (text === undefined || !/^[A-Za-z0-9_-]{1,511}$/.test(text)) {
    throw new AppError("bad_request", "errors.searchDocumentId", { params: { primaryKey } });
  }
  return text;
}

/**
 * What a document looks like after a JSON round trip, so both engines return the same values:
 * bigint becomes a number when safe (a string otherwise), a Date its ISO string.
 */
export function toJsonDocument(document: SearchDocument): SearchDocument {
  const convert = (value: unknown): unknown => {
    if (typeof value === "bigint") {
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    }
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(convert);
    return value;
  };
  return Object.fromEntries(
    Object.entries(document)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, convert(value)]),
  );
}

const MARK_START = "\u0001";
const MARK_END = "\u0002";
export const highlightMarkers = { start: MARK_START, end: MARK_END } as const;

/** Turns text with marker characters around matches into escaped HTML with <mark> tags. */
export function markersToHtml(text: string): string {
  return text
    .replaceAll(`${MARK_END}${MARK_START}`, "") // adjacent matches read as one: <mark>正极材料</mark>
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replaceAll(MARK_START, "<mark>")
    .replaceAll(MARK_END, "</mark>");
}
