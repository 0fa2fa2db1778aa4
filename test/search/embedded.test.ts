import { beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { IndexSettings, SearchEngine } from "#search/engine.ts";
import { createSearchEngine } from "#search/index.ts";
import { createMeilisearchEngine } from "#search/meilisearch.ts";

const settings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "summary"],
  filterableAttributes: ["zone", "status", "tags", "bountyFen"],
  sortableAttributes: ["bountyFen", "deadline"],
};

const documents = [
  {
    id: "c1",
    title: "锂电池正极材料低成本制备",
    summary: "磷酸铁锂正极材料的连续化生产工艺",
    zone: "kunming",
    status: "open",
    tags: ["新能源"],
    bountyFen: 500_000_000,
    deadline: "2027-03-01",
  },
  {
    id: "c2",
    title: "高原特色农产品冷链物流监测",
    summary: "基于物联网的温湿度追溯",
    zone: "yuxi",
    status: "open",
    tags: ["农业", "物联网"],
    bountyFen: 80_000_000,
    deadline: "2027-01-15",
  },
  {
    id: "c3",
    title: "Lithium Battery Recycling Process",
    summary: "Hydrometallurgical recovery of cathode materials",
    zone: "chuxiong",
    status: "review",
    tags: ["新能源"],
    bountyFen: 200_000_000,
    deadline: "2027-02-01",
  },
  {
    id: "c4",
    title: "电力设备故障诊断",
    summary: "变电站电解电容老化检测",
    zone: "kunming",
    status: "closed",
    tags: ["电力"],
    bountyFen: 30_000_000,
    deadline: "2026-12-31",
  },
];

describe("embedded search engine (MiniSearch + jieba)", () => {
  let engine: SearchEngine;
  beforeAll(async () => {
    engine = createEmbeddedSearchEngine();
    await engine.configureIndex("challenges", settings);
    await engine.upsert("challenges", documents);
  });
  const ids = (result: { hits: { document: Record<string, unknown> }[] }) => result.hits.map((h) => h.document.id);

  it("finds 电池材料 in 锂电池正极材料 and not 电力 or 电解 documents", async () => {
    const result = await engine.search("challenges", { q: "电池材料" });
    expect(ids(result)).toContain("c1");
    expect(ids(result)).not.toContain("c4");
    expect(ids(await engine.search("challenges", { q: "锂电池" }))).toEqual(["c1"]);
  });

  it("matches English case-insensitively, with typo tolerance for Latin words only", async () => {
    expect(ids(await engine.search("challenges", { q: "lithium BATTERY" }))).toEqual(["c3"]);
    expect(ids(await engine.search("challenges", { q: "recyclng" }))).toEqual(["c3"]);
    expect(ids(await engine.search("challenges", { q: "电池" }))).not.toContain("c4");
  });

  it("filters with =, AND, IN [...] and comparisons, and counts facets", async () => {
    const open = await engine.search("challenges", {
      filter: 'status = open AND zone IN [kunming, "yuxi"]',
      facets: ["zone", "tags"],
    });
    expect(ids(open).sort()).toEqual(["c1", "c2"]);
    expect(open.total).toBe(2);
    expect(open.facets).toEqual({ zone: { kunming: 1, yuxi: 1 }, tags: { 新能源: 1, 农业: 1, 物联网: 1 } });
    expect(ids(await engine.search("challenges", { filter: "tags = 新能源 AND bountyFen >= 300000000" }))).toEqual([
      "c1",
    ]);
    expect(
      ids(
        await engine.search("challenges", {
          filter: "zone NOT IN [kunming] OR status = closed",
          sort: ["deadline:asc"],
        }),
      ),
    ).toEqual(["c4", "c2", "c3"]);
    await expect(engine.search("challenges", { filter: "secret = 1" })).rejects.toMatchObject({
      messageKey: "errors.searchFilterInvalid",
    });
    await expect(engine.search("challenges", { filter: "status = " })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("sorts, pages and highlights with escaped HTML", async () => {
    const page = await engine.search("challenges", { sort: ["bountyFen:desc"], offset: 1, limit: 2 });
    expect(ids(page)).toEqual(["c3", "c2"]);
    expect(page.total).toBe(4);
    const highlighted = await engine.search("challenges", { q: "正极材料", highlight: ["title"] });
    expect(highlighted.hits[0]?.highlight?.title).toBe("锂电池<mark>正极材料</mark>低成本制备");
  });

  it("replaces and deletes documents by id", async () => {
    const local = createEmbeddedSearchEngine();
    await local.configureIndex("offers", settings);
    await local.upsert("offers", [{ id: 1, title: "钙钛矿太阳能电池", status: "open" }]);
    await local.upsert("offers", [{ id: 1, title: "<b>氢燃料</b>电池电堆", status: "open" }]);
    expect(ids(await local.search("offers", { q: "钙钛矿" }))).toEqual([]);
    const hit = await local.search("offers", { q: "氢燃料", highlight: ["title"] });
    expect(hit.hits[0]?.highlight?.title).toBe("&#60;b&#62;<mark>氢燃料</mark>&#60;/b&#62;电池电堆");
    await local.delete("offers", ["1"]);
    expect((await local.search("offers", {})).total).toBe(0);
    expect(await local.health()).toMatchObject({ ok: true, engine: "embedded" });
  });
});

describe("createSearchEngine and the Meilisearch adapter", () => {
  it("chooses by MEILI_HOST", () => {
    expect(createSearchEngine({ MEILI_HOST: undefined, MEILI_API_KEY: undefined }).kind).toBe("embedded");
    expect(createSearchEngine({ MEILI_HOST: "http://127.0.0.1:7700", MEILI_API_KEY: "key" }).kind).toBe("meilisearch");
  });

  it("reports an unreachable server as unhealthy (no Meilisearch server exists on this machine)", async () => {
    const engine = createMeilisearchEngine({ host: "http://127.0.0.1:1", timeout: 1_000 });
    const health = await engine.health();
    expect(health.ok).toBe(false);
    expect(health.engine).toBe("meilisearch");
    expect(health.detail).toContain("unreachable");
  });
});

describe("embedded filters over bitsets agree with the plain predicate", () => {
  it("on random filter trees, before and after replacing and deleting documents", async () => {
    const { generateDocuments, random } = await import("#tests/fixtures/search/generator.ts");
    const { filterPredicate, parseFilter } = await import("#search/filter.ts");
    const filterable = ["kind", "industry", "zone", "status", "dealMode", "amountFen", "deadline", "fieldTags"];
    const docs = generateDocuments(400, 3) as unknown as Record<string, unknown>[];
    const engine = createEmbeddedSearchEngine();
    await engine.configureIndex("p", {
      primaryKey: "id",
      searchableAttributes: ["title"],
      filterableAttributes: filterable,
      sortableAttributes: [],
    });
    await engine.upsert("p", docs);
    // Replace a quarter (changing their attributes) and delete a tenth: the bitsets must follow.
    const live = new Map(docs.map((d) => [String(d.id), d]));
    const replaced = docs
      .filter((_, i) => i % 4 === 0)
      .map((d): Record<string, unknown> => ({ ...d, zone: "kunming", status: "closed", amountFen: 1 }));
    await engine.upsert("p", replaced);
    for (const d of replaced) live.set(String(d.id), d);
    const deleted = docs.filter((_, i) => i % 10 === 1).map((d) => String(d.id));
    await engine.delete("p", deleted);
    for (const id of deleted) live.delete(id);

    const rand = random(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const leaf = (): string =>
      pick([
        () => `zone = ${pick(["kunming", "yuxi", "dali"])}`,
        () => `status != ${pick(["published", "closed"])}`,
        () => `industry IN [${pick(["new_materials", "tobacco"])}, ${pick(["biomedicine", "green_energy"])}]`,
        () => `amountFen ${pick([">", ">=", "<", "<="])} ${Math.floor(rand() * 500) * 1_000_000}`,
        () =>
          `deadline ${1767225600 + Math.floor(rand() * 200) * 86400} TO ${1767225600 + (200 + Math.floor(rand() * 300)) * 86400}`,
        () => `dealMode ${pick(["EXISTS", "NOT EXISTS"])}`,
        () => `kind NOT IN [organisation]`,
        () => `fieldTags = "${pick(["新材料", "lithium battery", "绿色能源"])}"`,
      ])();
    const tree = (depth: number): string => {
      if (depth === 0 || rand() < 0.3) return leaf();
      const op = pick(["AND", "OR"]);
      const inner = `${tree(depth - 1)} ${op} ${tree(depth - 1)}`;
      return rand() < 0.3 ? `NOT (${inner})` : `(${inner})`;
    };
    let informative = 0;
    for (let i = 0; i < 200; i++) {
      const filter = tree(3);
      const predicate = filterPredicate(parseFilter(filter, filterable));
      const expected = [...live.values()]
        .filter(predicate)
        .map((d) => String(d.id))
        .sort();
      const result = await engine.search("p", { filter, limit: 1000 });
      expect({ filter, ids: result.hits.map((h) => String(h.document.id)).sort() }).toEqual({ filter, ids: expected });
      expect(result.total).toBe(expected.length);
      if (expected.length > 0 && expected.length < live.size) informative++;
    }
    expect(informative).toBeGreaterThan(100);
  });
});

describe("embedded text index after many replacements (vacuum)", () => {
  it("forgets replaced words and keeps the new ones", async () => {
    const engine = createEmbeddedSearchEngine();
    await engine.configureIndex("v", {
      primaryKey: "id",
      searchableAttributes: ["title"],
      filterableAttributes: ["n"],
      sortableAttributes: ["n"],
    });
    const batch = (word: string) =>
      Array.from({ length: 1500 }, (_, n) => ({ id: `v${n}`, title: `${word} 第${n}号`, n }));
    await engine.upsert("v", batch("石墨烯涂料"));
    await engine.upsert("v", batch("碳纤维复合材料")); // 1,500 replaced: more than the vacuum threshold
    expect((await engine.search("v", { q: "石墨烯" })).total).toBe(0);
    const found = await engine.search("v", { q: "碳纤维", sort: ["n:desc"], limit: 2, filter: "n < 1000" });
    expect(found.total).toBe(1000);
    expect(found.hits.map((h) => h.document.id)).toEqual(["v999", "v998"]);
    await engine.delete("v", ["v999"]);
    expect((await engine.search("v", { q: "碳纤维" })).total).toBe(1499);
  });
});
