import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { openDatabase, type Database } from "#domain/db/client.ts";
import { DEFAULT_MIGRATIONS_DIR, migrate } from "#domain/db/migrate.ts";

/**
 * One fresh, migrated database per call, for tests.
 * - With TEST_DATABASE_URL (or DATABASE_URL): a new database on that PostgreSQL server, copied
 *   from a template migrated once (`CREATE DATABASE … TEMPLATE …`), dropped by `close()`.
 * - Without: an in-memory PGlite, loaded from a migrated dump made once per process.
 */

export interface TestDatabase extends Database {
  /** Connection string of the database (PostgreSQL only). */
  url?: string;
  /** Disconnects and drops the database. */
  close(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Force an engine; default: PostgreSQL when a URL is set, else PGlite. */
  engine?: "postgres" | "pglite";
  /** Migrations to apply. Default prisma/migrations. */
  migrationsDir?: string;
  /** false: an empty database (for testing migrations themselves). Default true. */
  migrate?: boolean;
}

/** The PostgreSQL server tests use, if any. */
export function testDatabaseUrl(): string | undefined {
  return nonEmpty(process.env.TEST_DATABASE_URL) ?? nonEmpty(process.env.DATABASE_URL);
}

export function hasPostgres(): boolean {
  return testDatabaseUrl() !== undefined;
}

/** The engines available here: always PGlite, PostgreSQL when a URL is set (for `describe.each`). */
export function testEngines(): ("postgres" | "pglite")[] {
  return hasPostgres() ? ["postgres", "pglite"] : ["pglite"];
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const engine = options.engine ?? (hasPostgres() ? "postgres" : "pglite");
  announce(engine);
  const migrationsDir = path.resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const migrated = options.migrate !== false;
  if (engine === "postgres") {
    const serverUrl = testDatabaseUrl();
    if (!serverUrl) throw new Error("createTestDatabase: engine postgres needs TEST_DATABASE_URL or DATABASE_URL");
    return createPostgresDatabase(serverUrl, migrated ? migrationsDir : undefined);
  }
  return createPgliteDatabase(migrated ? migrationsDir : undefined);
}

// --- PostgreSQL --------------------------------------------------------------------------------

const templates = new Map<string, Promise<string>>();

async function createPostgresDatabase(serverUrl: string, migrationsDir: string | undefined): Promise<TestDatabase> {
  reaping ??= dropOrphans(serverUrl).catch(() => {});
  await reaping;
  const template = migrationsDir ? await ensureTemplate(serverUrl, migrationsDir) : undefined;
  const name = `jiebang_t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`),
  );
  const url = databaseUrl(serverUrl, name);
  const database = await openDatabase({ url, poolSize: 5 });
  let closed = false;
  return {
    ...database,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await database.close();
      await withAdmin(serverUrl, async (admin) => {
        // A pool's connections may still be closing after close() resolves; terminating them
        // with FORCE would raise an error in a pool that no longer listens (an uncaught
        // exception that fails the run). Give them up to 3 s to go, then force the rest.
        for (let i = 0; i < 30; i++) {
          const { rows } = await admin.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [name],
          );
          if ((rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

let reaping: Promise<void> | undefined;

/**
 * A test process killed before `close()` (a timeout, Ctrl-C) leaves its database behind. On a
 * server on this machine, drop the `jiebang_t_<pid>_…` databases whose process is gone.
 */
async function dropOrphans(serverUrl: string): Promise<void> {
  if (!["localhost", "127.0.0.1", "[::1]", ""].includes(new URL(serverUrl).hostname)) return;
  await withAdmin(serverUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'jiebang\\_t\\_%'",
    );
    for (const { datname } of rows) {
      const pid = Number(/^jiebang_t_(\d+)_/.exec(datname)?.[1]);
      if (!pid || pid === process.pid || processAlive(pid)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A migrated template database named after a hash of the migrations, so a changed migration gets
 * a new template. Built under a different name and renamed when complete, under an advisory lock,
 * so parallel test processes never copy a half-migrated template.
 */
function ensureTemplate(serverUrl: string, migrationsDir: string): Promise<string> {
  const key = `${serverUrl}\n${migrationsDir}`;
  let pending = templates.get(key);
  if (!pending) {
    pending = buildTemplate(serverUrl, migrationsDir);
    pending.catch(() => templates.delete(key));
    templates.set(key, pending);
  }
  return pending;
}

async function buildTemplate(serverUrl: string, migrationsDir: string): Promise<string> {
  const template = `jiebang_tmpl_${migrationsHash(migrationsDir).slice(0, 16)}`;
  return withAdmin(serverUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [template]);
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (exists.rowCount) return template;
      const building = `${template}_build`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      const database = await openDatabase({ url: databaseUrl(serverUrl, building), poolSize: 1 });
      try {
        await migrate(database, { migrationsDir });
      } finally {
        await database.close();
      }
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      return template;
    } finally {
      await admin.query("SELECT pg_advisory_unlock(hashtext($1))", [template]);
    }
  });
}

/** sha256 over every file name and content under the migrations folder. */
export function migrationsHash(migrationsDir: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(path.relative(migrationsDir, full)).update("\0").update(fs.readFileSync(full)).update("\0");
      }
    }
  };
  if (fs.existsSync(migrationsDir)) walk(migrationsDir);
  return hash.digest("hex");
}

async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// --- PGlite ------------------------------------------------------------------------------------

const dumps = new Map<string, Promise<Blob>>();
/** Migrated dumps survive the process (initdb alone takes seconds); keyed by migrations + PGlite. */
const DUMP_CACHE_DIR = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "jiebang-test-db");

async function createPgliteDatabase(migrationsDir: string | undefined): Promise<TestDatabase> {
  if (!migrationsDir) return openDatabase({ dataDir: "memory" });
  const key = `${pgliteVersion()}-${migrationsHash(migrationsDir).slice(0, 24)}`;
  let dump = dumps.get(key);
  if (!dump) {
    dump = migratedDump(key, migrationsDir);
    dump.catch(() => dumps.delete(key));
    dumps.set(key, dump);
  }
  return openPgliteFromDump(await dump);
}

async function migratedDump(key: string, migrationsDir: string): Promise<Blob> {
  const file = path.join(DUMP_CACHE_DIR, `${key}.tar`);
  if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
  const database = await openDatabase({ dataDir: "memory" });
  let dump: Blob;
  try {
    await migrate(database, { migrationsDir });
    const pglite = (database.adapterFactory as unknown as { client: PGlite }).client;
    dump = await pglite.dumpDataDir("none");
  } finally {
    await database.close();
  }
  // Write then rename: a parallel process reads either nothing or a whole file.
  fs.mkdirSync(DUMP_CACHE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, file);
  return dump;
}

function pgliteVersion(): string {
  const manifest = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  try {
    return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function openPgliteFromDump(dump: Blob): Promise<TestDatabase> {
  return openDatabase({ dataDir: "memory", loadDataDir: dump, relaxedDurability: true });
}

// --- helpers -----------------------------------------------------------------------------------

const announced = new Set<string>();
function announce(engine: "postgres" | "pglite") {
  if (announced.has(engine)) return;
  announced.add(engine);
  const where =
    engine === "postgres"
      ? `PostgreSQL at ${redact(testDatabaseUrl() ?? "")}`
      : "PGlite (in-memory; set TEST_DATABASE_URL to use PostgreSQL)";
  console.info(`[test db] using ${where}`);
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}
