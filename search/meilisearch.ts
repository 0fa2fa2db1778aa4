import { Meilisearch } from "meilisearch";
import {
  clampPage,
  highlightMarkers,
  markersToHtml,
  type SearchDocument,
  type SearchEngine,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from "./engine.ts";

export interface MeilisearchEngineOptions {
  host: string;
  apiKey?: string | undefined;
  /** Per-request timeout, ms. */
  timeout?: number;
}

/**
 * The production engine: a Meilisearch server through the official client. Writes wait for their
 * task, so a caller that indexed a document can search for it next.
 */
export function createMeilisearchEngine(options: MeilisearchEngineOptions): SearchEngine & { client: Meilisearch } {
  const client = new Meilisearch({ host: options.host, apiKey: options.apiKey, timeout: options.timeout ?? 5_000 });

  return {
    kind: "meilisearch",
    client,

    async configureIndex(name, settings) {
      const exists = await client
        .getIndex(name)
        .then(() => true)
        .catch((error: unknown) => {
          if (isNotFound(error)) return false;
          throw error;
        });
      if (!exists) await client.createIndex(name, { primaryKey: settings.primaryKey }).waitTask();
      await client
        .index(name)
        .updateSettings({
          searchableAttributes: settings.searchableAttributes,
          filterableAttributes: settings.filterableAttributes,
          sortableAttributes: settings.sortableAttributes,
          ...(settings.rankingRules ? { rankingRules: settings.rankingRules } : {}),
        })
        .waitTask();
    },

    async upsert(name, documents) {
      if (documents.length === 0) return;
      await client.index(name).addDocuments(documents.map(jsonSafe)).waitTask();
    },

    async delete(name, ids) {
      if (ids.length === 0) return;
      await client.index(name).deleteDocuments(ids).waitTask();
    },

    async search<D extends SearchDocument>(name: string, query: SearchQuery): Promise<SearchResult<D>> {
      const { offset, limit } = clampPage(query);
      const response = await client.index(name).search<D>(query.q ?? "", {
        offset,
        limit,
        ...(query.filter ? { filter: query.filter } : {}),
        ...(query.facets?.length ? { facets: query.facets } : {}),
        ...(query.sort?.length ? { sort: query.sort } : {}),
        ...(query.highlight?.length
          ? {
              attributesToHighlight: query.highlight,
              highlightPreTag: highlightMarkers.start,
              highlightPostTag: highlightMarkers.end,
            }
          : {}),
      });
      const hits: SearchHit<D>[] = response.hits.map((raw) => {
        const { _formatted, ...document } = raw as D & { _formatted?: Record<string, unknown> };
        const hit: SearchHit<D> = { document: document as unknown as D };
        if (query.highlight?.length && _formatted) {
          hit.highlight = Object.fromEntries(
            query.highlight.map((attribute) => [attribute, markersToHtml(String(_formatted[attribute] ?? ""))]),
          );
        }
        return hit;
      });
      const result: SearchResult<D> = { hits, total: response.estimatedTotalHits ?? hits.length, offset, limit };
      if (response.facetDistribution) result.facets = response.facetDistribution;
      return result;
    },

    async health() {
      try {
        const health = await client.health();
        return {
          ok: health.status === "available",
          engine: "meilisearch",
          detail: `${options.host}: ${health.status}`,
        };
      } catch (error) {
        return {
          ok: false,
          engine: "meilisearch",
          detail: `${options.host} unreachable: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },

    async close() {},
  };
}

function isNotFound(error: unknown): boolean {
  const cause = error as { cause?: { code?: string }; response?: { status?: number } };
  return cause?.cause?.code === "index_not_found" || cause?.response?.status === 404;
}

/** JSON has no bigint: safe integers become numbers, larger ones strings (amounts are filtered, not summed, here). */
function jsonSafe(document: SearchDocument): SearchDocument {
  return Object.fromEntries(
    Object.entries(document).map(([key, value]) => [
      key,
      typeof value === "bigint"
        ? value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(value)
          : value.toString()
        : value,
    ]),
  );
}
