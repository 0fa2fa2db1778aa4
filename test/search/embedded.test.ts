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
