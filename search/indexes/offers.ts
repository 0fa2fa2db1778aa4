import type { DbOrTx } from "#domain/db/client.ts";
import type { TransferOfferStatus } from "#db/generated/client/client.ts";
import { DEFAULT_RANKING_RULES, type IndexSettings, type SearchDocument } from "../engine.ts";
import { fenNumber, unixSeconds, withoutUndefined, type IndexDefinition } from "./definition.ts";
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

async function related(db: DbOrTx, rows: Row[]): Promise<Related> {
  const [zones, organisations] = await Promise.all([
    db.zone.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.zoneId))] } },
      select: { id: true, code: true, nameZh: true, nameEn: true },
    }),
    db.organisation.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.ownerOrganisationId))] } },
      select: { id: true, name: true, type: true },
    }),
  ]);
  return {
    zones: new Map(zones.map((z) => [z.id, z])),
    organisations: new Map(organisations.map((o) => [o.id, o])),
  };
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
    let after: string | undefined;
    for (;;) {
      const rows: Row[] = await db.transferOffer.findMany({
        where: { ...where, ...(after ? { id: { gt: after } } : {}) },
        select,
        orderBy: { id: "asc" },
        take: batchSize,
      });
      if (rows.length === 0) return;
      const context = await related(db, rows);
      const documents = rows.map((row) => offerDocument(row, context)).filter((d): d is SearchDocument => !!d);
      if (documents.length > 0) yield documents;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.id;
    }
  },
};
