import SearchableMap from "minisearch/SearchableMap";
import type { QueryWord } from "./query-words.ts";
import { isLatinWord } from "./jieba.ts";
import { typoBudget } from "./query-words.ts";

/**
 * The embedded engine's full-text index: postings per term and field in flat arrays, BM25+ scores
 * (MiniSearch's formula and defaults), MiniSearch's radix tree (SearchableMap) for the vocabulary's
 * prefix and typo lookups. MiniSearch itself keeps a Map per term and field and spent ~8 µs per
 * indexed word at 100,000 documents (docs/decisions/0009-search.md); this spends well under 1 µs.
 *
 * Slots are never reused: a replaced or deleted document's postings stay until the next vacuum and
 * are skipped through the caller's bitset of allowed (live, filtered) slots.
 */
interface Posting {
  slots: number[];
  tfs: number[];
}

interface Term {
  id: number;
  name: string;
  fields: (Posting | undefined)[];
  /** The document and field of the last posting added (see add). */
  lastSlot: number;
  lastField: number;
}

export interface TextMatches {
  /** Slots that matched at least one query word, in the order first met. */
  slots: number[];
  /** By slot: BM25+ score times the number of query words matched (as MiniSearch does). */
  scores: Float64Array;
  /** By slot: how many of the query's words matched (Meilisearch's `words` rule). */
  words: Uint8Array;
  /** Vocabulary terms each query reached (exact, prefix or typo), for highlighting. */
  derived: Term[];
}

const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const PREFIX_WEIGHT = 0.5;
const FUZZY_WEIGHT = 0.45;
/** Meilisearch also bounds how many words a prefix may stand for. */
const MAX_PREFIX_EXPANSIONS = 50;

export class TextIndex {
  /** For prefix and typo lookups; `byName` for exact ones (a Map is several times faster). */
  private readonly vocabulary = new SearchableMap<Term>();
  private readonly byName = new Map<string, Term>();
  private readonly terms: Term[] = [];
  private readonly docTerms: (Int32Array | undefined)[] = [];
  private fieldLengths: Uint16Array[];
  private readonly totalLength: number[];
  private live = 0;
  private deadSinceVacuum = 0;
  private readonly dead = new Set<number>();
  // Per-query scratch, indexed by slot and reused across queries (stamps say what is current).
  private stamp = new Uint32Array(0);
  private wordStamp = new Uint32Array(0);
  private scores = new Float64Array(0);
  private words = new Uint8Array(0);
  private epoch = 0;

  constructor(
    private readonly fieldCount: number,
    private readonly boosts: number[],
  ) {
    this.fieldLengths = Array.from({ length: fieldCount }, () => new Uint16Array(1024));
    this.totalLength = Array.from({ length: fieldCount }, () => 0);
  }

  add(slot: number, fieldTerms: string[][]): void {
    if (slot >= this.fieldLengths[0]!.length) {
      const size = Math.max(slot + 1, this.fieldLengths[0]!.length * 2);
      this.fieldLengths = this.fieldLengths.map((old) => {
        const grown = new Uint16Array(size);
        grown.set(old);
        return grown;
      });
    }
    const ids: number[] = [];
    for (let f = 0; f < this.fieldCount; f++) {
      const terms = fieldTerms[f] ?? [];
      this.fieldLengths[f]![slot] = Math.min(65535, terms.length);
      this.totalLength[f]! += terms.length;
      for (const name of terms) {
        let term = this.byName.get(name);
        if (!term) {
          term = { id: this.terms.length, name, fields: [], lastSlot: -1, lastField: -1 };
          this.terms.push(term);
          this.byName.set(name, term);
          this.vocabulary.set(name, term);
        }
        // Stamps on the term count repeats without a Map per field: the last posting is this one.
        if (term.lastSlot === slot && term.lastField === f) {
          const tfs = term.fields[f]!.tfs;
          tfs[tfs.length - 1]!++;
          continue;
        }
        if (term.lastSlot !== slot) ids.push(term.id);
        term.lastSlot = slot;
        term.lastField = f;
        const posting = (term.fields[f] ??= { slots: [], tfs: [] });
        posting.slots.push(slot);
        posting.tfs.push(1);
      }
    }
    this.docTerms[slot] = Int32Array.from(ids).sort();
    this.live++;
  }

  remove(slot: number): void {
    if (!this.docTerms[slot]) return;
    for (let f = 0; f < this.fieldCount; f++) this.totalLength[f]! -= this.fieldLengths[f]![slot]!;
    this.docTerms[slot] = undefined;
    this.live--;
    this.dead.add(slot);
    if (++this.deadSinceVacuum > Math.max(1000, this.live / 4)) this.vacuum();
  }

  /** Drops the postings of removed documents (they are skipped until then, but inflate document frequencies). */
  vacuum(): void {
    if (this.dead.size === 0) return;
    for (const term of this.terms) {
      for (const posting of term.fields) {
        if (!posting) continue;
        let w = 0;
        for (let r = 0; r < posting.slots.length; r++) {
          if (this.dead.has(posting.slots[r]!)) continue;
          posting.slots[w] = posting.slots[r]!;
          posting.tfs[w++] = posting.tfs[r]!;
        }
        posting.slots.length = w;
        posting.tfs.length = w;
      }
    }
    this.dead.clear();
    this.deadSinceVacuum = 0;
  }

  /**
   * Every query word is optional and scored (`words` counts how many matched); the last word of
   * the query may be a prefix; Latin words tolerate typos by length. `allowed` is the filter's
   * bitset (live documents only); `slotCount` bounds the slots.
   */
  search(query: QueryWord[], allowed: Uint32Array, slotCount: number): TextMatches {
    this.ensureScratch(slotCount);
    const queryEpoch = ++this.epoch;
    const slots: number[] = [];
    const derived: Term[] = [];
    const { stamp, wordStamp, scores, words } = this;
    const add = (slot: number, score: number, wordEpoch: number) => {
      if (stamp[slot] !== queryEpoch) {
        stamp[slot] = queryEpoch;
        scores[slot] = 0;
        words[slot] = 0;
        slots.push(slot);
      }
      if (wordStamp[slot] !== wordEpoch) {
        wordStamp[slot] = wordEpoch;
        words[slot]!++;
      }
      scores[slot]! += score;
    };
    query.forEach((word, wi) => {
      const wordEpoch = ++this.epoch;
      for (const alternative of word.alternatives) {
        const expansions = alternative.map((term, ti) => {
          const last = wi === query.length - 1 && ti === alternative.length - 1 && !word.synonym;
          return this.expand(term, last && (isLatinWord(term) || [...term].length >= 2), typoBudget(term));
        });
        for (const expansion of expansions) for (const [term] of expansion) derived.push(term);
        if (alternative.length === 1) {
          for (const [term, weight] of expansions[0]!)
            this.scan(term, weight, allowed, (slot, s) => add(slot, s, wordEpoch));
          continue;
        }
        // A synonym of several words (锂离子 电池): all of them, in any order.
        let combined: Map<number, number> | undefined;
        for (const expansion of expansions) {
          const scored = new Map<number, number>();
          for (const [term, weight] of expansion) {
            this.scan(term, weight, allowed, (slot, s) => {
              if (!combined || combined.has(slot)) scored.set(slot, (scored.get(slot) ?? 0) + s);
            });
          }
          if (combined) for (const [slot, s] of scored) scored.set(slot, s + combined.get(slot)!);
          combined = scored;
          if (combined.size === 0) break;
        }
        for (const [slot, score] of combined ?? []) add(slot, score, wordEpoch);
      }
    });
    for (const slot of slots) scores[slot]! *= words[slot]!;
    return { slots, scores, words, derived };
  }

  /** The vocabulary terms of `derived` that this document has: what highlighting marks. */
  matchedTerms(slot: number, derived: Term[]): string[] {
    const own = this.docTerms[slot];
    if (!own) return [];
    const names = new Set<string>();
    for (const term of derived) {
      let lo = 0;
      let hi = own.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (own[mid]! < term.id) lo = mid + 1;
        else hi = mid;
      }
      if (own[lo] === term.id) names.add(term.name);
    }
    return [...names];
  }

  private expand(name: string, prefix: boolean, typos: number): [Term, number][] {
    const found = new Map<Term, number>();
    const exact = this.byName.get(name);
    if (exact) found.set(exact, 1);
    if (prefix) {
      let n = 0;
      for (const [other, term] of this.vocabulary.atPrefix(name)) {
        if (other === name) continue;
        const distance = other.length - name.length;
        found.set(term, (PREFIX_WEIGHT * other.length) / (other.length + 0.3 * distance));
        if (++n >= MAX_PREFIX_EXPANSIONS) break;
      }
    }
    if (typos > 0) {
      for (const [other, [term, distance]] of this.vocabulary.fuzzyGet(name, typos)) {
        if (distance === 0 || found.has(term)) continue;
        found.set(term, (FUZZY_WEIGHT * other.length) / (other.length + distance));
      }
    }
    return [...found];
  }

  private scan(term: Term, weight: number, allowed: Uint32Array, visit: (slot: number, score: number) => void): void {
    const total = Math.max(1, this.live);
    for (let f = 0; f < this.fieldCount; f++) {
      const posting = term.fields[f];
      if (!posting) continue;
      const { slots, tfs } = posting;
      const n = slots.length;
      const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
      const average = this.totalLength[f]! / total || 1;
      const lengths = this.fieldLengths[f]!;
      const factor = weight * this.boosts[f]! * idf;
      const { k, b, d } = BM25;
      for (let i = 0; i < n; i++) {
        const slot = slots[i]!;
        const word = slot >>> 5;
        if (word >= allowed.length || (allowed[word]! & (1 << (slot & 31))) === 0) continue;
        const tf = tfs[i]!;
        visit(slot, factor * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * lengths[slot]!) / average))));
      }
    }
  }

  private ensureScratch(slotCount: number): void {
    if (this.stamp.length >= slotCount) return;
    const size = Math.max(slotCount, this.stamp.length * 2, 1024);
    this.stamp = new Uint32Array(size);
    this.wordStamp = new Uint32Array(size);
    this.scores = new Float64Array(size);
    this.words = new Uint8Array(size);
    this.epoch = 0;
  }
}
