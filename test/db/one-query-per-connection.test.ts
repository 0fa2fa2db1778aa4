import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { createDealInState, createTransferWorld } from "#tests/support/transfer-factories.ts";

/**
 * A transaction is one pg connection: a query sent on it while another runs makes pg print
 * "Calling client.query() when the client is already executing a query is deprecated" (pg 9 will
 * refuse it). Prisma itself runs the relation queries of one read at once (its `join` node), and completing
 * a deal built its outbox payload with four queries at once (ADR 0025).
 */
const reason = "needs PostgreSQL (DATABASE_URL or TEST_DATABASE_URL): PGlite has no pg client";
if (!hasPostgres()) console.log(`one query per connection not checked: ${reason}`);

type Queue = { _queryQueue: unknown[]; _activeQuery: unknown };

describe.skipIf(!hasPostgres())("one query at a time per pg connection", () => {
  let db: TestDatabase;
  const overlaps: string[] = [];
  const original = pg.Client.prototype.query;
  beforeAll(async () => {
    db = await createTestDatabase();
    pg.Client.prototype.query = function (this: pg.Client & Queue, ...args: unknown[]) {
      if (this._activeQuery || this._queryQueue.length > 0) {
        const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string })?.text;
        overlaps.push(String(text).slice(0, 80));
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(async () => {
    pg.Client.prototype.query = original;
    await db?.close();
  });

  it("completing a deal (with a broker and a service agency) never overlaps queries", async () => {
    const world = await createTransferWorld({ db: db.prisma });
    const { deal } = await createDealInState({ db: db.prisma, world, state: "completed" });
    expect(deal.status).toBe("completed");
    expect(overlaps).toEqual([]);
  });
});
