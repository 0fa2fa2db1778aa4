import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "#domain/db/client.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { addresses } from "#domain/ledger/addresses.ts";
import { toBalance } from "#domain/ledger/read.ts";
import { countPerBusinessKey, expectLedgerReconciles, waitForOutboxDrained } from "./support/checks.ts";
import { createDueAuctions, DEPOSIT_FEN, FUNDS_FEN, type DueAuctions } from "./support/auctions.ts";
import {
  faultServersMissing,
  spawnWorker,
  startPostgres,
  startRedis,
  stopProcess,
  waitFor,
  type FaultPostgres,
  type FaultRedis,
  type Spawned,
} from "./support/servers.ts";

const missing = faultServersMissing();
if (missing) console.info(`[faults] worker SIGKILL test not run: ${missing}`);

const AUCTIONS = Number(process.env.FAULT_AUCTIONS ?? 200);

/**
 * Fault 1 (issue 12): `npm run worker` is killed with SIGKILL in the middle of a batch of
 * money-moving jobs — 200 auction closes, each applying the winner's deposit hold and voiding the
 * two others (600 holds) — and started again. Nothing may be lost or paid twice.
 */
describe.skipIf(missing)("worker SIGKILL mid-batch of auction closes", () => {
  let pgServer: FaultPostgres;
  let redis: FaultRedis;
  let database: Database;
  let due: DueAuctions;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
    database = await openDatabase({ url: pgServer.url, poolSize: 8 });
    due = await createDueAuctions(database.prisma, AUCTIONS);
  });
  afterAll(async () => {
    await Promise.all(workers.map(stopProcess));
    await database?.close();
    await Promise.all([redis?.close(), pgServer?.close()]);
  });

  it("closes every auction once after a kill -9 and a restart", async () => {
    const db = database.prisma;
    const env = { DATABASE_URL: pgServer.url, REDIS_URL: redis.url };
    const closedCount = () => db.transferAuction.count({ where: { status: { in: ["closed", "failed"] } } });

    const first = spawnWorker(env);
    workers.push(first);
    await waitFor("the worker to start its job runner", () => first.output().includes("job runner started"), 60_000);
    await enqueue(db, "transfer.auctionsTick", {});

    // Kill it once a part of the batch is done, with the rest still to go.
    const killAt = Math.floor(AUCTIONS / 4);
    await waitFor(`${killAt} auctions closed`, async () => (await closedCount()) >= killAt, 120_000, 50);
    first.kill("SIGKILL");
    await first.exited;
    const closedAtKill = await closedCount();
    expect(closedAtKill, "the kill must land mid-batch").toBeLessThan(AUCTIONS);

    const restartedAt = Date.now();
    const second = spawnWorker(env);
    workers.push(second);
    await waitFor(
      `all ${AUCTIONS} auctions closed after the restart`,
      async () => (await closedCount()) === AUCTIONS,
      150_000,
      250,
    );
    const closedAfterMs = Date.now() - restartedAt;
    const drainedAfterMs = (await waitForOutboxDrained(db, 120_000)) + closedAfterMs;
    console.info(
      `[faults] worker SIGKILL: ${closedAtKill}/${AUCTIONS} closed at the kill; all closed ${closedAfterMs} ms after the restart, outbox drained after ${drainedAfterMs} ms`,
    );

    // Every auction won by its highest bidder, with one deal.
    const auctions = await db.transferAuction.findMany({ where: { id: { in: due.auctionIds } } });
    expect(auctions.map((a) => a.status)).toEqual(due.auctionIds.map(() => "closed"));
    expect(await db.transferDeal.count({ where: { auctionId: { in: due.auctionIds } } })).toBe(AUCTIONS);

    // Exactly one apply and two voids per auction (per business key: the auction), no more.
    const applied = await countPerBusinessKey(db, { field: "auctionId", kinds: ["post_pending"] });
    const voided = await countPerBusinessKey(db, { field: "auctionId", kinds: ["void_pending"] });
    for (const id of due.auctionIds) {
      expect(applied.get(id) ?? 0, `deposit applications for auction ${id}`).toBe(1);
      expect(voided.get(id) ?? 0, `deposit voids for auction ${id}`).toBe(2);
    }
    // No hold left pending; each escrow holds exactly one deposit; each wallet paid one deposit per auction won.
    const accounts = new Map((await db.ledgerAccount.findMany()).map((a) => [a.address, toBalance(a)]));
    for (const id of due.auctionIds) expect(accounts.get(addresses.auctionDeposits(id))?.posted).toBe(DEPOSIT_FEN);
    for (const b of due.bidders) {
      const won = BigInt([...due.winners.values()].filter((org) => org === b.organisationId).length);
      const wallet = accounts.get(addresses.orgWallet(b.organisationId))!;
      expect(wallet.posted, "wallet after the batch").toBe(FUNDS_FEN - won * DEPOSIT_FEN);
      expect(wallet.debitsPending, "holds left on the wallet").toBe(0n);
    }
    await expectLedgerReconciles(db);
    // The restarted worker keeps working: a new job runs.
    const id = await enqueue(db, "ledger.reconcile", {});
    await waitFor(
      "a job after the restart",
      async () => (await db.outboxJob.findUnique({ where: { id } }))?.status === "done",
      60_000,
    );
  });
});
