import type { DbOrTx } from "#domain/db/client.ts";
import type { IndexSettings, SearchDocument } from "../engine.ts";

/**
 * How one kind of domain record becomes a search document. `load` answers null when the record
 * must not be searchable (deleted, unpublished, private): the sync job then deletes it from the
 * index, so one function decides both what is indexed and what is removed.
 */
export interface IndexDefinition {
  name: string;
  settings: IndexSettings;
  load(db: DbOrTx, id: string): Promise<SearchDocument | null>;
  /** Every searchable document, in pages of `batchSize`, for a rebuild. */
  all(db: DbOrTx, batchSize: number): AsyncIterable<SearchDocument[]>;
}

/** Seconds since the epoch: numbers filter and sort the same way in both engines. */
export function unixSeconds(date: Date | null | undefined): number | undefined {
  return date ? Math.floor(date.getTime() / 1000) : undefined;
}

/** Fen as a number for range filters and facet stats (2^53 fen is far above any bounty). */
export function fenNumber(fen: bigint | null | undefined): number | undefined {
  return fen === null || fen === undefined ? undefined : Number(fen);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** Sanitized HTML to plain text for the index (highlighting escapes it again). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/li|\/h\d)[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Pages through a table by id (cursor paging: stable while rows change). */
export async function* pagesById<R extends { id: string }>(
  fetch: (after: string | undefined, take: number) => Promise<R[]>,
  batchSize: number,
  toDocument: (row: R) => SearchDocument | null,
): AsyncIterable<SearchDocument[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after, batchSize);
    if (rows.length === 0) return;
    const documents = rows.map(toDocument).filter((d): d is SearchDocument => d !== null);
    if (documents.length > 0) yield documents;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

export function withoutUndefined(document: Record<string, unknown>): SearchDocument {
  return Object.fromEntries(Object.entries(document).filter(([, v]) => v !== undefined));
}
