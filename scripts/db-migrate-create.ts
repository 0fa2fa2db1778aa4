import path from "node:path";
import { createMigration } from "#domain/db/migrate.ts";

/**
 * `npm run db:migrate:create -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql
 * with the difference between the migrations and prisma/schema/*.prisma. Needs no database: the
 * migrations are replayed on an in-memory PGlite. Hand-written SQL (triggers, CHECK constraints,
 * partial indexes) may be appended to the file before it is applied.
 */
async function main() {
  const name = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
  if (!name) {
    console.error("Usage: npm run db:migrate:create -- <name>   (e.g. add_challenges)");
    process.exit(2);
  }
  const result = await createMigration({ name });
  if (!result.file) {
    console.log("No changes: the schema matches the migrations.");
    return;
  }
  console.log(
    `Created ${path.relative(process.cwd(), result.file)}\nReview it, add any hand-written SQL, then run npm run db:migrate.`,
  );
}

main().catch((error: unknown) => {
  console.error(`Creating the migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
