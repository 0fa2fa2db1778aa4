import MiniSearch from "minisearch";
import type { Jieba } from "@node-rs/jieba";
import { AppError } from "#domain/errors.ts";
import {
  clampPage,
  highlightMarkers,
  markersToHtml,
  type IndexSettings,
  type SearchDocument,
  type SearchEngine,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from "./engine.ts";
import { parseFilter } from "./filter.ts";
import { indexTerms, isLatinWord, loadJieba, queryTerms } from "./jieba.ts";

interface EmbeddedIndex {
  settings: IndexSettings;
  mini: MiniSearch<SearchDocument>;
  documents: Map<string, SearchDocument>;
}

/**
 * The embedded engine: MiniSearch with jieba word splitting, in this process's memory. Real, not a
 * mock, but one process's: it must be fed by that process (DESIGN.md).
 */
export function createEmbeddedSearchEngine(): SearchEngine {
  const indexes = new Map<string, EmbeddedIndex>();

  const getIndex = (name: string): EmbeddedIndex => {
    const index = indexes.get(name);
    if (!index) throw new AppError("not_found", "errors.searchIndexMissing", { params: { index: name } });
    return index;
  };

  return {
    kind: "embedded",

    async configureIndex(name, settings) {
      const jieba = await loadJieba();
      const existing = indexes.get(name);
      if (existing && JSON.stringify(existing.settings) === JSON.stringify(settings)) return;
      const mini = createMiniSearch(jieba, settings);
      const documents = existing?.documents ?? new Map<string, SearchDocument>();
      mini.addAll([...documents.values()]);
      indexes.set(name, { settings, mini, documents });
    },

    async upsert(name, documents) {
      const index = getIndex(name);
      for (const document of documents) {
        const id = documentId(index.settings, document);
        if (index.mini.has(id)) index.mini.discard(id);
        const stored = { ...document, [index.settings.primaryKey]: id };
        index.mini.add(stored);
        index.documents.set(id, stored);
      }
    },

    async delete(name, ids) {
      const index = getIndex(name);
      for (const id of ids) {
        if (index.mini.has(id)) index.mini.discard(id);
        index.documents.delete(id);
      }
    },

    async search<D extends SearchDocument>(name: string, query: SearchQuery): Promise<SearchResult<D>> {
      const jieba = await loadJieba();
      const index = getIndex(name);
      const { offset, limit } = clampPage(query);
      for (const attribute of [...(query.facets ?? [])]) {
        if (!index.settings.filterableAttributes.includes(attribute)) {
          throw new AppError("bad_request", "errors.searchFacetInvalid", { params: { attribute } });
        }
      }
      const sort = parseSort(query.sort ?? [], index.settings.sortableAttributes);
      const predicate = parseFilter(query.filter, index.settings.filterableAttributes);

      const words = queryTerms(jieba, query.q ?? "");
      let candidates: { document: SearchDocument; score: number; terms: string[] }[];
      if (words.length === 0) {
        candidates = [...index.documents.values()].map((document) => ({ document, score: 0, terms: [] }));
      } else {
        const q = words.join(" ");
        let results = index.mini.search(q, { combineWith: "AND" });
        if (results.length === 0) results = index.mini.search(q, { combineWith: "OR" });
        candidates = results.flatMap((result) => {
          const document = index.documents.get(String(result.id));
          return document ? [{ document, score: result.score, terms: result.terms }] : [];
        });
      }
      const matching = candidates.filter((candidate) => predicate(candidate.document));
      if (sort.length > 0) {
        matching.sort((a, b) => {
          for (const { attribute, direction } of sort) {
            const order = compareValues(a.document[attribute], b.document[attribute]);
            if (order !== 0) return direction === "asc" ? order : -order;
          }
          return b.score - a.score;
        });
      }

      const hits: SearchHit<D>[] = matching.slice(offset, offset + limit).map((candidate) => {
        const hit: SearchHit<D> = { document: candidate.document as D };
        if (query.highlight?.length) {
          hit.highlight = Object.fromEntries(
            query.highlight.map((attribute) => [
              attribute,
              markersToHtml(markTerms(textOf(candidate.document[attribute]), candidate.terms)),
            ]),
          );
        }
        return hit;
      });
      const result: SearchResult<D> = { hits, total: matching.length, offset, limit };
      if (query.facets?.length)
        result.facets = countFacets(
          matching.map((m) => m.document),
          query.facets,
        );
      return result;
    },

    async health() {
      return { ok: true, engine: "embedded", detail: `${indexes.size} indexes in memory` };
    },

    async close() {
      indexes.clear();
    },
  };
}

function createMiniSearch(jieba: Jieba, settings: IndexSettings): MiniSearch<SearchDocument> {
  const fields = settings.searchableAttributes;
  return new MiniSearch<SearchDocument>({
    idField: settings.primaryKey,
    fields,
    storeFields: [],
    extractField: (document, field) => textOf(document[field]),
    tokenize: (text) => indexTerms(jieba, text),
    // Terms arrive split and lower-cased; queries are split before they reach MiniSearch.
    processTerm: (term) => term,
    searchOptions: {
      tokenize: (text) => text.split(" ").filter(Boolean),
      processTerm: (term) => term,
      boost: Object.fromEntries(fields.map((field, i) => [field, fields.length - i])),
      prefix: (term, i, terms) => i === terms.length - 1 && isLatinWord(term),
      fuzzy: (term) => (isLatinWord(term) && term.length >= 5 ? 0.2 : false),
    },
  });
}

function documentId(settings: IndexSettings, document: SearchDocument): string {
  const id = document[settings.primaryKey];
  if (typeof id !== "string" && typeof id !== "number" && typeof id !== "bigint") {
    throw new AppError("bad_request", "errors.searchDocumentId", { params: { primaryKey: settings.primaryKey } });
  }
  return String(id);
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(textOf).join(" ");
  return String(value);
}

function parseSort(sort: string[], sortable: string[]): { attribute: string; direction: "asc" | "desc" }[] {
  return sort.map((entry) => {
    const match = /^([^:]+):(asc|desc)$/.exec(entry.trim());
    if (!match || !sortable.includes(match[1]!)) {
      throw new AppError("bad_request", "errors.searchSortInvalid", { params: { sort: entry } });
    }
    return { attribute: match[1]!, direction: match[2] as "asc" | "desc" };
  });
}

/** Missing values sort last; numbers numerically; strings by code point (zh-CN collation is the search issue's call). */
function compareValues(a: unknown, b: unknown): number {
  const missingA = a === undefined || a === null;
  const missingB = b === undefined || b === null;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint"))
    return a < b ? -1 : a > b ? 1 : 0;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function countFacets(documents: SearchDocument[], attributes: string[]): Record<string, Record<string, number>> {
  const facets: Record<string, Record<string, number>> = {};
  for (const attribute of attributes) {
    const counts: Record<string, number> = {};
    for (const document of documents) {
      const value = document[attribute];
      const values = Array.isArray(value)
        ? new Set(value.map(String))
        : value === undefined || value === null
          ? []
          : [String(value)];
      for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
    }
    facets[attribute] = counts;
  }
  return facets;
}

/** Wraps every case-insensitive occurrence of the matched words in marker characters, longest first. */
function markTerms(text: string, terms: string[]): string {
  if (terms.length === 0 || text === "") return text;
  const pattern = [...new Set(terms)]
    .sort((a, b) => b.length - a.length)
    .map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  return text.replace(
    new RegExp(pattern, "giu"),
    (match) => `${highlightMarkers.start}${match}${highlightMarkers.end}`,
  );
}
