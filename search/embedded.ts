import type { Jieba } from "@node-rs/jieba";
import { AppError } from "#domain/errors.ts";
import {
  andInto,
  Bitset,
  complementWithin,
  copyWords,
  countAnd,
  countBits,
  forEachBit,
  hasBit,
  orInto,
} from "./bitset.ts";
import {
  clampPage,
  DEFAULT_RANKING_RULES,
  MAX_TOTAL_HITS,
  highlightMarkers,
  markersToHtml,
  parseSort,
  toJsonDocument,
  validateDocumentId,
  type IndexSettings,
  type SearchDocument,
  type SearchEngine,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
  type SortClause,
} from "./engine.ts";
import { facetKey, inRange, parseFilter, scalarValues, toNumber, type FilterNode } from "./filter.ts";
import { indexTerms, isLatinWord, loadJieba } from "./jieba.ts";
import { queryWords, synonymTable, type SynonymTable } from "./query-words.ts";
import { TextIndex } from "./text-index.ts";

interface ValueEntry {
  id: number;
  display: unknown;
  bits: Bitset;
}

/** One filterable attribute: value → documents, which documents have it, and its numbers for ranges. */
interface AttributeIndex {
  values: Map<string, ValueEntry>;
  entries: ValueEntry[];
  /** By slot: the id of its single value, -1 for none, -2 for an array (in valueLists). */
  valueIds: Int32Array;
  valueLists: Map<number, number[]>;
  exists: Bitset;
  /** By slot; NaN when the document has no single number here. */
  numbers: Float64Array;
  /** Whether any document ever had a number here (else facet stats are skipped). */
  hasNumbers: boolean;
  /** Slots whose value is an array with numbers in it. */
  numberLists: Map<number, number[]>;
}

class EmbeddedIndex {
  readonly text: TextIndex;
  readonly slotById = new Map<string, number>();
  readonly documents: (SearchDocument | undefined)[] = [];
  readonly alive = new Bitset();
  readonly attributes = new Map<string, AttributeIndex>();
  readonly synonyms: SynonymTable;
  /** Sortable attributes' numbers by slot (NaN: missing or not a number), so sorting reads typed arrays. */
  readonly sortColumns = new Map<string, Float64Array>();
  readonly rankingRules: string[];
  constructor(
    readonly settings: IndexSettings,
    private readonly jieba: Jieba,
  ) {
    const fields = settings.searchableAttributes;
    // Earlier attributes weigh more (Meilisearch's `attribute` rule).
    this.text = new TextIndex(
      fields.length,
      fields.map((_, i) => 1 + (fields.length - i - 1) * 0.75),
    );
    this.synonyms = synonymTable(settings.synonyms);
    this.rankingRules = settings.rankingRules ?? DEFAULT_RANKING_RULES;
    for (const attribute of settings.filterableAttributes) {
      this.attributes.set(attribute, {
        values: new Map(),
        entries: [],
        valueIds: new Int32Array(0),
        valueLists: new Map(),
        exists: new Bitset(),
        numbers: new Float64Array(0),
        numberLists: new Map(),
        hasNumbers: false,
      });
    }
  }

  get slotCount(): number {
    return this.documents.length;
  }

  get wordCount(): number {
    return (this.documents.length + 31) >>> 5;
  }

  upsert(raw: SearchDocument): void {
    const id = validateDocumentId(this.settings.primaryKey, raw);
    const document = toJsonDocument(raw);
    const existing = this.slotById.get(id);
    if (existing !== undefined) this.remove(existing, id);
    const slot = this.documents.length;
    this.documents[slot] = document;
    this.slotById.set(id, slot);
    this.alive.set(slot);
    this.text.add(
      slot,
      this.settings.searchableAttributes.map((field) => termsOf(this.jieba, textOf(document[field]))),
    );
    for (const [attribute, index] of this.attributes) this.addAttribute(index, slot, document[attribute]);
    for (const attribute of this.settings.sortableAttributes) {
      let column = this.sortColumns.get(attribute) ?? new Float64Array(0);
      if (slot >= column.length) {
        const grown = new Float64Array(Math.max(1024, (slot + 1) * 2)).fill(NaN);
        grown.set(column);
        column = grown;
      }
      const value = document[attribute];
      column[slot] = typeof value === "number" ? value : NaN;
      this.sortColumns.set(attribute, column);
    }
  }

  delete(id: string): void {
    const slot = this.slotById.get(id);
    if (slot !== undefined) this.remove(slot, id);
  }

  private remove(slot: number, id: string): void {
    const document = this.documents[slot]!;
    this.text.remove(slot);
    for (const [attribute, index] of this.attributes) {
      const value = document[attribute];
      if (value === undefined) continue;
      index.exists.clear(slot);
      for (const v of scalarValues(value)) index.values.get(facetKey(v))?.bits.clear(slot);
      if (slot < index.numbers.length) {
        index.numbers[slot] = NaN;
        index.valueIds[slot] = -1;
      }
      index.numberLists.delete(slot);
      index.valueLists.delete(slot);
    }
    // Slots are not reused (see TextIndex); a dead one costs a hole in this array and one bit.
    this.documents[slot] = undefined;
    this.alive.clear(slot);
    this.slotById.delete(id);
  }

  private addAttribute(index: AttributeIndex, slot: number, value: unknown): void {
    if (value === undefined) return;
    index.exists.set(slot);
    const values = scalarValues(value);
    if (slot >= index.numbers.length) {
      const size = Math.max(1024, (slot + 1) * 2);
      const numbers = new Float64Array(size).fill(NaN);
      numbers.set(index.numbers);
      index.numbers = numbers;
      const ids = new Int32Array(size).fill(-1);
      ids.set(index.valueIds);
      index.valueIds = ids;
    }
    const ids: number[] = [];
    for (const v of values) {
      const key = facetKey(v);
      let entry = index.values.get(key);
      if (!entry) {
        entry = { id: index.entries.length, display: v, bits: new Bitset() };
        index.values.set(key, entry);
        index.entries.push(entry);
      }
      entry.bits.set(slot);
      if (!ids.includes(entry.id)) ids.push(entry.id);
    }
    if (Array.isArray(value)) {
      index.valueIds[slot] = -2;
      index.valueLists.set(slot, ids);
    } else {
      index.valueIds[slot] = ids[0] ?? -1;
    }
    const numbers = values.map(toNumber).filter((n): n is number => n !== undefined);
    if (Array.isArray(value)) {
      if (numbers.length > 0) index.numberLists.set(slot, numbers);
      if (numbers.length > 0) index.hasNumbers = true;
    } else if (numbers.length === 1) {
      index.numbers[slot] = numbers[0]!;
      index.hasNumbers = true;
    }
  }

  /** The documents a filter selects, as a bitset over the current slots (live documents only). */
  select(node: FilterNode | undefined): Uint32Array {
    const universe = copyWords(this.alive, this.wordCount);
    if (!node) return universe;
    const result = this.evaluate(node, universe);
    andInto(result, universe);
    return result;
  }

  private evaluate(node: FilterNode, universe: Uint32Array): Uint32Array {
    const size = universe.length;
    switch (node.kind) {
      case "and": {
        const result = this.evaluate(node.children[0]!, universe);
        for (const child of node.children.slice(1)) andInto(result, this.evaluate(child, universe));
        return result;
      }
      case "or": {
        const result = new Uint32Array(size);
        for (const child of node.children) orInto(result, this.evaluate(child, universe));
        return result;
      }
      case "not": {
        const result = this.evaluate(node.child, universe);
        complementWithin(result, universe);
        return result;
      }
      case "exists":
        return copyWords(this.attribute(node.attribute).exists, size);
      case "equals": {
        const index = this.attribute(node.attribute);
        const result = new Uint32Array(size);
        for (const value of node.values) {
          const entry = index.values.get(facetKey(value));
          if (entry) orInto(result, entry.bits.words);
        }
        return result;
      }
      case "range": {
        const index = this.attribute(node.attribute);
        const result = new Uint32Array(size);
        const numbers = index.numbers;
        const n = Math.min(numbers.length, size << 5);
        // Inclusive bounds on a typed column, no call per document; NaN (no number) fails both tests.
        const low = node.minInclusive ? node.min : nextUp(node.min);
        const high = node.maxInclusive ? node.max : nextDown(node.max);
        for (let slot = 0; slot < n; slot++) {
          const v = numbers[slot]!;
          if (v >= low && v <= high) result[slot >>> 5]! |= 1 << (slot & 31);
        }
        for (const [slot, list] of index.numberLists) {
          if (list.some((v) => inRange(node, v))) result[slot >>> 5]! |= 1 << (slot & 31);
        }
        return result;
      }
    }
  }

  attribute(name: string): AttributeIndex {
    const index = this.attributes.get(name);
    if (!index) throw new AppError("bad_request", "errors.searchFilterInvalid", { params: { attribute: name } });
    return index;
  }

  facets(
    attributes: string[],
    matches: Uint32Array,
    matchCount: number,
  ): { facets: Record<string, Record<string, number>>; facetStats: Record<string, { min: number; max: number }> } {
    const facets: Record<string, Record<string, number>> = {};
    const facetStats: Record<string, { min: number; max: number }> = {};
    for (const attribute of attributes) {
      const index = this.attribute(attribute);
      const counts: [string, number][] = [];
      if (matchCount * 8 < index.entries.length * matches.length) {
        // Few matches for many values: count each match's values instead of intersecting bitsets.
        const byId = new Uint32Array(index.entries.length);
        const { valueIds, valueLists } = index;
        forEachBit(matches, (slot) => {
          const id = valueIds[slot]!;
          if (id >= 0) byId[id]!++;
          else if (id === -2) for (const listed of valueLists.get(slot)!) byId[listed]!++;
        });
        for (let id = 0; id < byId.length; id++)
          if (byId[id]) counts.push([String(index.entries[id]!.display), byId[id]!]);
      } else {
        for (const entry of index.entries) {
          const count = countAnd(entry.bits.words, matches);
          if (count > 0) counts.push([String(entry.display), count]);
        }
      }
      counts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      facets[attribute] = Object.fromEntries(counts.slice(0, MAX_VALUES_PER_FACET));
      if (!index.hasNumbers) continue;

      let min = Infinity;
      let max = -Infinity;
      const numbers = index.numbers;
      forEachBit(matches, (slot) => {
        const v = slot < numbers.length ? numbers[slot]! : NaN;
        if (v === v) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
      });
      for (const [slot, list] of index.numberLists) {
        if (!hasBit(matches, slot)) continue;
        for (const v of list) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      if (min <= max) facetStats[attribute] = { min, max };
    }
    return { facets, facetStats };
  }
}

/** The smallest double above / below x: turns a strict bound into an inclusive one. */
function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const buffer = new Float64Array([x]);
  const bits = new BigInt64Array(buffer.buffer);
  bits[0] = x > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return buffer[0]!;
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/** Meilisearch's default `maxValuesPerFacet`. */
const MAX_VALUES_PER_FACET = 100;

/**
 * The embedded engine: jieba word splitting, a postings index with BM25+ (text-index.ts) and
 * bitset indexes for filters and facets, in this process's memory. Real, not a mock, but one process's: it must be fed by that
 * process (DESIGN.md).
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
      const index = new EmbeddedIndex(settings, jieba);
      for (const document of existing?.documents ?? []) if (document) index.upsert(document);
      indexes.set(name, index);
    },

    async upsert(name, documents) {
      const index = getIndex(name);
      for (const document of documents) validateDocumentId(index.settings.primaryKey, document);
      for (const document of documents) index.upsert(document);
    },

    async delete(name, ids) {
      const index = getIndex(name);
      for (const id of ids) index.delete(String(id));
    },

    async rebuild(name, settings, batches) {
      const jieba = await loadJieba();
      const index = new EmbeddedIndex(settings, jieba);
      let count = 0;
      for await (const batch of batches) {
        for (const document of batch) index.upsert(document);
        count += batch.length;
      }
      indexes.set(name, index); // the swap: searches see the old index until here
      return { documents: count };
    },

    async search<D extends SearchDocument>(name: string, query: SearchQuery): Promise<SearchResult<D>> {
      const jieba = await loadJieba();
      const index = getIndex(name);
      const { offset, limit } = clampPage(query);
      const facetAttributes = query.facets ?? [];
      for (const attribute of facetAttributes) {
        if (!index.settings.filterableAttributes.includes(attribute)) {
          throw new AppError("bad_request", "errors.searchFacetInvalid", { params: { attribute } });
        }
      }
      const sort = parseSort(query.sort ?? [], index.settings.sortableAttributes);
      const matches = index.select(parseFilter(query.filter, index.settings.filterableAttributes));
      const words = queryWords(jieba, query.q ?? "", index.synonyms);

      let total: number;
      let page: { slot: number; terms: string[] }[];
      let facetSet = matches;
      if (words.length === 0) {
        total = countBits(matches);
        if (sort.length === 0) {
          page = [];
          let rank = 0;
          const end = Math.min(offset + limit, MAX_TOTAL_HITS);
          forEachBit(matches, (slot) => {
            if (rank >= end) return false;
            if (rank++ >= offset) page.push({ slot, terms: [] });
          });
        } else {
          const compare = sortComparator(index, sort);
          const k = Math.min(offset + limit, MAX_TOTAL_HITS);
          const best: number[] = [];
          forEachBit(matches, (slot) => {
            if (k === 0) return false;
            if (best.length === k && compare(slot, best[k - 1]!) >= 0) return;
            insertSorted(best, slot, compare, k);
          });
          page = best.slice(offset).map((slot) => ({ slot, terms: [] }));
        }
      } else {
        const found = index.text.search(words, matches, index.slotCount);
        const candidates: Candidate[] = found.slots.map((slot) => ({
          slot,
          score: found.scores[slot]!,
          words: found.words[slot]!,
          terms: [],
        }));
        total = candidates.length;
        page = topK(
          candidates,
          rankingComparator(index, index.rankingRules, sort),
          Math.min(offset + limit, MAX_TOTAL_HITS),
        ).slice(offset);
        if (query.highlight?.length) for (const c of page) c.terms = index.text.matchedTerms(c.slot, found.derived);
        if (facetAttributes.length > 0) {
          facetSet = new Uint32Array(matches.length);
          for (const c of candidates) facetSet[c.slot >>> 5]! |= 1 << (c.slot & 31);
        }
      }

      const hits: SearchHit<D>[] = page.map(({ slot, terms }) => {
        const document = index.documents[slot]!;
        // A copy, as Meilisearch's would be: callers may not edit the index through a hit.
        const hit: SearchHit<D> = { document: { ...document } as D };
        if (query.highlight?.length) {
          hit.highlight = Object.fromEntries(
            query.highlight.map((attribute) => [
              attribute,
              markersToHtml(markTerms(textOf(document[attribute]), terms)),
            ]),
          );
        }
        return hit;
      });
      const result: SearchResult<D> = { hits, total, offset, limit };
      if (facetAttributes.length > 0) Object.assign(result, index.facets(facetAttributes, facetSet, total));
      return result;
    },

    async health() {
      const sizes = [...indexes].map(([name, index]) => `${name}: ${index.slotById.size}`).join(", ");
      return { ok: true, engine: "embedded", detail: `${indexes.size} indexes in memory${sizes ? ` (${sizes})` : ""}` };
    },

    async close() {
      indexes.clear();
    },
  };
}

interface Candidate {
  slot: number;
  score: number;
  /** How many of the query's words the document has (Meilisearch's `words` rule). */
  words: number;
  terms: string[];
}

type Comparator = (a: Candidate, b: Candidate) => number;

/** Orders slots by the sort clauses, then by slot (insertion order). */
function sortComparator(index: EmbeddedIndex, clauses: SortClause[]): (a: number, b: number) => number {
  const documents = index.documents;
  const steps = clauses.map(({ attribute, direction }) => {
    const column = index.sortColumns.get(attribute)!;
    const sign = direction === "asc" ? 1 : -1;
    return (a: number, b: number) => {
      const va = column[a]!;
      const vb = column[b]!;
      if (va === va && vb === vb) return va < vb ? -sign : va > vb ? sign : 0;
      return compareValues(documents[a]![attribute], documents[b]![attribute], direction);
    };
  });
  return (a, b) => {
    for (const step of steps) {
      const order = step(a, b);
      if (order !== 0) return order;
    }
    return a - b;
  };
}

function rankingComparator(index: EmbeddedIndex, rules: string[], sort: SortClause[]): Comparator {
  const steps: Comparator[] = [];
  let scored = false;
  let sortPlaced = false;
  for (const rule of rules) {
    if (rule === "words") steps.push((a, b) => b.words - a.words);
    else if (rule === "sort") {
      sortPlaced = true;
      if (sort.length > 0) steps.push(bySortOnly(index, sort));
    } else if (["typo", "proximity", "attribute", "exactness"].includes(rule)) {
      if (!scored) steps.push((a, b) => b.score - a.score);
      scored = true;
    } else {
      const custom = /^([^:]+):(asc|desc)$/.exec(rule);
      if (custom && index.sortColumns.has(custom[1]!)) {
        steps.push(bySortOnly(index, [{ attribute: custom[1]!, direction: custom[2] as "asc" | "desc" }]));
      }
    }
  }
  if (!sortPlaced && sort.length > 0) steps.unshift(bySortOnly(index, sort));
  if (!scored) steps.push((a, b) => b.score - a.score);
  steps.push((a, b) => a.slot - b.slot);
  return (a, b) => {
    for (const step of steps) {
      const order = step(a, b);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** The sort clauses alone (ties stay ties, for the next ranking rule). */
function bySortOnly(index: EmbeddedIndex, clauses: SortClause[]): Comparator {
  const documents = index.documents;
  const steps = clauses.map(({ attribute, direction }) => {
    const column = index.sortColumns.get(attribute)!;
    const sign = direction === "asc" ? 1 : -1;
    return (a: Candidate, b: Candidate) => {
      const va = column[a.slot]!;
      const vb = column[b.slot]!;
      if (va === va && vb === vb) return va < vb ? -sign : va > vb ? sign : 0;
      return compareValues(documents[a.slot]![attribute], documents[b.slot]![attribute], direction);
    };
  });
  return (a, b) => {
    for (const step of steps) {
      const order = step(a, b);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** The first k in order, without sorting everything when k is small. */
function topK(candidates: Candidate[], compare: Comparator, k: number): Candidate[] {
  if (k <= 0) return [];
  if (candidates.length <= Math.max(256, k * 4)) return candidates.sort(compare).slice(0, k);
  const best: Candidate[] = [];
  for (const c of candidates) {
    if (best.length === k && compare(c, best[k - 1]!) >= 0) continue;
    insertSorted(best, c, compare, k);
  }
  return best;
}

function insertSorted<T>(best: T[], item: T, compare: (a: T, b: T) => number, k: number): void {
  let lo = 0;
  let hi = best.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(best[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  best.splice(lo, 0, item);
  if (best.length > k) best.pop();
}

/** Missing values sort last in both directions (as in Meilisearch); numbers before strings. */
function compareValues(a: unknown, b: unknown, direction: "asc" | "desc"): number {
  const missingA = a === undefined || a === null;
  const missingB = b === undefined || b === null;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const na = typeof a === "number" ? a : undefined;
  const nb = typeof b === "number" ? b : undefined;
  let order: number;
  if (na !== undefined && nb !== undefined) order = na < nb ? -1 : na > nb ? 1 : 0;
  else if (na !== undefined) order = -1;
  else if (nb !== undefined) order = 1;
  else {
    const left = String(a);
    const right = String(b);
    order = left < right ? -1 : left > right ? 1 : 0;
  }
  return direction === "asc" ? order : -order;
}

/**
 * Index words of a field's text. Short texts (names, tags, zones) repeat across documents, so
 * their cuts are remembered; jieba is most of the cost of indexing.
 */
const shortTextTerms = new Map<string, string[]>();
function termsOf(jieba: Jieba, text: string): string[] {
  if (text.length > 48) return indexTerms(jieba, text);
  let terms = shortTextTerms.get(text);
  if (!terms) {
    if (shortTextTerms.size >= 50_000) shortTextTerms.clear();
    terms = indexTerms(jieba, text);
    shortTextTerms.set(text, terms);
  }
  return terms;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(textOf).join(" ");
  if (typeof value === "object") return "";
  return String(value);
}

/** Wraps every occurrence of the matched words in marker characters, longest first; Latin words whole. */
function markTerms(text: string, terms: string[]): string {
  if (terms.length === 0 || text === "") return text;
  const pattern = [...new Set(terms)]
    .sort((a, b) => b.length - a.length)
    .map((term) => {
      const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return isLatinWord(term) ? `(?<![\\p{Script=Latin}\\p{N}])${escaped}(?![\\p{Script=Latin}\\p{N}])` : escaped;
    })
    .join("|");
  return text.replace(
    new RegExp(pattern, "giu"),
    (match) => `${highlightMarkers.start}${match}${highlightMarkers.end}`,
  );
}
