import type { Env } from "#domain/env.ts";
import { createEmbeddedSearchEngine } from "./embedded.ts";
import type { SearchEngine } from "./engine.ts";
import { createMeilisearchEngine } from "./meilisearch.ts";

export type { SearchEngine } from "./engine.ts";

/** Meilisearch when MEILI_HOST is set; otherwise the embedded engine (docs/decisions/0002-three-modes.md). */
export function createSearchEngine(env: Pick<Env, "MEILI_HOST" | "MEILI_API_KEY">): SearchEngine {
  if (env.MEILI_HOST) return createMeilisearchEngine({ host: env.MEILI_HOST, apiKey: env.MEILI_API_KEY });
  return createEmbeddedSearchEngine();
}
