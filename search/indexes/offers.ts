import type { DbOrTx } from "#domain/db/client.ts";
import type { TransferOfferStatus } from "#db/generated/client/client.ts";
import { DEFAULT_RANKING_RULES, type IndexSettings, type SearchDocument } from "../engine.ts";
import {
  fenNumber,
  unixSeconds,
  withoutUndefined,
  type IndexDefinition,
  pagesById,
  zonesAndOrganisations,
} from "./definition.ts";
import { TECHNOLOGY_SYNONYMS } from "./synonyms.ts";

/**
 * Tech-transfer offers (科技成果, issue 5). Only offers on the market (published, under
 * negotiation) with public visibility are searchable; drafts, withdrawn, expired and sold ones,
 * and signed-in-only offers, are not. Never contact details (offers carry none) nor deal data.
 */
export const SEARCHABLE_OFFER_STATUSES: TransferOfferStatus[] = ["published", "under_negotiation"];

const select = {
  id: true,
  zoneId: true,
  ownerOrganisationId: true,
  title: true,
  summary: true,
  industry: true,
  fieldTags: true,
  dealModes: true,
  licenceKinds: true,
  pricing: true,
  priceFen: true,
  trl: true,
  visibility: true,
  status: true,
  publishedAt: true,
  rights: { select: { kind: true } },
} as const;

type Row = {
  id: string;
  zoneId: string;
  ownerOrganisationId: string;
  title: string;
  summary: string;
  industry: string;
  fieldTags: string[];
  dealModes: string[];
  licenceKinds: string[];
  pricing: string;
  priceFen: bigint | null;
  trl: number;
  visibility: string;
  status: string;
  publishedAt: Date | null;
  rights: { kind: string }[];
};

interface Related {
  zones: Map<string, { code: string; nameZh: string; nameEn: string }>;
  organisations: Map<string, { name: string; type: string }>;
}

/** The document of a public offer on the market, or null. */
export function offerDocument(row: Row, related: Related): SearchDocument | null {
  if (row.visibility !== "public" || !SEARCHABLE_OFFER_STATUSES.includes(row.status as TransferOfferStatus))
    return null;
  const zone = related.zones.get(row.zoneId);
  const organisation = related.organisations.get(row.ownerOrganisationId);
  return withoutUndefined({
    id: row.id,
    kind: "offer",
    title: row.title,
    summary: row.summary,
    ownerOrganisationId: row.ownerOrganisationId,
    ownerOrganisationName: organisation?.name,
    ownerOrganisationType: organisation?.type,
    industry: row.industry,
    fieldTags: row.fieldTags,
    dealModes: row.dealModes,
    licenceKinds: row.licenceKinds,
    pricing: row.pricing,
    priceFen: row.pricing === "negotiable" || row.priceFen === null ? undefined : fenNumber(row.priceFen),
    trl: row.trl,
    rightKinds: [...new Set(row.rights.map((r) => r.kind))],
    zone: zone?.code,
    zoneName: zone ? [zone.nameZh, zone.nameEn] : undefined,
    status: row.status,
    publishedAt: unixSeconds(row.publishedAt),
  });
}

export const offerSettings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "fieldTags", "summary", "ownerOrganisationName", "rightKinds"],
  filterableAttributes: [
    "industry",
    "fieldTags",
    "dealModes",
    "licenceKinds",
    "pricing",
    "priceFen",
    "trl",
    "rightKinds",
    "zone",
    "status",
    "ownerOrganisationId",
    "ownerOrganisationType",
    "publishedAt",
  ],
  sortableAttributes: ["priceFen", "trl", "publishedAt"],
  rankingRules: DEFAULT_RANKING_RULES,
  synonyms: TECHNOLOGY_SYNONYMS,
};

function related(db: DbOrTx, rows: Row[]): Promise<Related> {
  return zonesAndOrganisations(
    db,
    rows.map((r) => r.zoneId),
    rows.map((r) => r.ownerOrganisationId),
  );
}

export const offersIndexDefinition: IndexDefinition = {
  name: "offers",
  settings: offerSettings,
  async load(db, id) {
    const row = await db.transferOffer.findUnique({ where: { id }, select });
    return row ? offerDocument(row, await related(db, [row])) : null;
  },
  async *all(db, batchSize) {
    const where = { visibility: "public" as const, status: { in: SEARCHABLE_OFFER_STATUSES } };
    yield* pagesById(
      (after, take): Promise<Row[]> =>
        db.transferOffer.findMany({
          where: { ...where, ...(after ? { id: { gt: after } } : {}) },
          select,
          orderBy: { id: "asc" },
          take,
        }),
      batchSize,
      async (rows) => {
        const context = await related(db, rows);
        return rows.map((row) => offerDocument(row, context));
      },
    );
  },
};
