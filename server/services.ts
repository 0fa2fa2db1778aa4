import path from "node:path";
import { Redis } from "ioredis";
import pino, { type Logger } from "pino";
import { openDatabase, type Database } from "#domain/db/client.ts";
import type { Env } from "#domain/env.ts";
import { createStorage, type ObjectStorage } from "#domain/storage/index.ts";
import { createMailTransport, type MailTransport } from "#domain/mail/transport.ts";
import { followSearchChanges } from "#search/follow.ts";
import { createSearchEngine, type SearchEngine } from "#search/index.ts";
import { configureSearchIndexes, reindexAll } from "#search/sync.ts";
import { startJobRunner } from "#workers/dispatcher.ts";
import { describeRedisError } from "#workers/redis-check.ts";

/**
 * Everything a request or a job needs, built once per process and handed to Remix through the
 * load context (app/utils/context.server.ts). Routes never open their own connections.
 */
export interface Services {
  env: Env;
  log: Logger;
  database: Database;
  databaseLabel: string;
  mail: MailTransport;
  search: SearchEngine;
  /** Attachment bytes: UPLOAD_DIR on the local disk, or the S3 bucket (ADR 0015). */
  storage: ObjectStorage;
  startedAt: Date;
  /** Signs CSRF tokens; SESSION_SECRET, or a random one per process outside production. */
  csrfSecret: string;
  /** Extra /healthz checks for the services that are configured (Redis, Meilisearch). */
  probes: Record<string, () => Promise<void>>;
  /** Starts background work: the in-process job runner without Redis, the outbox dispatcher with it. */
  start(): Promise<void>;
  stopJobs?: () => Promise<void>;
  closeProbes: () => Promise<void>;
}

export function createLogger(env: Env): Logger {
  return pino({ level: env.LOG_LEVEL, base: { service: "jiebang" }, timestamp: pino.stdTimeFunctions.isoTime });
}

export function databaseLabel(env: Env): string {
  if (!env.DATABASE_URL) return `PGlite (${env.PGLITE_DIR})`;
  const url = new URL(env.DATABASE_URL);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

export async function createServices(env: Env, options: { csrfSecret: string; log?: Logger }): Promise<Services> {
  const log = options.log ?? createLogger(env);
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR) });
  const mail = createMailTransport({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, log });
  const search = createSearchEngine(env);
  const probes: Services["probes"] = {};
  const closers: (() => Promise<unknown>)[] = [];
  if (env.REDIS_URL) {
    // A dedicated connection for /healthz that fails fast instead of queueing commands.
    const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on("error", () => undefined);
    const redisUrl = env.REDIS_URL;
    probes.redis = async () => {
      try {
        if (redis.status === "wait" || redis.status === "end") await redis.connect();
        await redis.ping();
      } catch (error) {
        throw new Error(describeRedisError(error, redisUrl));
      }
    };
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
  }
  if (env.MEILI_HOST) {
    probes.search = async () => {
      const health = await search.health();
      if (!health.ok) throw new Error(health.detail ?? "search engine unavailable");
    };
  }
  const services: Services = {
    env,
    log,
    database,
    databaseLabel: databaseLabel(env),
    mail,
    search,
    storage: createStorage(env),
    startedAt: new Date(),
    csrfSecret: options.csrfSecret,
    probes,
    async start() {
      const stops: (() => Promise<void>)[] = [];
      if (env.MEILI_HOST) {
        await configureSearchIndexes(search);
      } else {
        // The embedded index lives in this process: build it from the database, then follow changes.
        const counts = await reindexAll({ db: database.prisma, engine: search });
        log.info({ documents: counts }, "embedded search index built");
        const follower = await followSearchChanges({ db: database.prisma, engine: search, log });
        stops.push(() => follower.stop());
      }
      // With Redis the web process only dispatches outbox rows; `npm run worker` processes run them.
      // Only Meilisearch is shared with workers; the embedded index is fed by the follower above.
      const runner = await startJobRunner({
        db: database.prisma,
        env,
        mail,
        search: env.MEILI_HOST ? search : undefined,
        log,
        runWorker: !env.REDIS_URL,
      });
      stops.unshift(() => runner.stop());
      services.stopJobs = async () => {
        for (const stop of stops) await stop();
      };
    },
    closeProbes: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
  return services;
}

/** Closes in dependency order; PGlite must be closed or the process never exits. */
export async function closeServices(services: Services): Promise<void> {
  await services.stopJobs?.();
  await services.closeProbes();
  await Promise.allSettled([services.search.close(), services.mail.close()]);
  await services.database.close();
}
