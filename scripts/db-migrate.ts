import path from "node:path";
import { openDatabase } from "#domain/db/client.ts";
import { migrate } from "#domain/db/migrate.ts";
import { loadEnv } from "#domain/env.ts";

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the PGlite data
 * directory (PGLITE_DIR) when it is unset. Same result as `prisma migrate deploy`, offline
 * (docs/decisions/0003-offline-migrations.md).
 */
async function main() {
  const env = loadEnv();
  const target = env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `PGlite at ${path.resolve(env.PGLITE_DIR)}`;
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR), poolSize: 1 });
  try {
    const applied = await migrate(database);
    if (applied.length === 0) console.log(`${target}: already up to date.`);
    else
      console.log(
        `${target}: applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join("\n")}`,
      );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
