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

/**
 * Pages through a table by id (cursor paging: stable while rows change). `toDocuments` maps one
 * page at a time, so a definition can load what its rows refer to (zones, organisations) once per
 * page; a row that must not be searchable maps to null.
 */
export async function* pagesById<R extends { id: string }>(
  fetch: (after: string | undefined, take: number) => Promise<R[]>,
  batchSize: number,
  toDocuments: (rows: R[]) => (SearchDocument | null)[] | Promise<(SearchDocument | null)[]>,
): AsyncIterable<SearchDocument[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after, batchSize);
    if (rows.length === 0) return;
    const documents = (await toDocuments(rows)).filter((d): d is SearchDocument => d !== null);
    if (documents.length > 0) yield documents;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The zones and organisations a page of rows names, looked up once per page. */
export async function zonesAndOrganisations(
  db: DbOrTx,
  zoneIds: Iterable<string>,
  organisationIds: Iterable<string>,
): Promise<{
  zones: Map<string, { code: string; nameZh: string; nameEn: string }>;
  organisations: Map<string, { name: string; type: string }>;
}> {
  const [zones, organisations] = await Promise.all([
    db.zone.findMany({
      where: { id: { in: [...new Set(zoneIds)] } },
      select: { id: true, code: true, nameZh: true, nameEn: true },
    }),
    db.organisation.findMany({
      where: { id: { in: [...new Set(organisationIds)] } },
      select: { id: true, name: true, type: true },
    }),
  ]);
  return {
    zones: new Map(zones.map((z) => [z.id, z])),
    organisations: new Map(organisations.map((o) => [o.id, o])),
  };
}

export function withoutUndefined(document: Record<string, unknown>): SearchDocument {
  return Object.fromEntries(Object.entries(document).filter(([, v]) => v !== undefined));
}
