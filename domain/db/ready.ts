import type { Database } from "./client.ts";
import { DEFAULT_MIGRATIONS_DIR, readMigrationList } from "./migrate.ts";

/**
 * Start-up checks of a process that must not run on a database it cannot use (the worker): one
 * line saying what is wrong and what to do, instead of a warning a second while taking jobs.
 * ADR 0025.
 */
export class DatabaseNotReadyError extends Error {
  override name = "DatabaseNotReadyError";
}

interface AdapterCause {
  kind?: string;
  originalCode?: string;
  originalMessage?: string;
  host?: string;
  port?: number;
  db?: string;
  user?: string;
}

function adapterCause(error: unknown): AdapterCause | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const meta = (current as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
    if (meta?.driverAdapterError?.cause) return meta.driverAdapterError.cause;
    const cause = (current as { cause?: unknown }).cause;
    if (cause && typeof cause === "object" && "kind" in cause) return cause as AdapterCause;
    current = cause;
  }
  return undefined;
}

function where(url: string | undefined): { host: string; role: string; name: string } {
  if (!url) return { host: "PGlite", role: "postgres", name: "postgres" };
  const parsed = new URL(url);
  return {
    host: `${parsed.hostname}:${parsed.port || 5432}`,
    role: decodeURIComponent(parsed.username) || process.env.PGUSER || "(the login user)",
    name: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default)",
  };
}

/**
 * One line for a failed connection or query: names the server, the database and the role, which
 * Prisma's own message for a denied role does not ("denied access on the database `(not available)`").
 */
export function describeDatabaseError(error: unknown, url: string | undefined): string {
  const cause = adapterCause(error);
  const { host, role, name } = where(url);
  switch (cause?.kind) {
    case "DatabaseNotReachable":
      return `database unreachable at ${cause.host && cause.port ? `${cause.host}:${cause.port}` : host}`;
    case "DatabaseDoesNotExist":
      return `database "${cause.db ?? name}" does not exist on ${host}: create it (createdb ${cause.db ?? name}), then run npm run db:migrate`;
    case "DatabaseAccessDenied":
    case "AuthenticationFailed":
      return `database role "${role}" may not connect to "${name}" on ${host}: ${cause.originalMessage ?? "access denied"}`;
    case "TableDoesNotExist":
      return "database not migrated: run npm run db:migrate";
    default:
      break;
  }
  if (cause?.originalMessage) return `database error on ${host}/${name}: ${cause.originalMessage}`;
  const message = error instanceof Error ? error.message : String(error);
  return `database error on ${host}/${name}: ${message.trim().split("\n").pop() ?? message}`;
}

/** Throws a DatabaseNotReadyError (one line) unless the database answers and every migration is applied. */
export async function assertDatabaseReady(options: {
  database: Pick<Database, "prisma">;
  url: string | undefined;
  migrationsDir?: string;
}): Promise<void> {
  let applied: { migration_name: string }[];
  try {
    applied = await options.database.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
  } catch (error) {
    throw new DatabaseNotReadyError(describeDatabaseError(error, options.url), { cause: error });
  }
  const done = new Set(applied.map((row) => row.migration_name));
  const pending = readMigrationList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR)
    .migrationDirectories.map((entry) => entry.path)
    .filter((name) => !done.has(name));
  if (pending.length > 0) {
    throw new DatabaseNotReadyError(
      `database not migrated (${pending.length} pending, first ${pending[0]}): run npm run db:migrate`,
    );
  }
}
