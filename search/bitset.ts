/**
 * Document sets of the embedded engine, one bit per document slot: filters become a few word-wise
 * ANDs and ORs instead of a predicate call per document, and facet counts are popcounts.
 */
export class Bitset {
  words: Uint32Array;

  constructor(words = 32) {
    this.words = new Uint32Array(words);
  }

  set(bit: number): void {
    const word = bit >>> 5;
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    this.words[word]! |= 1 << (bit & 31);
  }

  clear(bit: number): void {
    const word = bit >>> 5;
    if (word < this.words.length) this.words[word]! &= ~(1 << (bit & 31));
  }

  has(bit: number): boolean {
    const word = bit >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (bit & 31))) !== 0;
  }
}

/** A fixed-size working set for one query: `size` words, missing words of a Bitset count as 0. */
export function copyWords(source: Bitset, size: number): Uint32Array {
  const out = new Uint32Array(size);
  out.set(source.words.length > size ? source.words.subarray(0, size) : source.words);
  return out;
}

export function andInto(target: Uint32Array, other: Uint32Array): void {
  const n = Math.min(target.length, other.length);
  for (let i = 0; i < n; i++) target[i]! &= other[i]!;
  for (let i = n; i < target.length; i++) target[i] = 0;
}

export function orInto(target: Uint32Array, other: Uint32Array): void {
  const n = Math.min(target.length, other.length);
  for (let i = 0; i < n; i++) target[i]! |= other[i]!;
}

/** target = universe AND NOT target */
export function complementWithin(target: Uint32Array, universe: Uint32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (universe[i] ?? 0) & ~target[i]!;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function countBits(words: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < words.length; i++) if (words[i]) count += popcount32(words[i]!);
  return count;
}

/** |a AND b| without allocating. */
export function countAnd(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const w = a[i]! & b[i]!;
    if (w) count += popcount32(w);
  }
  return count;
}

export function hasBit(words: Uint32Array, bit: number): boolean {
  const word = bit >>> 5;
  return word < words.length && (words[word]! & (1 << (bit & 31))) !== 0;
}

/** Calls `visit` for each set bit in ascending order; stops when it returns false. */
export function forEachBit(words: Uint32Array, visit: (bit: number) => boolean | void): void {
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    while (w !== 0) {
      const low = w & -w;
      const bit = (i << 5) + (31 - Math.clz32(low));
      if (visit(bit) === false) return;
      w ^= low;
    }
  }
}
