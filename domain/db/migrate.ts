import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import type { Database } from "./client.ts";
import { readSchemaFiles, withSchemaEngine, type EngineLog } from "./schema-engine.ts";

/**
 * Applies pending migrations from prisma/migrations the way `prisma migrate deploy` does — same
 * engine (Prisma's schema engine, as WebAssembly), same `_prisma_migrations` table, same sha256
 * checksums — but without the native engine binary, which cannot be downloaded everywhere.
 * See docs/decisions/0003-offline-migrations.md for the adapter problems worked around here.
 */

export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, "..", "..", "prisma", "migrations");
export const DEFAULT_SCHEMA_DIR = path.resolve(__dirname, "..", "..", "prisma", "schema");

export interface MigrateOptions {
  /** Folder of `<timestamp>_<name>/migration.sql` directories. Default prisma/migrations. */
  migrationsDir?: string;
  /** Receives the engine's log lines (silent by default). */
  log?: EngineLog;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Reads a migrations folder into the engine's `MigrationList`, exactly as the prisma CLI does. */
export function readMigrationList(migrationsDir: string, shadowDbInitScript = ""): MigrationList {
  const lockfilePath = "migration_lock.toml";
  let lockContent: string | null = null;
  try {
    lockContent = fs.readFileSync(path.join(migrationsDir, lockfilePath), "utf8");
  } catch {
    lockContent = null;
  }
  const entries = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const file = "migration.sql";
      let content: MigrationList["migrationDirectories"][number]["migrationFile"]["content"];
      try {
        content = { tag: "ok", value: fs.readFileSync(path.join(migrationsDir, entry.name, file), "utf8") };
      } catch (error) {
        content = { tag: "error", value: (error as Error).message };
      }
      return { path: entry.name, migrationFile: { path: file, content } };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockContent },
    migrationDirectories,
    shadowDbInitScript,
  };
}

/**
 * Applies every migration not yet applied; returns the names applied now (empty when up to date).
 * A failing migration rolls back (its script runs as one implicit transaction), is recorded as
 * failed (finished_at NULL, logs set) like Prisma does, and the call throws a MigrationError that
 * carries the PostgreSQL message. Fix the migration, then call `markMigrationRolledBack` (or
 * `prisma migrate resolve --rolled-back`) and migrate again.
 */
export async function migrate(
  database: Pick<Database, "kind" | "adapterFactory">,
  options: MigrateOptions = {},
): Promise<string[]> {
  const migrationsList = readMigrationList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const factory = migrationAdapterFactory(database);
  try {
    return await withSchemaEngine(
      { adapterFactory: factory, ...(options.log ? { log: options.log } : {}) },
      async (engine) => {
        try {
          const output = await engine.applyMigrations({
            migrationsList,
            filters: { externalTables: [], externalEnums: [] },
          });
          return output.appliedMigrationNames;
        } catch (error) {
          throw toMigrationError(error, factory.lastScriptError);
        }
      },
    );
  } finally {
    await factory.close();
  }
}

/** Marks a failed migration as rolled back (`prisma migrate resolve --rolled-back <name>`). */
export async function markMigrationRolledBack(
  database: Pick<Database, "kind" | "adapterFactory">,
  migrationName: string,
): Promise<void> {
  const factory = migrationAdapterFactory(database);
  try {
    await withSchemaEngine({ adapterFactory: factory }, async (engine) => {
      try {
        await engine.markMigrationRolledBack({ migrationName });
      } catch (error) {
        throw toMigrationError(error);
      }
    });
  } finally {
    await factory.close();
  }
}

/** The engine rejects with a JSON-ish user-facing error; keep its message readable. */
export function toMigrationError(error: unknown, serverError?: PostgresErrorFields): MigrationError {
  if (error instanceof MigrationError) return error;
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  let message = raw;
  try {
    const parsed = JSON.parse(raw) as { message?: string; error_code?: string; meta?: unknown };
    if (parsed && typeof parsed.message === "string")
      message = parsed.error_code ? `${parsed.error_code}: ${parsed.message}` : parsed.message;
  } catch {
    // not JSON: keep as is
  }
  // The engine appends a Rust span trace ("   0: sql_schema_connector::…"); keep only the
  // migration it names.
  const migrationName = /migration_name="([^"]+)"/.exec(message)?.[1];
  message = message
    .replace(/\n\s+0: [\s\S]*$/, "")
    .replace(/^external connector error\n/, "")
    .trim();
  if (migrationName && serverError) {
    // The engine renders some SQLSTATEs generically ("No such table: x"); use the server's words.
    const extra = [
      serverError.detail && `DETAIL: ${serverError.detail}`,
      serverError.hint && `HINT: ${serverError.hint}`,
    ].filter(Boolean);
    message = `Migration ${migrationName} failed: ${serverError.message} (SQLSTATE ${serverError.code})${extra.length ? `\n${extra.join("\n")}` : ""}`;
  } else if (migrationName && !message.includes(migrationName)) {
    message = `Migration ${migrationName} failed: ${message}`;
  }
  const result = new MigrationError(message);
  result.cause = error;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Driver adapters, repaired for the schema engine. Each factory owns its connections and must be
// closed. Nothing in node_modules is patched: we wrap instances.
// ---------------------------------------------------------------------------------------------

export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  close(): Promise<void>;
  /** The server's error from the last failed script: the engine reports only a generic kind. */
  lastScriptError?: PostgresErrorFields | undefined;
}

export interface PostgresErrorFields {
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: string | undefined;
}

/** Builds the repaired adapter factory for a database opened by `openDatabase`. */
export function migrationAdapterFactory(database: Pick<Database, "kind" | "adapterFactory">): MigrationAdapterFactory {
  if (database.kind === "postgres") {
    const config = (database.adapterFactory as unknown as { config?: pg.PoolConfig }).config;
    if (!config) throw new Error("migrate: cannot read the connection settings of the PostgreSQL adapter");
    return pgMigrationAdapterFactory(config);
  }
  const client = (database.adapterFactory as unknown as { client?: PGliteLike }).client;
  if (!client) throw new Error("migrate: cannot reach the PGlite instance of the adapter");
  return pgliteMigrationAdapterFactory(database.adapterFactory, client);
}

/** pg type oid of `"char"` (pg_class.relkind, pg_constraint.contype…), which adapter-pg rejects. */
const CHAR_OID = 18;
const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultWithFields = { fields?: { dataTypeID: number }[] };

function relabelCatalogTypes<T>(result: T): T {
  for (const field of (result as QueryResultWithFields)?.fields ?? []) {
    // Both arrive as strings from pg's parsers; the adapter only needs to call them text.
    if (field.dataTypeID === CHAR_OID || field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/** Wraps `query` of a pg Client/Pool instance so catalog types come back labelled as text. */
function relabelQueries<Q extends { query: (...args: never[]) => unknown }>(queryable: Q): Q {
  const original = queryable.query.bind(queryable) as (...args: unknown[]) => unknown;
  (queryable as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const callback = last as (error: unknown, result: unknown) => void;
      return original(...args.slice(0, -1), (error: unknown, result: unknown) =>
        callback(error, error ? result : relabelCatalogTypes(result)),
      );
    }
    const returned = original(...args);
    return returned instanceof Promise ? returned.then(relabelCatalogTypes) : returned;
  };
  return queryable;
}

function pgMigrationAdapterFactory(config: pg.PoolConfig): MigrationAdapterFactory {
  // One connection: Prisma's advisory lock is per session, so lock and unlock must share it.
  const pools: pg.Pool[] = [];
  const makePool = (overrides: pg.PoolConfig = {}) => {
    const pool = new pg.Pool({ ...config, ...overrides, max: 1 });
    pool.on("connect", (client) => {
      relabelQueries(client);
    });
    pools.push(pool);
    return pool;
  };

  const wrap = (adapter: SqlDriverAdapter, pool: pg.Pool, onDispose: () => Promise<void>): SqlDriverAdapter =>
    overrideAdapter(adapter, {
      // adapter-pg splits scripts on every ";", which breaks $$ bodies and string literals. A
      // parameterless query uses the simple protocol: one implicit transaction for the script.
      async executeScript(script: string) {
        try {
          await pool.query(script);
        } catch (error) {
          factory.lastScriptError = postgresErrorFields(error);
          (adapter as unknown as { onError(e: unknown): never }).onError(error);
        }
      },
      dispose: onDispose,
    });

  const factory: MigrationAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const pool = makePool();
      const adapter = await new PrismaPg(pool).connect();
      return wrap(adapter, pool, async () => {
        await pool.end().catch(() => {});
      });
    },
    async connectToShadowDb() {
      // adapter-pg's own version keeps the connection string's database (it wins over
      // `database`), so its "shadow" database would be the real one.
      const admin = makePool();
      const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const url = config.connectionString ? new URL(config.connectionString) : undefined;
      if (url) url.pathname = `/${name}`;
      const pool = makePool(url ? { connectionString: url.toString() } : { database: name });
      const adapter = await new PrismaPg(pool).connect();
      return wrap(adapter, pool, async () => {
        await pool.end().catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
        await admin.end().catch(() => {});
      });
    },
    async close() {
      await Promise.all(pools.map((pool) => (pool.ended ? undefined : pool.end().catch(() => {}))));
    },
  };
  return factory;
}

interface PGliteLike {
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
  closed: boolean;
}

function pgliteMigrationAdapterFactory(
  original: SqlMigrationAwareDriverAdapterFactory,
  client: PGliteLike,
): MigrationAdapterFactory {
  const shadows: PGliteLike[] = [];
  const fixExecuteScript = (adapter: SqlDriverAdapter, pglite: PGliteLike, onDispose: () => Promise<void>) =>
    overrideAdapter(adapter, {
      // pglite-prisma-adapter does not await `exec`, so a failing script would be reported as a
      // success and recorded as applied.
      async executeScript(script: string) {
        try {
          await pglite.exec(script);
        } catch (error) {
          factory.lastScriptError = postgresErrorFields(error);
          (adapter as unknown as { onError(e: unknown): never }).onError(error);
        }
      },
      dispose: onDispose,
    });

  const factory: MigrationAdapterFactory = {
    provider: "postgres",
    adapterName: original.adapterName,
    async connect() {
      const adapter = await original.connect();
      // The database belongs to the caller: disposing the engine's connection must not close it.
      return fixExecuteScript(adapter, client, async () => {});
    },
    async connectToShadowDb() {
      // The adapter's shadow PGlite is never closed; use our own and close it on dispose.
      const { PGlite } = await import("@electric-sql/pglite");
      const shadow = new PGlite();
      await shadow.waitReady;
      shadows.push(shadow);
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      const adapter = await new PrismaPGlite(shadow).connect();
      return fixExecuteScript(adapter, shadow, async () => {
        if (!shadow.closed) await shadow.close();
      });
    },
    async close() {
      await Promise.all(shadows.map((shadow) => (shadow.closed ? undefined : shadow.close())));
    },
  };
  return factory;
}

function postgresErrorFields(error: unknown): PostgresErrorFields | undefined {
  const e = error as Record<string, unknown> | undefined;
  if (typeof e?.code !== "string" || typeof e.message !== "string") return undefined;
  const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : undefined);
  return { code: e.code, message: e.message, detail: text(e.detail), hint: text(e.hint), position: text(e.position) };
}

/** An adapter whose methods are the original's except the overridden ones. */
function overrideAdapter(
  adapter: SqlDriverAdapter,
  overrides: Partial<Pick<SqlDriverAdapter, "executeScript" | "dispose">>,
): SqlDriverAdapter {
  const wrapped = Object.create(adapter) as SqlDriverAdapter;
  Object.assign(wrapped, overrides);
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Creating migrations (`prisma migrate dev --create-only`, offline).
// ---------------------------------------------------------------------------------------------

export interface CreateMigrationOptions {
  /** Name after the timestamp, e.g. "add_challenges" (sanitised like Prisma does). */
  name: string;
  /** Folder of `*.prisma` files. Default prisma/schema. */
  schemaDir?: string;
  /** Default prisma/migrations. */
  migrationsDir?: string;
  /** Clock, for tests. */
  now?: Date;
  log?: EngineLog;
}

export interface CreateMigrationResult {
  /** `<YYYYMMDDHHMMSS>_<name>`, or null when the schema matches the migrations. */
  migrationName: string | null;
  /** Path of the written migration.sql, or null. */
  file: string | null;
  /** The SQL written (empty when nothing changed). */
  script: string;
}

/**
 * Diffs the migrations (replayed on a shadow database, an in-memory PGlite) against the schema
 * folder and writes the difference as a new migration directory. Writes nothing when there is no
 * difference. SQL added by hand to a migration (functions, triggers, CHECK constraints) is
 * replayed on the shadow database and is not in the Prisma schema; Prisma's diff leaves such
 * objects alone.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const migrationsDir = path.resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schemaDir = path.resolve(options.schemaDir ?? DEFAULT_SCHEMA_DIR);
  const schemaFiles = readSchemaFiles(schemaDir);
  if (schemaFiles.length === 0) throw new MigrationError(`createMigration: no .prisma files in ${schemaDir}`);
  const migrationsList = readMigrationList(migrationsDir);
  // The engine learns the connector from the lock file; a new folder has none yet.
  migrationsList.lockfile.content ??= MIGRATION_LOCK;
  const factory = shadowOnlyAdapterFactory();
  let script: string;
  try {
    script = await withSchemaEngine(
      { adapterFactory: factory, schemaFiles, ...(options.log ? { log: options.log } : {}) },
      async (engine) => {
        try {
          const result = await engine.diff({
            from: { tag: "migrations", ...migrationsList },
            to: { tag: "schemaDatamodel", files: schemaFiles },
            script: true,
            exitCode: true,
            filters: { externalTables: [], externalEnums: [] },
          });
          return result.exitCode === 2 ? (result.stdout ?? "") : "";
        } catch (error) {
          throw toMigrationError(error);
        }
      },
    );
  } finally {
    await factory.close();
  }
  if (!script.trim()) return { migrationName: null, file: null, script: "" };

  const migrationName = `${nextTimestamp(options.now ?? new Date(), migrationsList)}_${sanitizeMigrationName(options.name)}`;
  const dir = path.join(migrationsDir, migrationName);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "migration.sql");
  fs.writeFileSync(file, script);
  const lockfile = path.join(migrationsDir, "migration_lock.toml");
  if (!fs.existsSync(lockfile)) {
    fs.writeFileSync(lockfile, MIGRATION_LOCK);
  }
  return { migrationName, file, script };
}

const MIGRATION_LOCK =
  '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n';

/** Prisma's rule: lower-case, anything but [a-z0-9_] becomes "_", at most 200 characters. */
export function sanitizeMigrationName(name: string): string {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
  if (!cleaned) throw new MigrationError("createMigration: the migration name must contain a letter or digit");
  return cleaned;
}

/** UTC YYYYMMDDHHMMSS, moved past the newest existing migration so the order stays right. */
function nextTimestamp(now: Date, migrationsList: MigrationList): string {
  const format = (date: Date) => date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  let stamp = format(now);
  const newest = migrationsList.migrationDirectories.at(-1)?.path.slice(0, 14);
  if (newest && /^\d{14}$/.test(newest) && stamp <= newest) {
    const parsed = new Date(
      Date.UTC(
        +newest.slice(0, 4),
        +newest.slice(4, 6) - 1,
        +newest.slice(6, 8),
        +newest.slice(8, 10),
        +newest.slice(10, 12),
        +newest.slice(12, 14),
      ),
    );
    stamp = format(new Date(parsed.getTime() + 1000));
  }
  return stamp;
}

/**
 * For a diff the engine only probes the main connection (`SELECT version()`…) and replays the
 * migrations on the shadow database. One fresh in-memory PGlite serves both: starting PGlite
 * costs seconds, and the probe changes nothing.
 */
function shadowOnlyAdapterFactory(): MigrationAdapterFactory {
  let shared: Promise<{ factory: MigrationAdapterFactory; pglite: PGliteLike }> | undefined;
  const open = () =>
    (shared ??= (async () => {
      const { PGlite } = await import("@electric-sql/pglite");
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      const pglite = new PGlite();
      await pglite.waitReady;
      return { factory: pgliteMigrationAdapterFactory(new PrismaPGlite(pglite), pglite), pglite };
    })());
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pglite",
    connect: async () => (await open()).factory.connect(),
    connectToShadowDb: async () => (await open()).factory.connect(),
    async close() {
      if (!shared) return;
      const { pglite } = await shared;
      if (!pglite.closed) await pglite.close();
    },
  } as MigrationAdapterFactory;
}
