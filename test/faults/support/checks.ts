/**
 * What must hold after every fault (issue 12): the ledger reconciles, every payout happened exactly
 * once (counted per business key, not per idempotency key — those are unique by construction),
 * and no outbox row is stuck or failed.
 */
import { expect } from "vitest";
import type { Db } from "#domain/db/client.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { waitFor } from "./servers.ts";

export async function expectLedgerReconciles(db: Db) {
  const report = await reconcileLedger({ db, record: false });
  expect(report, "ledger reconciliation after the fault").toMatchObject({
    ok: true,
    postedBalanced: true,
    pendingBalanced: true,
    mismatchedAccounts: 0,
  });
}

/** Ledger transactions per business key (a metadata field) for one code and kind; keys seen ≠ once listed. */
export async function countPerBusinessKey(
  db: Db,
  options: { field: string; kinds: string[]; keyLike?: string },
): Promise<Map<string, number>> {
  const rows = await db.$queryRawUnsafe<{ key: string; n: number }[]>(
    `SELECT "metadata"->>$1 AS key, count(*)::int AS n FROM "LedgerTransaction"
     WHERE "kind"::text = ANY($2::text[]) AND "metadata" ? $1 AND ($3::text IS NULL OR "idempotencyKey" LIKE $3)
     GROUP BY 1`,
    options.field,
    options.kinds,
    options.keyLike ?? null,
  );
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Waits until every outbox row is done (none pending, dispatched or failed); returns how long it took. */
export async function waitForOutboxDrained(db: Db, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await waitFor(
    "every outbox row to be done",
    async () => {
      const rows = await db.$queryRawUnsafe<{ status: string; n: number }[]>(
        `SELECT "status"::text AS status, count(*)::int AS n FROM "OutboxJob" WHERE "status" <> 'done' GROUP BY 1`,
      );
      const failed = rows.find((r) => r.status === "failed");
      if (failed) {
        const errors = await db.outboxJob.findMany({
          where: { status: "failed" },
          select: { name: true, lastError: true },
        });
        throw new Error(`failed outbox rows: ${JSON.stringify(errors)}`);
      }
      return rows.length === 0;
    },
    timeoutMs,
    500,
  ).catch(async (error: unknown) => {
    const left = await db.outboxJob.findMany({
      where: { status: { not: "done" } },
      select: { id: true, name: true, status: true, attempts: true, lastError: true, updatedAt: true },
    });
    throw new Error(
      `${String(error)}; rows not done: ${JSON.stringify(left, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`,
    );
  });
  return Date.now() - start;
}
