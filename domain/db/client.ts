import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "#db/generated/client/client.ts";
import { lockDataDir } from "./lock.ts";

export type Db = PrismaClient;
/** The client handed to code inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
/** Either the top-level client or a transaction: read helpers accept both. */
export type DbOrTx = Db | Tx;

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** The driver adapter factory, reused by the migration engine (domain/db/migrate.ts). */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string. Unset means the embedded PGlite engine. */
  url?: string | undefined;
  /** PGlite data directory; `memory` keeps it in memory (tests). */
  dataDir?: string | "memory";
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PGlite only: start from a dump made with `dumpDataDir` (tests copy one migrated database). */
  loadDataDir?: Blob;
  /** PGlite only: skip fsync (tests). */
  relaxedDurability?: boolean;
}

/**
 * Opens the one database of the process: PostgreSQL through @prisma/adapter-pg when a URL is
 * given, otherwise PGlite (PostgreSQL in WASM) in `.data/` — docs/decisions/0002-three-modes.md.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const adapterFactory = oneQueryAtATimeInTransactions(
      new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }),
    );
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      kind: "postgres",
      prisma,
      adapterFactory,
      close: () => prisma.$disconnect(),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const dataDir = options.dataDir ?? path.resolve(".data", "pglite");
  if (dataDir !== "memory") fs.mkdirSync(dataDir, { recursive: true });
  const lock = dataDir === "memory" ? undefined : lockDataDir(dataDir);
  const pgliteOptions = {
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    ...(options.relaxedDurability ? { relaxedDurability: true } : {}),
  };
  const pglite = dataDir === "memory" ? new PGlite(pgliteOptions) : new PGlite(dataDir, pgliteOptions);
  try {
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: "pglite",
    prisma,
    adapterFactory,
    // The adapter's dispose does not close PGlite, and the process will not exit until it is.
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
      lock?.release();
    },
  };
}

/**
 * A transaction is one pg connection, yet Prisma sends some of its queries at once: a read with
 * several relations runs the relation queries in parallel (its query interpreter's `join` node),
 * and so does domain code that awaits `Promise.all` on a `tx`. pg queues them but warns ("Calling
 * client.query() when the client is already executing a query is deprecated"), and pg 9 will
 * refuse them. Queue them here instead, in the order they were sent — what pg did — and let commit
 * and rollback wait for the queue. ADR 0025.
 */
function oneQueryAtATimeInTransactions(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => serialise(await startTransaction(...args));
    return adapter;
  };
  return factory;
}

function serialise(tx: Transaction): Transaction {
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <A extends unknown[], R>(run: (...args: A) => Promise<R>) => {
    return (...args: A): Promise<R> => {
      const result = queue.then(() => run(...args));
      queue = result.catch(() => undefined);
      return result;
    };
  };
  tx.queryRaw = inTurn(tx.queryRaw.bind(tx));
  tx.executeRaw = inTurn(tx.executeRaw.bind(tx));
  tx.commit = inTurn(tx.commit.bind(tx));
  tx.rollback = inTurn(tx.rollback.bind(tx));
  return tx;
}
