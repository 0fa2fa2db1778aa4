import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue } from "#domain/jobs/outbox.ts";
import { createEmbeddedSearchEngine } from "#search/embedded.ts";
import type { SearchEngine } from "#search/engine.ts";
import { reindexAll } from "#search/sync.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { createOrganisation, createZone } from "#tests/support/factories.ts";
import { startJobRunner, type JobRunner } from "#workers/dispatcher.ts";
import { logMail, memoryLogger, testEnv } from "#tests/workers/support.ts";

/**
 * Issue 6: "a change is searchable within 2 seconds". Embedded mode end to end: the web process's
 * in-process runner (default tuning, 1 s poll) picks up the search.sync row written with the
 * change and the embedded index answers.
 */
describe("search freshness through the outbox (embedded engine, in-process runner)", () => {
  let database: TestDatabase;
  let engine: SearchEngine;
  let runner: JobRunner;
  beforeAll(async () => {
    database = await createTestDatabase();
    engine = createEmbeddedSearchEngine();
    await reindexAll({ db: database.prisma, engine }); // what the web process does at start
    runner = await startJobRunner({
      db: database.prisma,
      env: testEnv(),
      mail: logMail(),
      log: memoryLogger(),
      search: engine,
      schedules: [],
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await engine?.close();
    await database?.close();
  });

  it("finds a new organisation within 2 seconds of its commit, and loses a deleted one as fast", async () => {
    const db = database.prisma;
    const zone = await createZone({ db, code: "yuxi-fresh" });
    const started = Date.now();
    const organisation = await db.$transaction(async (tx) => {
      const created = await createOrganisation({ db: tx, zoneId: zone.id, name: "玉溪澜沧光电子科技有限公司" });
      await enqueue(tx, "search.sync", { index: "organisations", id: created.id });
      return created;
    });
    const found = async () => (await engine.search("organisations", { q: "澜沧光电子" })).total;
    while ((await found()) === 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 20));
    const elapsed = Date.now() - started;
    console.info(`search freshness: searchable ${elapsed} ms after the commit`);
    expect(await found()).toBe(1);
    expect(elapsed).toBeLessThan(2_000);

    const removed = Date.now();
    await db.$transaction(async (tx) => {
      await tx.organisation.delete({ where: { id: organisation.id } });
      await enqueue(tx, "search.sync", { index: "organisations", id: organisation.id });
    });
    while ((await found()) === 1 && Date.now() - removed < 5_000) await new Promise((r) => setTimeout(r, 20));
    expect(await found()).toBe(0);
    expect(Date.now() - removed).toBeLessThan(2_000);
  });
});
