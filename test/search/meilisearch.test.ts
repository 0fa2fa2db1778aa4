import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IndexSettings } from "#search/engine.ts";
import { createMeilisearchEngine, MeilisearchTaskFailed } from "#search/meilisearch.ts";
import { startFakeMeilisearch, type FakeMeilisearch } from "./support/fake-meilisearch.ts";

/** What the Meilisearch adapter sends and how it reads the answers, against a fake server (see support/). */
const settings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "summary"],
  filterableAttributes: ["zone", "bountyFen"],
  sortableAttributes: ["bountyFen"],
  synonyms: { 锂电池: ["锂离子电池"], 锂离子电池: ["锂电池"] },
};

describe("Meilisearch adapter (fake HTTP server)", () => {
  let fake: FakeMeilisearch;
  beforeEach(async () => {
    fake = await startFakeMeilisearch();
  });
  afterEach(async () => {
    await fake.close();
  });
  const engineFor = () =>
    createMeilisearchEngine({ host: fake.url, apiKey: "master-key", timeout: 2_000, taskTimeout: 2_000, batchSize: 2 });
  const calls = () => fake.requests.filter((r) => !r.path.startsWith("/tasks/")).map((r) => `${r.method} ${r.path}`);

  it("creates a missing index, applies every setting, and waits for each task to succeed", async () => {
    const engine = engineFor();
    await engine.configureIndex("challenges", settings);
    expect(calls()).toEqual(["GET /indexes/challenges", "POST /indexes", "PATCH /indexes/challenges/settings"]);
    expect(fake.requests.find((r) => r.path === "/indexes")?.body).toEqual({ uid: "challenges", primaryKey: "id" });
    expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({
      searchableAttributes: ["title", "summary"],
      filterableAttributes: ["zone", "bountyFen"],
      sortableAttributes: ["bountyFen"],
      rankingRules: ["sort", "words", "typo", "proximity", "attribute", "exactness"],
      synonyms: { 锂电池: ["锂离子电池"], 锂离子电池: ["锂电池"] },
      typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
    });
    // Each task was polled until it left "processing".
    expect(fake.requests.filter((r) => r.path.startsWith("/tasks/")).length).toBeGreaterThanOrEqual(4);
    expect(fake.requests.every((r) => r.authorization === "Bearer master-key")).toBe(true);

    fake.requests.length = 0;
    await engine.configureIndex("challenges", settings);
    expect(calls()).toEqual(["GET /indexes/challenges", "PATCH /indexes/challenges/settings"]);
  });

  it("sends documents as JSON (bigint as number, Date as ISO) and deletes by id", async () => {
    const engine = engineFor();
    await engine.configureIndex("challenges", settings);
    fake.requests.length = 0;
    await engine.upsert("challenges", [
      { id: "c1", title: "锂电池", bountyFen: 500_000_000n, at: new Date("2027-01-01T00:00:00Z") },
    ]);
    await engine.delete("challenges", ["c1", "c2"]);
    expect(calls()).toEqual(["POST /indexes/challenges/documents", "POST /indexes/challenges/documents/delete-batch"]);
    expect(fake.requests.find((r) => r.path.endsWith("/documents"))?.body).toEqual([
      { id: "c1", title: "锂电池", bountyFen: 500_000_000, at: "2027-01-01T00:00:00.000Z" },
    ]);
    expect(fake.requests.find((r) => r.path.endsWith("/delete-batch"))?.body).toEqual(["c1", "c2"]);
    await expect(engine.upsert("challenges", [{ id: "has space" }])).rejects.toMatchObject({
      messageKey: "errors.searchDocumentId",
    });
  });

  it("reports a failed task with Meilisearch's error code", async () => {
    const engine = engineFor();
    await engine.configureIndex("challenges", settings);
    fake.failNext("documentAdditionOrUpdate", {
      code: "invalid_document_id",
      message: "Document identifier is invalid",
    });
    const failure = await engine.upsert("challenges", [{ id: "c1" }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MeilisearchTaskFailed);
    expect((failure as Error).message).toContain("invalid_document_id");
  });

  it("rebuilds into a new index in batches, swaps it in atomically and deletes the old one", async () => {
    const engine = engineFor();
    async function* batches() {
      yield [{ id: "a" }, { id: "b" }, { id: "c" }];
      yield [{ id: "d" }];
    }
    const { documents } = await engine.rebuild("challenges", settings, batches());
    expect(documents).toBe(4);
    const sequence = calls();
    const temporary = (fake.requests.find((r) => r.path === "/indexes")?.body as { uid: string }).uid;
    expect(temporary).toMatch(/^challenges__rebuild_[a-z0-9]+$/);
    expect(sequence).toEqual([
      "POST /indexes",
      `PATCH /indexes/${temporary}/settings`,
      `POST /indexes/${temporary}/documents`,
      `POST /indexes/${temporary}/documents`,
      "GET /indexes/challenges",
      "POST /indexes",
      "POST /swap-indexes",
      `DELETE /indexes/${temporary}`,
    ]);
    expect(fake.requests.find((r) => r.path === "/swap-indexes")?.body).toEqual([
      { indexes: ["challenges", temporary], rename: false },
    ]);
    const added = fake.requests.filter((r) => r.path.endsWith("/documents")).map((r) => (r.body as unknown[]).length);
    expect(added).toEqual([2, 2]);
  });

  it("does not swap when the rebuild fails, and removes the half-built index", async () => {
    const engine = engineFor();
    fake.failNext("documentAdditionOrUpdate", { code: "internal", message: "disk full" });
    await expect(engine.rebuild("challenges", settings, [[{ id: "a" }]])).rejects.toBeInstanceOf(MeilisearchTaskFailed);
    expect(calls()).not.toContain("POST /swap-indexes");
    expect(calls().at(-1)).toMatch(/^DELETE \/indexes\/challenges__rebuild_/);
  });

  it("maps a query to Meilisearch's parameters and its answer back, highlight escaped", async () => {
    const engine = engineFor();
    fake.respondToSearch(200, {
      hits: [{ id: "c1", title: "<b>锂电池</b>", _formatted: { id: "c1", title: "<b>\u0001锂电池\u0002</b>" } }],
      estimatedTotalHits: 7,
      facetDistribution: { zone: { kunming: 5, yuxi: 2 } },
      facetStats: { bountyFen: { min: 10, max: 99 } },
      offset: 0,
      limit: 1,
      processingTimeMs: 1,
      query: "锂电池",
    });
    const result = await engine.search("challenges", {
      q: "锂电池",
      filter: "zone = kunming AND bountyFen 1 TO 100",
      facets: ["zone", "bountyFen"],
      sort: ["bountyFen:desc"],
      limit: 1,
      highlight: ["title"],
    });
    expect(fake.requests.at(-1)?.body).toEqual({
      q: "锂电池",
      offset: 0,
      limit: 1,
      filter: "zone = kunming AND bountyFen 1 TO 100",
      facets: ["zone", "bountyFen"],
      sort: ["bountyFen:desc"],
      attributesToHighlight: ["title"],
      highlightPreTag: "\u0001",
      highlightPostTag: "\u0002",
    });
    expect(result).toEqual({
      hits: [
        {
          document: { id: "c1", title: "<b>锂电池</b>" },
          highlight: { title: "&#60;b&#62;<mark>锂电池</mark>&#60;/b&#62;" },
        },
      ],
      total: 7,
      offset: 0,
      limit: 1,
      facets: { zone: { kunming: 5, yuxi: 2 }, bountyFen: {} },
      facetStats: { bountyFen: { min: 10, max: 99 } },
    });
  });

  it("turns Meilisearch's query errors into bad_request with a translation key, and an outage into unavailable", async () => {
    const engine = engineFor();
    const apiError = (code: string) => ({ message: `${code}: at 1:4`, code, type: "invalid_request", link: "" });
    fake.respondToSearch(400, apiError("invalid_search_filter"));
    await expect(engine.search("challenges", { filter: "zone ==" })).rejects.toMatchObject({
      code: "bad_request",
      messageKey: "errors.searchFilterInvalid",
    });
    fake.respondToSearch(400, apiError("invalid_search_sort"));
    await expect(engine.search("challenges", { sort: ["x:up"] })).rejects.toMatchObject({
      messageKey: "errors.searchSortInvalid",
    });
    fake.respondToSearch(400, apiError("invalid_search_facets"));
    await expect(engine.search("challenges", { facets: ["secret"] })).rejects.toMatchObject({
      messageKey: "errors.searchFacetInvalid",
    });
    fake.respondToSearch(404, apiError("index_not_found"));
    await expect(engine.search("nothing", {})).rejects.toMatchObject({ code: "not_found" });
    const offline = createMeilisearchEngine({ host: "http://127.0.0.1:1", timeout: 1_000 });
    await expect(offline.search("challenges", { q: "x" })).rejects.toMatchObject({
      code: "unavailable",
      messageKey: "errors.searchUnavailable",
    });
  });
});
