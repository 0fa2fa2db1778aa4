import type { Jieba } from "@node-rs/jieba";

/**
 * jieba (Chinese word splitting) takes ~250 ms and ~100 MB to load its dictionary, so it loads on
 * first use, once per process.
 */
let loading: Promise<Jieba> | undefined;

export function loadJieba(): Promise<Jieba> {
  loading ??= (async () => {
    const [{ Jieba }, { dict }] = await Promise.all([import("@node-rs/jieba"), import("@node-rs/jieba/dict.js")]);
    return Jieba.withDict(dict);
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

const WORD = /[\p{L}\p{N}]/u;
const LATIN = /^[\p{Script=Latin}\p{N}]+$/u;

/** Words for the index: search mode also yields the parts of long words (锂电池 → 锂电, 电池, 锂电池). */
export function indexTerms(jieba: Jieba, text: string): string[] {
  return jieba
    .cutForSearch(text, true)
    .filter((word) => WORD.test(word))
    .map((word) => word.toLowerCase());
}

/** Words of a query: the plain cut, so 电池材料 asks for 电池 and 材料. */
export function queryTerms(jieba: Jieba, text: string): string[] {
  return jieba
    .cut(text, true)
    .filter((word) => WORD.test(word))
    .map((word) => word.toLowerCase());
}

/** Typo tolerance and prefix search only make sense for Latin words (applied to Chinese, 电池 matches 电力). */
export function isLatinWord(term: string): boolean {
  return LATIN.test(term);
}
