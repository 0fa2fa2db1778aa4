import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "#domain/identity/signup.ts";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { followSearchChanges } from "#search/follow.ts";
import { reindexAll } from "#search/sync.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createZone } from "#tests/support/factories.ts";

const quiet = { warn: () => undefined, debug: () => undefined };

/** The embedded index follows the outbox's search.sync rows, whoever runs the jobs. */
describe("embedded index following the outbox", () => {
  let database: TestDatabase;
  let engine: SearchEngine;
  beforeAll(async () => {
    database = await createTestDatabase();
    engine = createEmbeddedSearchEngine();
  });
  afterAll(async () => {
    await engine.close();
    await database.close();
  });

  it("makes a newly signed-up organisation and person searchable without running any job", async () => {
    const db = database.prisma;
    const zone = await createZone({ db });
    await reindexAll({ db, engine });
    const follower = await followSearchChanges({ db, engine, log: quiet, intervalMs: 60_000 });
    try {
      await signUp({
        db,
        email: "duan.lan@example.cn",
        name: "段岚",
        password: "高原光伏-2026-口令",
        personalRoles: ["researcher"],
        organisation: {
          create: {
            name: "云南高原光伏材料科技有限公司",
            type: "enterprise",
            creditCode: generateCreditCode(),
            zoneId: zone.id,
          },
        },
      });
      expect((await engine.search("organisations", { q: "光伏" })).hits).toHaveLength(0);
      expect(await follower.poll()).toBeGreaterThanOrEqual(2);
      const orgs = await engine.search("organisations", { q: "光伏材料" });
      expect(orgs.hits.map((h) => h.document.name)).toContain("云南高原光伏材料科技有限公司");
      // Self-registered: shown as 未确认 until a zone officer confirms it (ADR 0022).
      expect(orgs.hits.find((h) => h.document.name === "云南高原光伏材料科技有限公司")?.document.confirmed).toBe(false);
      const people = await engine.search("people", { q: "段岚" });
      expect(people.hits).toHaveLength(1);
      expect(JSON.stringify(people.hits[0]!.document)).not.toContain("duan.lan@example.cn");
      // Polling again applies nothing twice.
      expect(await follower.poll()).toBe(0);
    } finally {
      await follower.stop();
    }
  });
});
