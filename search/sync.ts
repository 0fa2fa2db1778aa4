import type { Db, DbOrTx } from "#domain/db/client.ts";
import { AppError } from "#domain/errors.ts";
import type { SearchEngine } from "./engine.ts";
import { indexDefinition, searchIndexes, type IndexDefinition } from "./indexes/index.ts";

/**
 * Keeping the indexes in step with the database (docs/decisions/0009-search.md): a change writes
 * an outbox row `search.sync` {index, id} in its transaction; the job calls syncDocument, which
 * reads the record as it is now and upserts it, or deletes it when it is gone or no longer public.
 * Running it twice, or out of order, ends in the same state.
 */
const configured = new WeakMap<SearchEngine, Set<string>>();

/** Applies every index's settings (creates missing indexes); idempotent. Call at start. */
export async function configureSearchIndexes(engine: SearchEngine, indexes = searchIndexes): Promise<void> {
  for (const definition of indexes) await ensureConfigured(engine, definition);
}

async function ensureConfigured(engine: SearchEngine, definition: IndexDefinition): Promise<void> {
  let done = configured.get(engine);
  if (!done) configured.set(engine, (done = new Set()));
  if (done.has(definition.name)) return;
  await engine.configureIndex(definition.name, definition.settings);
  done.add(definition.name);
}

export async function syncDocument(options: {
  db: DbOrTx;
  engine: SearchEngine;
  index: string;
  id: string;
}): Promise<"upserted" | "deleted"> {
  const definition = indexDefinition(options.index);
  if (!definition) throw new AppError("bad_request", "errors.searchIndexMissing", { params: { index: options.index } });
  await ensureConfigured(options.engine, definition);
  const document = await definition.load(options.db, options.id);
  if (document) {
    await options.engine.upsert(definition.name, [document]);
    return "upserted";
  }
  await options.engine.delete(definition.name, [options.id]);
  return "deleted";
}

/**
 * Rebuilds every index (or the named ones) from the database: each into a fresh index swapped in
 * when complete, so searches never see a half-built index. `npm run search:reindex`, and the
 * embedded engine's start-up.
 */
export async function reindexAll(options: {
  db: Db | DbOrTx;
  engine: SearchEngine;
  indexes?: string[];
  batchSize?: number;
}): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 500;
  const definitions = options.indexes
    ? options.indexes.map((name) => {
        const definition = indexDefinition(name);
        if (!definition) throw new AppError("bad_request", "errors.searchIndexMissing", { params: { index: name } });
        return definition;
      })
    : searchIndexes;
  const counts: Record<string, number> = {};
  for (const definition of definitions) {
    const { documents } = await options.engine.rebuild(
      definition.name,
      definition.settings,
      definition.all(options.db, batchSize),
    );
    counts[definition.name] = documents;
    let done = configured.get(options.engine);
    if (!done) configured.set(options.engine, (done = new Set()));
    done.add(definition.name);
  }
  return counts;
}
