import path from "node:path";
import pino from "pino";
import { openDatabase } from "#domain/db/client.ts";
import { assertDatabaseReady } from "#domain/db/ready.ts";
import { loadEnv } from "#domain/env.ts";
import { createMailTransport } from "#domain/mail/transport.ts";
import { createSearchEngine } from "#search/index.ts";
import { startJobRunner } from "./dispatcher.ts";
import { assertRedisReachable } from "./redis-check.ts";

/**
 * `npm run worker`: the BullMQ worker and outbox dispatcher as their own process (production).
 * Without Redis the web process runs the jobs itself, so this process has nothing to do.
 */
async function main() {
  const env = loadEnv();
  if (!env.REDIS_URL) {
    console.error("npm run worker needs REDIS_URL; without Redis, `npm start` runs the jobs inside the web process.");
    process.exit(1);
  }
  if (!env.DATABASE_URL) {
    // PGlite serves one process only: it belongs to the web process, which then runs the jobs.
    console.error("npm run worker needs DATABASE_URL; the embedded PGlite database serves only the web process.");
    process.exit(1);
  }
  const log = pino({
    level: env.LOG_LEVEL,
    base: { service: "jiebang-worker" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR) });
  // Before taking any job from the shared queue: a worker that cannot use its database or reach
  // Redis would only burn the attempts of jobs that other workers could run (ADR 0025).
  try {
    await assertDatabaseReady({ database, url: env.DATABASE_URL });
    await assertRedisReachable(env.REDIS_URL);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  const mail = createMailTransport({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, log });
  // The embedded index lives in the web process; a separate worker only talks to Meilisearch.
  const search = env.MEILI_HOST ? createSearchEngine(env) : undefined;
  const runner = await startJobRunner({ db: database.prisma, env, mail, search, log });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "worker stopping");
    const force = setTimeout(() => {
      log.error({}, "worker did not stop within 30 s; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await runner.stop();
      await Promise.allSettled([mail.close(), search?.close()]);
      await database.close();
      log.info({}, "worker stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "worker stop failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
