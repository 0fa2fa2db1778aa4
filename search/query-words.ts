import type { Jieba } from "@node-rs/jieba";
import { MAX_QUERY_WORDS } from "./engine.ts";
import { isLatinWord, queryTerms } from "./jieba.ts";

/**
 * A query as the embedded engine asks it: a list of words, each found through any of its
 * alternatives (the word itself, or a synonym), an alternative being the words jieba cuts it into.
 * 锂电池 cathode with 锂电池 ↔ 锂离子电池 → [[[锂电池], [锂离子, 电池]], [[cathode]]].
 */
export interface QueryWord {
  alternatives: string[][];
  /** From the synonym list: a whole word, never prefix-matched. */
  synonym: boolean;
}

export interface SynonymTable {
  /** Lower-cased keys, longest first. */
  keys: string[];
  map: Map<string, string[]>;
}

export function synonymTable(synonyms: Record<string, string[]> | undefined): SynonymTable {
  const map = new Map<string, string[]>();
  for (const [word, others] of Object.entries(synonyms ?? {})) {
    const key = word.toLowerCase().trim();
    if (!key) continue;
    map.set(key, [...new Set([...(map.get(key) ?? []), ...others.map((o) => o.toLowerCase().trim()).filter(Boolean)])]);
  }
  return { keys: [...map.keys()].sort((a, b) => b.length - a.length), map };
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function isLatinChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{Script=Latin}\p{N}]/u.test(c);
}

/** A synonym key found in the query: Latin keys only as whole words ("ev" is not in "every"). */
function keyAt(text: string, i: number, table: SynonymTable): string | undefined {
  for (const key of table.keys) {
    if (!text.startsWith(key, i)) continue;
    if (isLatinChar(key[0]) && WORD_CHAR.test(text[i - 1] ?? "")) continue;
    if (isLatinChar(key[key.length - 1]) && WORD_CHAR.test(text[i + key.length] ?? "")) continue;
    return key;
  }
  return undefined;
}

export function queryWords(jieba: Jieba, q: string, table: SynonymTable): QueryWord[] {
  // A query is a few words; a pasted page must not cost a long jieba cut.
  const text = q.slice(0, 500).toLowerCase();
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  const push = (word: QueryWord) => {
    const signature = JSON.stringify(word.alternatives);
    if (word.alternatives.length === 0 || seen.has(signature)) return;
    seen.add(signature);
    words.push(word);
  };
  const plain = (segment: string) => {
    for (const term of queryTerms(jieba, segment)) {
      const others = table.map.get(term);
      push({
        alternatives: others ? dedupe([[term], ...others.map((o) => queryTerms(jieba, o))]) : [[term]],
        synonym: Boolean(others),
      });
    }
  };
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const key = table.keys.length > 0 ? keyAt(text, i, table) : undefined;
    if (!key) {
      i++;
      continue;
    }
    plain(text.slice(start, i));
    const alternatives = [key, ...table.map.get(key)!].map((w) => queryTerms(jieba, w));
    push({ alternatives: dedupe(alternatives), synonym: true });
    i += key.length;
    start = i;
  }
  plain(text.slice(start));
  return words.slice(0, MAX_QUERY_WORDS);
}

function dedupe(alternatives: string[][]): string[][] {
  const seen = new Set<string>();
  return alternatives.filter((terms) => {
    const key = terms.join(" ");
    if (terms.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Meilisearch's default typo budget, for Latin words only: none under 5 letters, 1 up to 8, 2 beyond. */
export function typoBudget(term: string): number {
  if (!isLatinWord(term) || /^\d+$/.test(term)) return 0;
  const length = [...term].length;
  return length < 5 ? 0 : length <= 8 ? 1 : 2;
}
