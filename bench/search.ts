/**
 * npm run bench:search — the embedded engine (MiniSearch + jieba + bitset filters) on 100,000
 * generated Chinese, English and mixed documents (test/fixtures/search/generator.ts), then a fixed
 * mix of 1,000 queries: words in both languages (some with typos), filters (=, IN, ranges, TO,
 * NOT, OR), facets with counts and stats, sorts and deep pages. Prints a table and, as its last
 * line, one JSON object. Env: BENCH_DOCS (default 100000), BENCH_QUERIES (default 1000).
 * Targets on the reference machine: p95 ≤ 15 ms, index_s ≤ 30, rss_mb ≤ 1024.
 */
import os from "node:os";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { IndexSettings, SearchQuery } from "#search/engine.ts";
import { TECHNOLOGY_SYNONYMS } from "#search/indexes/synonyms.ts";
import { generateDocuments, INDUSTRIES, random, TOPICS, ZONES } from "#tests/fixtures/search/generator.ts";

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1_000);

const settings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "fieldTags", "summary", "organisationName"],
  filterableAttributes: ["kind", "industry", "zone", "status", "dealMode", "organisationType", "amountFen", "deadline"],
  sortableAttributes: ["amountFen", "deadline", "publishedAt"],
  synonyms: TECHNOLOGY_SYNONYMS,
};

function typo(word: string, rand: () => number): string {
  if (word.length < 6 || !/^[a-z]+$/.test(word)) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  return word.slice(0, i) + word.slice(i + 1);
}

/** The fixed query mix: same seed, same 1,000 queries. */
function queryMix(count: number): { kind: string; query: SearchQuery }[] {
  const rand = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const zones = ZONES.map((z) => z.code);
  const industries = Object.keys(INDUSTRIES);
  const mix: { kind: string; query: SearchQuery }[] = [];
  for (let i = 0; i < count; i++) {
    const topic = pick(TOPICS);
    const roll = rand();
    let kind: string;
    let q: string;
    if (roll < 0.35) {
      kind = "zh";
      q = pick([...topic.zh.names, ...topic.zh.terms]);
    } else if (roll < 0.65) {
      kind = "en";
      q = pick([...topic.en.names, ...topic.en.terms]);
    } else if (roll < 0.75) {
      kind = "typo";
      q = pick(topic.en.names)
        .split(" ")
        .map((w) => typo(w, rand))
        .join(" ");
    } else if (roll < 0.85) {
      kind = "mixed";
      q = `${pick(topic.zh.terms)} ${pick(topic.en.terms)}`;
    } else if (roll < 0.9) {
      kind = "prefix";
      const word = pick(topic.en.terms);
      q = word.slice(0, Math.max(3, Math.ceil(word.length * 0.6)));
    } else {
      kind = "browse";
      q = "";
    }
    const filters: string[] = [];
    const f = rand();
    if (f < 0.3) filters.push(`zone IN [${pick(zones)}, ${pick(zones)}]`);
    if (f > 0.2 && f < 0.5) filters.push(`industry = ${pick(industries)}`);
    if (f > 0.4 && f < 0.7)
      filters.push(`amountFen ${pick([">=", "<"])} ${(50 + Math.floor(rand() * 300)) * 1_000_000}`);
    if (f > 0.6 && f < 0.8)
      filters.push(
        `deadline ${1767225600 + Math.floor(rand() * 200) * 86400} TO ${1767225600 + (200 + Math.floor(rand() * 300)) * 86400}`,
      );
    if (f > 0.75 && f < 0.9) filters.push(`NOT status = closed AND (kind = challenge OR kind = offer)`);
    if (f > 0.9) filters.push(`dealMode EXISTS AND status != bidding_closed`);
    const query: SearchQuery = { q, limit: 20 };
    if (filters.length) query.filter = filters.join(" AND ");
    if (rand() < 0.7) query.facets = ["industry", "zone", "status", "kind", "amountFen"];
    const s = rand();
    if (s < 0.15) query.sort = ["deadline:asc"];
    else if (s < 0.25) query.sort = ["amountFen:desc"];
    if (rand() < 0.1) query.offset = 20 * (1 + Math.floor(rand() * 10));
    if (rand() < 0.5) query.highlight = ["title"];
    mix.push({ kind, query });
  }
  return mix;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const documents = generateDocuments(DOCS, 20261125);
  const engine = createEmbeddedSearchEngine();
  await engine.configureIndex("bench", settings); // loads jieba (not counted in index_s)

  const started = performance.now();
  for (let i = 0; i < documents.length; i += 1000) await engine.upsert("bench", documents.slice(i, i + 1000));
  const indexSeconds = (performance.now() - started) / 1000;
  documents.length = 0; // the caller's copy; the engine keeps its own
  global.gc?.();
  const rssMb = process.memoryUsage().rss / 1024 / 1024;

  const mix = queryMix(QUERIES);
  for (const { query } of mix.slice(0, 50)) await engine.search("bench", query); // warm-up, not measured
  const times: number[] = [];
  const byKind = new Map<string, number[]>();
  let totalHits = 0;
  for (const { kind, query } of mix) {
    const t0 = performance.now();
    const result = await engine.search("bench", query);
    const ms = performance.now() - t0;
    totalHits += result.total;
    times.push(ms);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const row = (name: string, values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    return `${name.padEnd(10)} ${String(s.length).padStart(6)} ${percentile(s, 50).toFixed(2).padStart(8)} ${percentile(s, 95).toFixed(2).padStart(8)} ${percentile(s, 99).toFixed(2).padStart(8)} ${s[s.length - 1]!.toFixed(2).padStart(8)}`;
  };
  console.log(
    `embedded search engine, ${DOCS} documents, ${QUERIES} queries; node ${process.version}, ${os.cpus().length} CPUs, load average at start ${load}, at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `indexing: ${indexSeconds.toFixed(1)} s; RSS after indexing ${rssMb.toFixed(0)} MB (jieba dictionary included); mean hits per query ${(totalHits / QUERIES).toFixed(0)}`,
  );
  console.log(
    `${"queries".padEnd(10)} ${"count".padStart(6)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`,
  );
  for (const [kind, values] of [...byKind].sort()) console.log(row(kind, values));
  console.log(row("all", times));
  console.log(
    JSON.stringify({
      bench: "search",
      docs: DOCS,
      index_s: Number(indexSeconds.toFixed(2)),
      rss_mb: Math.round(rssMb),
      p50_ms: Number(percentile(sorted, 50).toFixed(2)),
      p95_ms: Number(percentile(sorted, 95).toFixed(2)),
      p99_ms: Number(percentile(sorted, 99).toFixed(2)),
    }),
  );
  await engine.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
