import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { IndexSettings, SearchEngine } from "#search/engine.ts";
import { TECHNOLOGY_SYNONYMS } from "#search/indexes/synonyms.ts";

/**
 * nDCG@10 of the embedded engine over the fixed corpus (test/fixtures/search, written by
 * make-corpus.ts): 600 Chinese, English and mixed documents, 66 judged queries with typos,
 * synonyms and mixed-language queries. Gain 2^grade − 1, log2 discount.
 */
interface JudgedQuery {
  id: string;
  q: string;
  note?: string;
  relevant: Record<string, number>;
}

const dir = path.resolve("test/fixtures/search");
const corpus = JSON.parse(readFileSync(path.join(dir, "corpus.json"), "utf8")) as Record<string, unknown>[];
const queries = JSON.parse(readFileSync(path.join(dir, "queries.json"), "utf8")) as JudgedQuery[];

const relevanceSettings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "fieldTags", "summary", "organisationName"],
  filterableAttributes: ["kind", "industry", "zone", "status", "language"],
  sortableAttributes: ["amountFen", "deadline"],
  synonyms: TECHNOLOGY_SYNONYMS,
};

function dcg(grades: number[]): number {
  return grades.reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);
}

function ndcgAt10(ranked: string[], relevant: Record<string, number>): number {
  const ideal = dcg(
    Object.values(relevant)
      .sort((a, b) => b - a)
      .slice(0, 10),
  );
  return ideal === 0 ? 0 : dcg(ranked.slice(0, 10).map((id) => relevant[id] ?? 0)) / ideal;
}

describe("relevance of the embedded engine", () => {
  let engine: SearchEngine;
  beforeAll(async () => {
    engine = createEmbeddedSearchEngine();
    await engine.configureIndex("corpus", relevanceSettings);
    await engine.upsert("corpus", corpus);
  });

  it("has at least 500 documents and 40 judged queries", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    expect(queries.length).toBeGreaterThanOrEqual(40);
    for (const note of ["typo", "synonym", "mixed"]) expect(queries.some((q) => q.note === note)).toBe(true);
  });

  it("reaches nDCG@10 ≥ 0.8", async () => {
    const scores: { id: string; q: string; note?: string; ndcg: number }[] = [];
    for (const query of queries) {
      const result = await engine.search("corpus", { q: query.q, limit: 10 });
      const ranked = result.hits.map((hit) => String(hit.document.id));
      scores.push({
        id: query.id,
        q: query.q,
        ...(query.note ? { note: query.note } : {}),
        ndcg: ndcgAt10(ranked, query.relevant),
      });
    }
    const mean = scores.reduce((sum, s) => sum + s.ndcg, 0) / scores.length;
    const byNote = (note: string | undefined) => {
      const subset = scores.filter((s) => s.note === note);
      return subset.length ? (subset.reduce((sum, s) => sum + s.ndcg, 0) / subset.length).toFixed(3) : "-";
    };
    const worst = [...scores].sort((a, b) => a.ndcg - b.ndcg).slice(0, 5);
    console.log(
      `nDCG@10 = ${mean.toFixed(3)} over ${scores.length} queries (plain ${byNote(undefined)}, typo ${byNote("typo")}, ` +
        `synonym ${byNote("synonym")}, mixed ${byNote("mixed")}); lowest: ${worst.map((s) => `${s.q} ${s.ndcg.toFixed(2)}`).join(", ")}`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.8);
  });
});
