import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchKinds } from "#search/catalog.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { challengeSettings } from "#search/indexes/challenges.ts";
import { loader } from "../../app/routes/search.tsx";
import { loader as suggestLoader } from "../../app/routes/search_.suggest.tsx";
import { safeHighlight } from "../../app/utils/highlight.ts";
import { availableKinds, parseSearchParams, runSearchPage, searchHref } from "../../app/utils/search.server.ts";

const params = (text: string) => new URLSearchParams(text);

interface PageData {
  total: number;
  hits: { id: string; title: string; snippet: string; markedTags: string[] }[];
  facets: Record<string, Record<string, number>>;
  buckets: { param: string; count: number }[];
  counts: Record<string, number>;
  messages: { key: string }[];
}

describe("the search page's URL", () => {
  it("reads q, kind, repeated facets, amounts, sort and page into one filter", () => {
    const p = parseSearchParams(
      params(
        "q=锂电池&kind=challenges&industry=new_materials&industry=biomedicine&zone=km&min=5万&max=200000&sort=deadline&page=2",
      ),
      searchKinds,
    );
    expect(p.messages).toEqual([]);
    expect(p.state).toMatchObject({ q: "锂电池", kind: "challenges", sort: "deadline", page: 2 });
    expect(p.filter).toBe(
      'industry IN ["new_materials", "biomedicine"] AND zone IN ["km"] AND bountyFen >= 5000000 AND bountyFen <= 20000000',
    );
    expect(p.sort).toEqual(["bidDeadline:asc"]);
    // The state goes back into a shareable URL that parses to the same state.
    const again = parseSearchParams(new URL(searchHref(p.state), "http://x").searchParams, searchKinds);
    expect(again.state).toEqual(p.state);
    expect(again.filter).toBe(p.filter);
  });

  it("quotes facet values, so a value cannot change the filter's meaning", () => {
    const p = parseSearchParams(params('field=a" OR status = "draft'), searchKinds);
    expect(p.filter).toBe('fieldTags IN ["a\\" OR status = \\"draft"]');
  });

  it("turns every bad parameter into a message and leaves it out", () => {
    const p = parseSearchParams(params("kind=secrets&min=abc&max=-5&sort=sideways&page=0&amount=1-2"), searchKinds);
    expect(p.state.kind).toBe("challenges");
    expect(p.filter).toBeUndefined();
    expect(p.sort).toEqual([]);
    expect(p.messages.map((m) => m.key)).toEqual([
      "search.error.kind",
      "search.error.amountBucket",
      "search.error.amount",
      "search.error.amount",
      "search.error.sort",
      "search.error.page",
    ]);
    const order = parseSearchParams(params("min=100&max=10"), searchKinds);
    expect(order.messages.map((m) => m.key)).toEqual(["search.error.amountOrder"]);
  });

  it("offers only the kinds whose index exists (offers once issue 5 registers it)", () => {
    const kinds = availableKinds().map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(["challenges", "people", "organisations", "providers"]));
    const offers = parseSearchParams(params("kind=offers"), availableKinds());
    if (!kinds.includes("offers")) expect(offers.messages[0]?.key).toBe("search.error.kind");
    else expect(offers.state.kind).toBe("offers");
  });
});

describe("highlights", () => {
  it("let only <mark> through, balanced, and crop around the first match", () => {
    expect(safeHighlight('<mark>锂</mark><img src=x onerror="alert(1)">&lt;b&gt;')).toBe(
      "<mark>锂</mark>&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#60;b&#62;",
    );
    expect(safeHighlight("<mark>open")).toBe("<mark>open</mark>");
    const long = `${"甲".repeat(300)}<mark>锂电池</mark>${"乙".repeat(300)}`;
    const cropped = safeHighlight(long, 100);
    expect(cropped).toContain("<mark>锂电池</mark>");
    expect(cropped.startsWith("…")).toBe(true);
    expect(cropped.endsWith("…")).toBe(true);
    expect(cropped.replace(/<\/?mark>/g, "").length).toBe(102);
  });
});

describe("the loaders", () => {
  let engine: SearchEngine;
  let context: AppLoadContext;
  beforeAll(async () => {
    engine = createEmbeddedSearchEngine();
    await engine.configureIndex("challenges", challengeSettings);
    for (const name of ["people", "organisations", "providers"])
      await engine.configureIndex(name, {
        primaryKey: "id",
        searchableAttributes: ["name"],
        filterableAttributes: ["zone", "type", "roles", "organisationTypes"],
        sortableAttributes: ["createdAt"],
      });
    await engine.upsert("challenges", [
      {
        id: "c1",
        title: "高镍锂电池正极材料",
        problem: "循环寿命 <script>x</script>",
        industry: "new_materials",
        fieldTags: ["锂电池"],
        status: "published",
        zone: "km",
        bountyFen: 50_000_000,
        publishedAt: 1,
        bidDeadline: 2,
      },
      {
        id: "c2",
        title: "茶叶加工",
        problem: "自动化",
        industry: "food_consumer_goods",
        fieldTags: ["食品"],
        status: "published",
        zone: "km",
        bountyFen: 1_000_000,
        publishedAt: 2,
        bidDeadline: 1,
      },
    ]);
    context = {
      services: { search: engine, database: { prisma: { zone: { findMany: async () => [] } } } },
    } as unknown as AppLoadContext;
  });
  afterAll(() => engine.close());

  const run = async (query: string) => {
    const response = (await loader({
      request: new Request(`http://x/search?${query}`),
      context,
      params: {},
    })) as Response;
    return { status: response.status, data: (await response.json()) as PageData };
  };

  it("searches, counts facets and amount ranges, and escapes everything but the marks", async () => {
    const { status, data } = await run("q=锂电池");
    expect(status).toBe(200);
    expect(data.total).toBe(1);
    expect(data.hits[0]!.title).toBe("高镍<mark>锂电池</mark>正极材料");
    expect(data.hits[0]!.snippet).toContain("&#60;script&#62;");
    expect(data.hits[0]!.markedTags).toEqual(["锂电池"]);
    expect(data.facets.industry).toEqual({ new_materials: 1 });
    expect(data.buckets.find((b) => b.param === "500000-1000000")?.count).toBe(1);
    expect(data.counts.challenges).toBe(1);
  });

  it("applies a facet and sorts", async () => {
    const { data } = await run("industry=food_consumer_goods");
    expect(data.hits.map((h) => h.id)).toEqual(["c2"]);
    const sorted = await run("sort=amount");
    expect(sorted.data.hits.map((h) => h.id)).toEqual(["c1", "c2"]);
  });

  it("answers a bad filter with a message, not a 500", async () => {
    const { status, data } = await run("min=lots&sort=nope");
    expect(status).toBe(200);
    expect(data.messages.map((m) => m.key)).toEqual(["search.error.amount", "search.error.sort"]);
    // A filter the engine itself refuses (an attribute not filterable) is a message too.
    const refused = await runSearchPage(engine, { ...parseSearchParams(params("")), filter: "secret = 1" });
    expect(refused.result).toBeNull();
    expect(refused.messages[0]?.key).toBe("errors.searchFilterInvalid");
  });

  it("suggests a few safe titles as JSON", async () => {
    const response = (await suggestLoader({
      request: new Request("http://x/search/suggest?q=锂电"),
      context,
      params: {},
    })) as Response;
    const body = (await response.json()) as { suggestions: { href: string; html: string }[] };
    expect(body.suggestions[0]).toMatchObject({ href: "/challenges/c1" });
    expect(body.suggestions[0]!.html).toContain("<mark>");
  });
});
