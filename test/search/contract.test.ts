import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import { synonymGroups, type IndexSettings, type SearchEngine, type SearchResult } from "#search/engine.ts";
import { createMeilisearchEngine } from "#search/meilisearch.ts";

/**
 * One contract, every engine: the embedded one always, a real Meilisearch server when MEILI_HOST
 * is set (MEILI_API_KEY if it needs one). Anything the web layer relies on belongs here.
 */
const meiliHost = process.env.MEILI_HOST;
const meiliSkipReason = "MEILI_HOST is not set (no Meilisearch server can be installed on this machine)";
const adapters: { name: string; create: () => SearchEngine; skip: boolean }[] = [
  { name: "embedded", create: createEmbeddedSearchEngine, skip: false },
  {
    // Counted as not run when there is no server, like the Redis tests; run wherever MEILI_HOST is set.
    name: meiliHost ? `meilisearch at ${meiliHost}` : `meilisearch (not run: ${meiliSkipReason})`,
    create: () => createMeilisearchEngine({ host: meiliHost!, apiKey: process.env.MEILI_API_KEY }),
    skip: !meiliHost,
  },
];
if (!meiliHost) console.info(`search contract: Meilisearch tests not run — ${meiliSkipReason}`);

const settings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "summary", "tags"],
  filterableAttributes: ["zone", "status", "tags", "bountyFen", "deadline", "dealMode"],
  sortableAttributes: ["bountyFen", "deadline"],
  synonyms: synonymGroups([
    ["锂电池", "锂离子电池"],
    ["新能源汽车", "电动汽车", "ev"],
  ]),
};

const documents = [
  {
    id: "c1",
    title: "锂电池正极材料低成本制备",
    summary: "磷酸铁锂正极材料的连续化生产工艺",
    zone: "kunming",
    status: "open",
    tags: ["新能源", "材料"],
    bountyFen: 500_000_000,
    deadline: 1803000000,
  },
  {
    id: "c2",
    title: "高原特色农产品冷链物流监测",
    summary: "基于物联网的温湿度追溯",
    zone: "yuxi",
    status: "open",
    tags: ["农业", "物联网"],
    bountyFen: 80_000_000,
    deadline: 1800000000,
  },
  {
    id: "c3",
    title: "Lithium Battery Recycling Process",
    summary: "Hydrometallurgical recovery of cathode materials",
    zone: "chuxiong",
    status: "review",
    tags: ["新能源"],
    bountyFen: 200_000_000,
    deadline: 1801000000,
    dealMode: "licence",
  },
  {
    id: "c4",
    title: "电力设备故障诊断",
    summary: "变电站电解电容老化检测",
    zone: "kunming",
    status: "closed",
    tags: ["电力"],
    bountyFen: 30_000_000,
    deadline: 1799000000,
  },
  {
    id: "c5",
    title: "电动汽车快充桩热管理",
    summary: "Fast charging stations for EV fleets",
    zone: "Qujing",
    status: "open",
    tags: ["新能源"],
    bountyFen: 120_000_000,
    deadline: 1802000000,
    dealMode: "transfer",
  },
  {
    id: "o1",
    title: "<b>氢燃料</b>电池电堆",
    summary: "质子交换膜 fuel cell stack",
    zone: "kunming",
    status: "open",
    tags: [],
    dealMode: "equity",
  },
];

const ids = (result: SearchResult) => result.hits.map((hit) => hit.document.id);
const sorted = (result: SearchResult) => [...ids(result)].map(String).sort();

for (const { name, create, skip } of adapters)
  describe.skipIf(skip)(`search contract: ${name}`, () => {
    let engine: SearchEngine;
    const index = `contract_${Date.now().toString(36)}`;
    beforeAll(async () => {
      engine = create();
      await engine.configureIndex(index, settings);
      await engine.upsert(index, documents);
    });
    afterAll(async () => {
      if (engine.kind === "meilisearch") {
        const { client } = engine as ReturnType<typeof createMeilisearchEngine>;
        await Promise.allSettled([client.deleteIndex(index).waitTask(), client.deleteIndex(`${index}_b`).waitTask()]);
      }
      await engine.close();
    });

    // Sub-words (电池材料 in 锂电池正极材料) are the embedded engine's (cutForSearch), tested in
    // embedded.test.ts: Meilisearch's segmenter keeps 锂电池 whole.
    it("splits Chinese into words: 正极材料 finds 锂电池正极材料, 电池 does not find 电力 or 电解", async () => {
      expect(ids(await engine.search(index, { q: "正极材料" }))).toEqual(["c1"]);
      expect(ids(await engine.search(index, { q: "电池" }))).not.toContain("c4");
      expect(ids(await engine.search(index, { q: "电力设备" }))).toEqual(["c4"]);
    });

    it("matches Latin words case-insensitively, a prefix on the last word, typos by word length", async () => {
      expect(ids(await engine.search(index, { q: "LITHIUM battery" }))[0]).toBe("c3");
      expect(ids(await engine.search(index, { q: "cath" }))).toEqual(["c3"]); // prefix
      expect(ids(await engine.search(index, { q: "lithum" }))).toEqual(["c3"]); // 6 letters: 1 typo
      expect(ids(await engine.search(index, { q: "recyclng" }))).toEqual(["c3"]); // 8 letters: 1 typo
      expect(ids(await engine.search(index, { q: "hydrometalurgicl" }))).toEqual(["c3"]); // 16 letters: 2 typos
      expect(ids(await engine.search(index, { q: "cthde" }))).toEqual([]); // 5 letters, 2 typos: too many
      expect(ids(await engine.search(index, { q: "stack fual" }))).toEqual(["o1"]); // "fual": 4 letters, no typo
      expect(ids(await engine.search(index, { q: "fual" }))).toEqual([]);
    });

    it("applies synonyms from the settings", async () => {
      expect(ids(await engine.search(index, { q: "锂离子电池" }))).toContain("c1");
      expect(ids(await engine.search(index, { q: "新能源汽车" }))).toContain("c5");
      expect(ids(await engine.search(index, { q: "电动汽车" }))).toContain("c5");
    });

    it("filters with every operator of Meilisearch's syntax", async () => {
      const filter = async (f: string) => sorted(await engine.search(index, { filter: f, limit: 100 }));
      expect(await filter("zone = kunming")).toEqual(["c1", "c4", "o1"]);
      expect(await filter('zone = "qujing"')).toEqual(["c5"]); // string equality ignores case
      expect(await filter("zone != kunming")).toEqual(["c2", "c3", "c5"]);
      expect(await filter("bountyFen > 120000000")).toEqual(["c1", "c3"]);
      expect(await filter("bountyFen >= 120000000")).toEqual(["c1", "c3", "c5"]);
      expect(await filter("bountyFen < 80000000")).toEqual(["c4"]);
      expect(await filter("bountyFen <= 80000000")).toEqual(["c2", "c4"]);
      expect(await filter("bountyFen 80000000 TO 200000000")).toEqual(["c2", "c3", "c5"]);
      expect(await filter("status IN [open, review]")).toEqual(["c1", "c2", "c3", "c5", "o1"]);
      expect(await filter("status NOT IN [open, review]")).toEqual(["c4"]);
      expect(await filter("tags = 新能源")).toEqual(["c1", "c3", "c5"]); // any element of an array
      expect(await filter("dealMode EXISTS")).toEqual(["c3", "c5", "o1"]);
      expect(await filter("dealMode NOT EXISTS")).toEqual(["c1", "c2", "c4"]);
      expect(await filter("NOT status = open")).toEqual(["c3", "c4"]);
      expect(await filter("(zone = kunming OR zone = yuxi) AND NOT tags = 电力")).toEqual(["c1", "c2", "o1"]);
      expect(await filter("zone = kunming AND bountyFen >= 100000000 OR status = review")).toEqual(["c1", "c3"]);
      expect(await filter("deadline >= 1801000000 AND deadline < 1803000000")).toEqual(["c3", "c5"]);
    });

    it("counts facets and gives numeric facet stats for the matching documents", async () => {
      const result = await engine.search(index, {
        filter: "status = open",
        facets: ["zone", "tags", "bountyFen"],
        limit: 0,
      });
      expect(result.total).toBe(4);
      expect(result.hits).toEqual([]);
      expect(result.facets?.zone).toEqual({ kunming: 2, yuxi: 1, Qujing: 1 });
      expect(result.facets?.tags).toEqual({ 新能源: 2, 材料: 1, 农业: 1, 物联网: 1 });
      expect(result.facetStats?.bountyFen).toEqual({ min: 80_000_000, max: 500_000_000 });
      const searched = await engine.search(index, { q: "新能源", facets: ["zone"] });
      expect(searched.facets?.zone).toEqual({ kunming: 1, chuxiong: 1, Qujing: 1 });
    });

    it("sorts, missing values last, and pages", async () => {
      const all = await engine.search(index, { sort: ["bountyFen:desc"], limit: 100 });
      expect(ids(all)).toEqual(["c1", "c3", "c5", "c2", "c4", "o1"]);
      const page = await engine.search(index, { sort: ["bountyFen:asc"], offset: 1, limit: 2 });
      expect(ids(page)).toEqual(["c2", "c5"]);
      expect(page).toMatchObject({ total: 6, offset: 1, limit: 2 });
      // Like Meilisearch's maxTotalHits (1000): nothing is returned beyond rank 1000.
      const beyond = await engine.search(index, { offset: 1000, limit: 10 });
      expect(beyond).toMatchObject({ hits: [], total: 6 });
      const ranked = await engine.search(index, { q: "新能源", sort: ["deadline:asc"] });
      expect(ids(ranked)).toEqual(["c3", "c5", "c1"]);
    });

    it("highlights matches with <mark> in escaped HTML", async () => {
      const result = await engine.search(index, { q: "氢燃料", highlight: ["title"] });
      expect(result.hits[0]?.highlight?.title).toBe("&#60;b&#62;<mark>氢燃料</mark>&#60;/b&#62;电池电堆");
      const latin = await engine.search(index, { q: "recycling", highlight: ["title", "summary"] });
      expect(latin.hits[0]?.highlight?.title).toBe("Lithium Battery <mark>Recycling</mark> Process");
      expect(latin.hits[0]?.highlight?.summary).toBe("Hydrometallurgical recovery of cathode materials");
    });

    it("answers a bad filter, sort or facet with bad_request and a translation key", async () => {
      const rejects = (query: Parameters<SearchEngine["search"]>[1], messageKey: string) =>
        expect(engine.search(index, query)).rejects.toMatchObject({ code: "bad_request", messageKey });
      await rejects({ filter: "secret = 1" }, "errors.searchFilterInvalid");
      await rejects({ filter: "zone = " }, "errors.searchFilterInvalid");
      await rejects({ filter: "zone = kunming AND (status = open" }, "errors.searchFilterInvalid");
      await rejects({ sort: ["summary:asc"] }, "errors.searchSortInvalid");
      await rejects({ sort: ["bountyFen:up"] }, "errors.searchSortInvalid");
      await rejects({ facets: ["summary"] }, "errors.searchFacetInvalid");
    });

    it("replaces whole documents, deletes by id, and rebuilds with an atomic swap", async () => {
      const name = `${index}_b`;
      await engine.configureIndex(name, settings);
      await engine.upsert(name, [{ id: "x1", title: "钙钛矿太阳能电池", status: "open" }]);
      await engine.upsert(name, [{ id: "x1", title: "氢燃料电池电堆" }]);
      expect(ids(await engine.search(name, { q: "钙钛矿" }))).toEqual([]);
      expect((await engine.search(name, { filter: "status EXISTS" })).total).toBe(0);
      expect(ids(await engine.search(name, { q: "氢燃料" }))).toEqual(["x1"]);
      await engine.delete(name, ["x1", "never-there"]);
      expect((await engine.search(name, {})).total).toBe(0);

      await engine.upsert(name, [{ id: "old", title: "旧文档" }]);
      const rebuilt = await engine.rebuild(name, settings, [
        [{ id: "n1", title: "石墨烯导热膜" }],
        [{ id: "n2", title: "graphene film" }],
      ]);
      expect(rebuilt.documents).toBe(2);
      expect(sorted(await engine.search(name, { limit: 10 }))).toEqual(["n1", "n2"]);
    });
  });
