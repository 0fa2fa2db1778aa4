import type { Db } from "#domain/db/client.ts";
import type { SearchEngine } from "./engine.ts";
import { syncDocument } from "./sync.ts";

interface FollowLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * Keeps the embedded index (which lives in this web process) in step with the database by reading
 * the `search.sync` rows of the outbox as a change feed — whichever process runs the jobs
 * themselves (docs/decisions/0002-three-modes.md, 0009-search.md). Starts after the rows that exist
 * now (the caller has just rebuilt the index from the database).
 *
 * Outbox ids come from a sequence, and a transaction can commit after a later id is already
 * visible, so each poll looks back over a window of recent ids and skips the ones it has applied.
 */
export async function followSearchChanges(options: {
  db: Db;
  engine: SearchEngine;
  log: FollowLogger;
  intervalMs?: number;
  lookBack?: number;
}): Promise<{ stop(): Promise<void>; poll(): Promise<number> }> {
  const { db, engine, log } = options;
  const lookBack = BigInt(options.lookBack ?? 500);
  const latest = await db.outboxJob.aggregate({ _max: { id: true } });
  let cursor = latest._max.id ?? 0n;
  const applied = new Set<bigint>();
  let stopped = false;
  let running: Promise<number> | undefined;

  async function poll(): Promise<number> {
    const rows = await db.outboxJob.findMany({
      where: { name: "search.sync", id: { gt: cursor - lookBack } },
      orderBy: { id: "asc" },
      take: 1000,
      select: { id: true, payload: true },
    });
    let count = 0;
    for (const row of rows) {
      if (applied.has(row.id) || row.id <= cursor - lookBack) continue;
      const payload = row.payload as { index?: unknown; id?: unknown };
      if (typeof payload.index === "string" && typeof payload.id === "string") {
        try {
          await syncDocument({ db, engine, index: payload.index, id: payload.id });
          count++;
        } catch (error) {
          log.warn({ err: error, outboxId: row.id.toString() }, "search follow: could not sync a document");
        }
      }
      applied.add(row.id);
      if (row.id > cursor) cursor = row.id;
    }
    for (const id of applied) if (id <= cursor - lookBack) applied.delete(id);
    return count;
  }

  const intervalMs = options.intervalMs ?? 500;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = poll()
      .catch((error: unknown) => {
        log.warn({ err: error }, "search follow: poll failed; retrying");
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();

  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
