import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "#domain/db/client.ts";
import { enqueue } from "#domain/jobs/outbox.ts";
import { addresses } from "#domain/ledger/addresses.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import { toBalance } from "#domain/ledger/read.ts";
import { submitTransactions } from "#domain/ledger/submit.ts";
import { defaultTuning } from "#workers/dispatcher.ts";
import { createOrganisation, createUser, createZone } from "#tests/support/factories.ts";
import { countPerBusinessKey, expectLedgerReconciles, waitForOutboxDrained } from "./support/checks.ts";
import { createDueAuctions, DEPOSIT_FEN, FUNDS_FEN, type DueAuctions } from "./support/auctions.ts";
import {
  faultServersMissing,
  sleep,
  spawnWeb,
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
if (missing) console.info(`[faults] two webs and two workers test not run: ${missing}`);

const AUCTIONS = 50;
const HOLDS = 200;
const TICKS = 4;

/**
 * Fault 3 (issue 12): two web processes (each dispatching the outbox) and two workers on one
 * PostgreSQL database and one Redis. Several ticks of the auction close and of hold expiry are
 * enqueued at once, so both workers run them side by side: each auction closes once, each hold
 * expires once, each outbox row runs as one BullMQ job.
 */
describe.skipIf(missing)("two web processes and two workers on one database", () => {
  let pgServer: FaultPostgres;
  let redis: FaultRedis;
  let database: Database;
  let due: DueAuctions;
  const processes: Spawned[] = [];
  const holdOrgs: string[] = [];

  beforeAll(async () => {
    [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
    database = await openDatabase({ url: pgServer.url, poolSize: 8 });
    const db = database.prisma;
    due = await createDueAuctions(db, AUCTIONS);
    // Holds whose timeout has passed, waiting for holds.expire.
    const zone = await createZone({ db });
    const finance = await createUser({ db, roles: ["finance"] });
    for (let i = 0; i < 3; i++) {
      const org = await createOrganisation({ db, type: "enterprise", zoneId: zone.id });
      holdOrgs.push(org.id);
      await deposit({ db, actorId: finance.id, orgId: org.id, amount: 10_000_000n, bankReference: `TWO-${i}` });
    }
    const timeoutAt = new Date(Date.now() - 60_000);
    await submitTransactions({
      db,
      transactions: Array.from({ length: HOLDS }, (_, i) => ({
        idempotencyKey: `two-hold-${i}`,
        code: "escrow-hold" as const,
        pending: true,
        timeoutAt,
        postings: [
          { debit: addresses.orgWallet(holdOrgs[i % 3]!), credit: "platform:fees", amount: 1_000n + BigInt(i) },
        ],
        metadata: { holdNo: i },
      })),
    });
  });
  afterAll(async () => {
    await Promise.all(processes.map(stopProcess));
    await database?.close();
    await Promise.all([redis?.close(), pgServer?.close()]);
  });

  it("runs every job once and pays every deposit once", async () => {
    const db = database.prisma;
    const env = { DATABASE_URL: pgServer.url, REDIS_URL: redis.url };
    const [webA, webB] = await Promise.all([spawnWeb(env), spawnWeb(env)]);
    const workers = [spawnWorker(env), spawnWorker(env)];
    processes.push(webA, webB, ...workers);
    for (const w of workers)
      await waitFor("a worker to start", () => w.output().includes("job runner started"), 60_000);

    let probing = true;
    const health: number[] = [];
    const probe = (async () => {
      while (probing) {
        for (const web of [webA, webB])
          health.push(
            await fetch(`${web.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
              (r) => r.status,
              () => 0,
            ),
          );
        await sleep(500);
      }
    })();

    const start = Date.now();
    const ids: bigint[] = [];
    for (let i = 0; i < TICKS; i++) {
      ids.push(await enqueue(db, "transfer.auctionsTick", {}));
      ids.push(await enqueue(db, "holds.expire", {}));
    }
    for (let i = 0; i < 120; i++) ids.push(await enqueue(db, "outbox.prune", {}));
    const drainMs = await waitForOutboxDrained(db, 180_000);
    probing = false;
    await probe;
    console.info(
      `[faults] two webs, two workers: ${ids.length} jobs drained in ${Date.now() - start} ms (${drainMs} ms of waiting)`,
    );

    expect(health.length).toBeGreaterThan(0);
    expect(
      health.filter((s) => s !== 200),
      "/healthz of either web not 200 while both ran",
    ).toEqual([]);
    for (const p of processes) expect(p.child.exitCode, p.output().slice(-2000)).toBeNull();

    // Every outbox row ran as exactly one BullMQ job, started once.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(defaultTuning.queueName, { connection, prefix: defaultTuning.prefix });
    try {
      // BullMQ trims the completed set whenever any job finishes, to that job's keep count: wait for
      // a scheduler tick to finish after the outbox jobs did, then their records must still be there.
      const drainedAt = Date.now();
      await waitFor(
        "a scheduler tick to finish after the outbox jobs",
        async () => {
          const jobs = await queue.getCompleted(0, 50);
          return jobs.some((j) => "scheduleId" in (j.data as object) && (j.finishedOn ?? 0) > drainedAt);
        },
        75_000,
        1_000,
      );
      // The outbox row is marked done inside the processor, a moment before BullMQ records the completion.
      const completed = await waitFor(
        "BullMQ to record every job's completion",
        async () => {
          const jobs = await queue.getCompleted(0, -1);
          const seen = new Set(jobs.map((j) => j.id));
          return ids.every((id) => seen.has(`ob-${id}`)) ? jobs : null;
        },
        10_000,
      ).catch(async (error: unknown) => {
        const seen = new Set((await queue.getCompleted(0, -1)).map((j) => j.id));
        const notSeen = ids.filter((id) => !seen.has(`ob-${id}`));
        const states = await Promise.all(
          notSeen.map(async (id) => {
            const job = await queue.getJob(`ob-${id}`);
            const row = await db.outboxJob.findUnique({ where: { id } });
            return `${id} ${row?.name} row=${row?.status}/${row?.attempts} job=${job ? await job.getState() : "none"} ${job?.attemptsStarted}/${job?.attemptsMade} ${job?.failedReason ?? ""}`;
          }),
        );
        throw new Error(`${String(error)}: ${states.join("; ")}`);
      });
      const byId = new Map<string, number>();
      for (const job of completed) byId.set(job.id!, (byId.get(job.id!) ?? 0) + 1);
      for (const id of ids) expect(byId.get(`ob-${id}`), `BullMQ jobs for outbox row ${id}`).toBe(1);
      const started = completed.filter((j) => ids.some((id) => j.id === `ob-${id}`)).map((j) => j.attemptsStarted);
      expect(
        started.filter((n) => n !== 1),
        "jobs started more than once",
      ).toEqual([]);
      expect((await queue.getFailed()).length).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const rows = await db.outboxJob.findMany({ where: { id: { in: ids } }, select: { attempts: true, status: true } });
    expect(rows.filter((r) => r.status !== "done" || r.attempts !== 1)).toEqual([]);

    // Each auction closed once: one award in its audit trail, one deposit applied, two voided.
    const awards = await db.auditEvent.groupBy({
      by: ["entityId"],
      where: { action: "auction.awarded", entityId: { in: due.auctionIds } },
      _count: { _all: true },
    });
    expect(awards.length).toBe(AUCTIONS);
    expect(awards.filter((a) => a._count._all !== 1)).toEqual([]);
    const applied = await countPerBusinessKey(db, { field: "auctionId", kinds: ["post_pending"] });
    const voided = await countPerBusinessKey(db, { field: "auctionId", kinds: ["void_pending"] });
    for (const id of due.auctionIds) {
      expect(applied.get(id) ?? 0, `deposit applications for ${id}`).toBe(1);
      expect(voided.get(id) ?? 0, `deposit voids for ${id}`).toBe(2);
    }
    // Each hold expired once, and the wallets got every held fen back.
    expect(await db.ledgerTransaction.count({ where: { kind: "expire_pending" } })).toBe(HOLDS);
    const accounts = new Map((await db.ledgerAccount.findMany()).map((a) => [a.address, toBalance(a)]));
    for (const org of holdOrgs) {
      const wallet = accounts.get(addresses.orgWallet(org))!;
      expect([wallet.posted, wallet.debitsPending]).toEqual([10_000_000n, 0n]);
    }
    for (const b of due.bidders) {
      const won = BigInt([...due.winners.values()].filter((org) => org === b.organisationId).length);
      expect(accounts.get(addresses.orgWallet(b.organisationId))?.posted).toBe(FUNDS_FEN - won * DEPOSIT_FEN);
    }
    await expectLedgerReconciles(db);
  });
});
