import { Meilisearch, MeilisearchApiError, type EnqueuedTaskPromise, type Task } from "meilisearch";
import { AppError } from "#domain/errors.ts";
import {
  clampPage,
  DEFAULT_RANKING_RULES,
  highlightMarkers,
  markersToHtml,
  toJsonDocument,
  validateDocumentId,
  type IndexSettings,
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
  /** How long to wait for one indexing task, ms. */
  taskTimeout?: number;
  /** Documents per addDocuments call during a rebuild. */
  batchSize?: number;
}

/** A Meilisearch task that ended in `failed` or `canceled`: the task's own error, kept for the log. */
export class MeilisearchTaskFailed extends Error {
  constructor(readonly task: Task) {
    super(
      `Meilisearch task ${task.uid} (${task.type} on ${task.indexUid ?? "-"}) ${task.status}: ` +
        `${task.error?.code ?? "no code"}: ${task.error?.message ?? "no message"}`,
    );
    this.name = "MeilisearchTaskFailed";
  }
}

/**
 * The production engine: a Meilisearch server through the official client. Every write waits for
 * its task and throws MeilisearchTaskFailed when the task failed, so a caller that indexed a
 * document can search for it next, and a job that failed to index is retried.
 */
export function createMeilisearchEngine(options: MeilisearchEngineOptions): SearchEngine & { client: Meilisearch } {
  const client = new Meilisearch({ host: options.host, apiKey: options.apiKey, timeout: options.timeout ?? 5_000 });
  const taskTimeout = options.taskTimeout ?? 60_000;
  const batchSize = options.batchSize ?? 1_000;

  const primaryKeys = new Map<string, string>();
  const run = async (enqueued: EnqueuedTaskPromise): Promise<Task> => {
    const task = await enqueued.waitTask({ timeout: taskTimeout });
    if (task.status !== "succeeded") throw new MeilisearchTaskFailed(task);
    return task;
  };

  const ensureIndex = async (name: string, primaryKey: string) => {
    const exists = await client
      .getIndex(name)
      .then(() => true)
      .catch((error: unknown) => {
        if (apiErrorCode(error) === "index_not_found") return false;
        throw error;
      });
    if (exists) return;
    try {
      await run(client.createIndex(name, { primaryKey }));
    } catch (error) {
      // Another process created it between our check and our task.
      if (!(error instanceof MeilisearchTaskFailed && error.task.error?.code === "index_already_exists")) throw error;
    }
  };

  const applySettings = (name: string, settings: IndexSettings) =>
    run(
      client.index(name).updateSettings({
        searchableAttributes: settings.searchableAttributes,
        filterableAttributes: settings.filterableAttributes,
        sortableAttributes: settings.sortableAttributes,
        rankingRules: settings.rankingRules ?? DEFAULT_RANKING_RULES,
        synonyms: settings.synonyms ?? {},
        // Meilisearch's defaults, stated so the embedded engine's budget is visibly the same.
        typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
      }),
    );

  return {
    kind: "meilisearch",
    client,

    async configureIndex(name, settings) {
      await ensureIndex(name, settings.primaryKey);
      primaryKeys.set(name, settings.primaryKey);
      await applySettings(name, settings);
    },

    async upsert(name, documents) {
      if (documents.length === 0) return;
      let primaryKey = primaryKeys.get(name);
      if (!primaryKey) {
        primaryKey = (await client.index(name).getRawInfo()).primaryKey ?? "id";
        primaryKeys.set(name, primaryKey);
      }
      for (const document of documents) validateDocumentId(primaryKey, document);
      await run(client.index(name).addDocuments(documents.map(toJsonDocument)));
    },

    async delete(name, ids) {
      if (ids.length === 0) return;
      await run(client.index(name).deleteDocuments(ids.map(String)));
    },

    async rebuild(name, settings, batches) {
      const temporary = `${name}__rebuild_${Date.now().toString(36)}`;
      await run(client.createIndex(temporary, { primaryKey: settings.primaryKey }));
      try {
        await applySettings(temporary, settings);
        let count = 0;
        let pending: SearchDocument[] = [];
        const flush = async () => {
          if (pending.length === 0) return;
          await run(client.index(temporary).addDocuments(pending.map(toJsonDocument)));
          count += pending.length;
          pending = [];
        };
        for await (const batch of batches) {
          for (const document of batch) {
            validateDocumentId(settings.primaryKey, document);
            pending.push(document);
            if (pending.length >= batchSize) await flush();
          }
        }
        await flush();
        await ensureIndex(name, settings.primaryKey);
        // Atomic: searches see the old documents until this task, the new ones after it.
        await run(client.swapIndexes([{ indexes: [name, temporary], rename: false }]));
        await run(client.deleteIndex(temporary));
        return { documents: count };
      } catch (error) {
        await client
          .deleteIndex(temporary)
          .waitTask({ timeout: taskTimeout })
          .catch(() => undefined);
        throw error;
      }
    },

    async search<D extends SearchDocument>(name: string, query: SearchQuery): Promise<SearchResult<D>> {
      const { offset, limit } = clampPage(query);
      let response;
      try {
        response = await client.index(name).search<D>(query.q ?? "", {
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
      } catch (error) {
        throw searchError(error, name, query);
      }
      const hits: SearchHit<D>[] = response.hits.map((raw) => {
        const { _formatted, ...document } = raw as D & { _formatted?: Record<string, unknown> };
        const hit: SearchHit<D> = { document: document as unknown as D };
        if (query.highlight?.length && _formatted) {
          hit.highlight = Object.fromEntries(
            query.highlight.map((attribute) => [attribute, markersToHtml(formattedText(_formatted[attribute]))]),
          );
        }
        return hit;
      });
      const result: SearchResult<D> = { hits, total: response.estimatedTotalHits ?? hits.length, offset, limit };
      if (query.facets?.length) {
        result.facets = Object.fromEntries(query.facets.map((f) => [f, response.facetDistribution?.[f] ?? {}]));
        const stats = Object.entries(response.facetStats ?? {});
        if (stats.length > 0)
          result.facetStats = Object.fromEntries(stats.map(([f, s]) => [f, { min: s.min, max: s.max }]));
      }
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

function apiErrorCode(error: unknown): string | undefined {
  return error instanceof MeilisearchApiError ? error.cause?.code : undefined;
}

const QUERY_ERRORS: Record<string, string> = {
  invalid_search_filter: "errors.searchFilterInvalid",
  invalid_search_sort: "errors.searchSortInvalid",
  invalid_search_facets: "errors.searchFacetInvalid",
};

/** A query the user can fix is a bad_request with a translation key; an unreachable server is `unavailable`. */
function searchError(error: unknown, index: string, query: SearchQuery): unknown {
  if (error instanceof MeilisearchApiError) {
    const code = error.cause?.code ?? "";
    if (code === "index_not_found")
      return new AppError("not_found", "errors.searchIndexMissing", { params: { index } });
    if (QUERY_ERRORS[code] || (error.response.status >= 400 && error.response.status < 500)) {
      return new AppError("bad_request", QUERY_ERRORS[code] ?? "errors.searchQueryInvalid", {
        params: { filter: query.filter ?? "", reason: error.cause?.message ?? code },
        cause: error,
      });
    }
  }
  return new AppError("unavailable", "errors.searchUnavailable", { cause: error });
}

function formattedText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(formattedText).join(" ");
  return String(value);
}
