import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "#domain/db/client.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { configureSearchIndexes, reindexAll, syncDocument } from "#search/sync.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import type { JobContext } from "#workers/jobs.ts";
import { defaultJobRegistry } from "#workers/registry.ts";

/** Index definitions and sync against the real schema (PostgreSQL when DATABASE_URL is set, else PGlite). */
describe("search index definitions and sync", () => {
  let database: TestDatabase;
  let db: Db;
  let engine: SearchEngine;
  const made = {} as Record<string, string>;

  /** A challenge in a given status, as its process would leave it (the status guard allows the process flag). */
  async function insertChallenge(data: {
    title: string;
    status: string;
    seekerAnonymous?: boolean;
    visibility?: "public" | "invited";
  }) {
    return db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT set_config('jiebang.process', 'on', true)");
      const row = await tx.challenge.create({
        data: {
          zoneId: made.zone!,
          organisationId: made.seeker!,
          createdById: made.researcher!,
          title: data.title,
          problemStatement: "<p>需要&amp;提升 <b>磷酸铁锂</b> 正极材料的压实密度</p>",
          indicators: [{ name: "压实密度", target: "2.6", unit: "g/cm³" }],
          industry: "new_materials",
          fieldTags: ["锂电池", "正极材料"],
          bounty: 5_000_000_00n,
          bidDeadline: new Date("2027-03-01T00:00:00Z"),
          ipTerms: "exclusive_licence",
          status: data.status as never,
          seekerAnonymous: data.seekerAnonymous ?? false,
          visibility: data.visibility ?? "public",
          publishedAt: new Date("2026-11-01T00:00:00Z"),
        },
      });
      return row.id;
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.prisma;
    engine = createEmbeddedSearchEngine();
    await configureSearchIndexes(engine);
    const zone = await createZone({
      db,
      code: "kunming-search",
      nameZh: "昆明高新技术产业开发区",
      nameEn: "Kunming High-tech Zone",
    });
    made.zone = zone.id;
    made.seeker = (await createOrganisation({ db, zoneId: zone.id, name: "云南滇峰锂能科技有限公司" })).id;
    made.provider = (
      await createOrganisation({ db, zoneId: zone.id, type: "service_provider", name: "昆明知识产权代理服务有限公司" })
    ).id;
    made.researcher = (
      await createUser({
        db,
        name: "李晓雯",
        email: "li.xiaowen@example.cn",
        passwordHash: "x",
        roles: ["researcher", "finance"],
        brokerCredentialNo: "JSJJ-53-2026-00001",
        memberships: [{ organisationId: made.seeker }],
      })
    ).id;
    made.staff = (await createUser({ db, name: "王财务", passwordHash: "x", roles: ["finance"] })).id;
  });
  afterAll(async () => {
    await engine?.close();
    await database?.close();
  });

  it("indexes a person's public profile only: name, public roles, organisations, zones — never the email", async () => {
    expect(await syncDocument({ db, engine, index: "people", id: made.researcher! })).toBe("upserted");
    const result = await engine.search("people", { q: "李晓雯", filter: "roles = researcher" });
    expect(result.hits).toHaveLength(1);
    const document = result.hits[0]!.document;
    expect(document).toMatchObject({
      id: made.researcher,
      name: "李晓雯",
      roles: ["researcher"],
      organisationNames: ["云南滇峰锂能科技有限公司"],
      zone: ["kunming-search"],
    });
    const text = JSON.stringify(document);
    expect(text).not.toContain("example.cn");
    expect(text).not.toContain("JSJJ");
    expect(text).not.toContain("finance");
    expect(Object.keys(document).sort()).toEqual(
      [
        "createdAt",
        "id",
        "name",
        "organisationIds",
        "organisationNames",
        "organisationTypes",
        "roles",
        "zone",
        "zoneName",
      ].sort(),
    );
    // Staff without a public role are not searchable people.
    expect(await syncDocument({ db, engine, index: "people", id: made.staff! })).toBe("deleted");
    expect((await engine.search("people", { q: "王财务" })).total).toBe(0);
  });

  it("indexes organisations without credit or reference codes, and providers separately", async () => {
    await syncDocument({ db, engine, index: "organisations", id: made.seeker! });
    await syncDocument({ db, engine, index: "organisations", id: made.provider! });
    const organisation = (await engine.search("organisations", { q: "滇峰" })).hits[0]!.document;
    expect(organisation).toMatchObject({
      name: "云南滇峰锂能科技有限公司",
      type: "enterprise",
      zone: "kunming-search",
    });
    expect(Object.keys(organisation)).not.toContain("creditCode");
    expect(Object.keys(organisation)).not.toContain("referenceCode");
    expect(await syncDocument({ db, engine, index: "providers", id: made.provider! })).toBe("upserted");
    expect(await syncDocument({ db, engine, index: "providers", id: made.seeker! })).toBe("deleted");
    expect((await engine.search("providers", { q: "知识产权" })).hits.map((h) => h.document.id)).toEqual([
      made.provider,
    ]);
  });

  it("indexes published public challenges, hides an anonymous seeker, and removes what is not public", async () => {
    const named = await insertChallenge({ title: "锂电池正极材料压实密度提升", status: "published" });
    const anonymous = await insertChallenge({
      title: "高镍正极材料包覆改性",
      status: "published",
      seekerAnonymous: true,
    });
    const draft = await insertChallenge({ title: "草稿中的需求", status: "draft" });
    const invited = await insertChallenge({ title: "邀请制正极材料需求", status: "published", visibility: "invited" });
    for (const id of [named, anonymous, draft, invited]) await syncDocument({ db, engine, index: "challenges", id });

    const result = await engine.search("challenges", {
      q: "正极材料",
      facets: ["industry", "zone"],
      highlight: ["problem"],
    });
    expect(result.hits.map((h) => h.document.id).sort()).toEqual([named, anonymous].sort());
    const shown = result.hits.find((h) => h.document.id === named)!;
    expect(shown.document).toMatchObject({
      organisationName: "云南滇峰锂能科技有限公司",
      bountyFen: 500_000_000,
      bidDeadline: Math.floor(Date.parse("2027-03-01T00:00:00Z") / 1000),
      problem: "需要&提升 磷酸铁锂 正极材料的压实密度",
      indicators: ["压实密度"],
      status: "published",
    });
    expect(shown.highlight?.problem).toContain("<mark>正极材料</mark>");
    expect(result.facets?.industry).toEqual({ new_materials: 2 });
    const hidden = result.hits.find((h) => h.document.id === anonymous)!.document;
    expect(hidden.organisationName).toBeUndefined();
    expect(hidden.organisationId).toBeUndefined();
    expect(JSON.stringify(hidden)).not.toContain("滇峰");
    expect(ids(await engine.search("challenges", { q: "滇峰" }))).toEqual([named]);

    // A record that is gone is deleted from the index.
    await db.challenge.delete({ where: { id: named } });
    expect(await syncDocument({ db, engine, index: "challenges", id: named })).toBe("deleted");
    expect(ids(await engine.search("challenges", { q: "正极材料" }))).toEqual([anonymous]);
  });

  it("runs as the search.sync job, and reindexAll rebuilds every index from the database", async () => {
    const job = defaultJobRegistry.get("search.sync")!;
    expect(job.payload.safeParse({ index: "secrets", id: "x" }).success).toBe(false);
    const warnings: string[] = [];
    const debug: string[] = [];
    const log = {
      info: () => {},
      warn: (_: object, m?: string) => warnings.push(m ?? ""),
      error: () => {},
      debug: (_: object, m?: string) => debug.push(m ?? ""),
    };
    const ctx = { db, search: engine, log } as unknown as JobContext;
    await job.process({ index: "organisations", id: made.provider }, ctx);
    expect(debug).toEqual(["search document synced"]);
    // Without a shared engine (embedded mode) the job has nothing to do: the web process's
    // follower reads the same outbox row (search/follow.ts).
    await job.process({ index: "organisations", id: made.provider }, { ...ctx, search: undefined });
    expect(warnings).toEqual([]);
    expect(debug).toEqual(["search document synced", "search.sync: embedded index follows the outbox"]);

    const fresh = createEmbeddedSearchEngine();
    const counts = await reindexAll({ db, engine: fresh, batchSize: 1 });
    expect(counts.people).toBeGreaterThanOrEqual(1);
    expect(counts.providers).toBeGreaterThanOrEqual(1);
    expect(counts.organisations).toBeGreaterThanOrEqual(2);
    expect(counts.challenges).toBeGreaterThanOrEqual(1);
    expect(ids(await fresh.search("people", { q: "李晓雯" }))).toEqual([made.researcher]);
    expect((await fresh.search("challenges", { q: "草稿" })).total).toBe(0);
    await fresh.close();
  });
});

function ids(result: { hits: { document: Record<string, unknown> }[] }) {
  return result.hits.map((hit) => hit.document.id);
}
