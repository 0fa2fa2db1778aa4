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
  /** Meilisearch ranking rules; the embedded engine ranks by relevance, then by `sort`. */
  rankingRules?: string[];
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
  /** Attribute → value → number of matching documents. */
  facets?: Record<string, Record<string, number>>;
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
  search<D extends SearchDocument = SearchDocument>(index: string, query: SearchQuery): Promise<SearchResult<D>>;
  health(): Promise<SearchHealth>;
  close(): Promise<void>;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 1000;

export function clampPage(query: SearchQuery): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(0, Math.floor(query.limit ?? DEFAULT_SEARCH_LIMIT)));
  return { offset, limit };
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
