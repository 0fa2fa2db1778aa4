import path from "node:path";
import { openDatabase } from "#domain/db/client.ts";
import { loadEnv } from "#domain/env.ts";
import { createSearchEngine } from "#search/index.ts";
import { reindexAll } from "#search/sync.ts";

/**
 * `npm run search:reindex [index …]`: rebuilds the search indexes from the database, each into a
 * new index swapped in when complete (docs/decisions/0009-search.md). Useful with Meilisearch
 * (MEILI_HOST); the embedded engine lives in the web process and rebuilds itself at start, so
 * without MEILI_HOST this only checks that every document can be built.
 */
async function main() {
  const env = loadEnv();
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.PGLITE_DIR), poolSize: 2 });
  const engine = createSearchEngine(env);
  try {
    const names = process.argv.slice(2);
    const started = performance.now();
    const counts = await reindexAll({ db: database.prisma, engine, ...(names.length ? { indexes: names } : {}) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const [name, count] of Object.entries(counts))
      console.log(`${name.padEnd(14)} ${String(count).padStart(8)} documents`);
    console.log(`${engine.kind}: reindexed in ${seconds} s`);
  } finally {
    await Promise.allSettled([engine.close(), database.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(`Reindex failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
