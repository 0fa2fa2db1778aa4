import type { DbOrTx } from "#domain/db/client.ts";
import { DEFAULT_RANKING_RULES, type IndexSettings } from "../engine.ts";
import { pagesById, type IndexDefinition } from "./definition.ts";
import { TECHNOLOGY_SYNONYMS } from "./synonyms.ts";

const select = {
  id: true,
  name: true,
  type: true,
  country: true,
  confirmation: true,
  createdAt: true,
  zone: { select: { code: true, nameZh: true, nameEn: true } },
} as const;

type Row = {
  id: string;
  name: string;
  type: string;
  country: string;
  confirmation: string;
  createdAt: Date;
  zone: { code: string; nameZh: string; nameEn: string };
};

/** Public facts of an organisation: never its credit code or bank reference code. */
export function organisationDocument(row: Row) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    country: row.country,
    // A self-registered organisation no zone officer has confirmed yet is shown as 未确认 (ADR 0022).
    confirmed: row.confirmation === "confirmed",
    zone: row.zone.code,
    zoneName: [row.zone.nameZh, row.zone.nameEn],
    createdAt: Math.floor(row.createdAt.getTime() / 1000),
  };
}

export const organisationSettings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["name", "zoneName"],
  filterableAttributes: ["type", "zone", "country"],
  sortableAttributes: ["name", "createdAt"],
  rankingRules: DEFAULT_RANKING_RULES,
  synonyms: TECHNOLOGY_SYNONYMS,
};

/** The platform's own operator is not a party anyone searches for. */
const HIDDEN_TYPES = ["platform"] as const;

function organisationsIndex(name: string, types: string[] | undefined): IndexDefinition {
  const where = types ? { type: { in: types as never[] } } : { type: { notIn: HIDDEN_TYPES as unknown as never[] } };
  return {
    name,
    settings: organisationSettings,
    async load(db: DbOrTx, id: string) {
      const row = await db.organisation.findFirst({ where: { id, ...where }, select });
      return row ? organisationDocument(row) : null;
    },
    all(db: DbOrTx, batchSize: number) {
      return pagesById(
        (after, take) =>
          db.organisation.findMany({
            where: { ...where, ...(after ? { id: { gt: after } } : {}) },
            select,
            orderBy: { id: "asc" },
            take,
          }),
        batchSize,
        (rows) => rows.map(organisationDocument),
      );
    },
  };
}

export const organisationsIndexDefinition = organisationsIndex("organisations", undefined);

/**
 * Service providers (服务机构, clause 八): organisations of type service_provider, in their own
 * index so the voucher pages can search them alone. When the provider registry (services offered,
 * admission status) exists, its fields join this document.
 */
export const providersIndexDefinition = organisationsIndex("providers", ["service_provider"]);
