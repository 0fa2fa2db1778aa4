import type { DbOrTx } from "#domain/db/client.ts";
import { DEFAULT_RANKING_RULES, type IndexSettings } from "../engine.ts";
import { pagesById, type IndexDefinition } from "./definition.ts";
import { TECHNOLOGY_SYNONYMS } from "./synonyms.ts";

/** The roles a person is found by; finance and platform_admin are staff duties, not a public profile. */
export const PUBLIC_ROLES = ["researcher", "broker", "expert"] as const;

const select = {
  id: true,
  name: true,
  createdAt: true,
  roles: { select: { role: true } },
  memberships: {
    select: {
      organisation: {
        select: { id: true, name: true, type: true, zone: { select: { code: true, nameZh: true, nameEn: true } } },
      },
    },
  },
} as const;

type Row = {
  id: string;
  name: string;
  createdAt: Date;
  roles: { role: string }[];
  memberships: {
    organisation: { id: string; name: string; type: string; zone: { code: string; nameZh: string; nameEn: string } };
  }[];
};

/**
 * A person's public profile: name, public roles, organisations and zones. Never the email, the
 * broker credential number, the locale or anything from the session tables.
 */
export function personDocument(row: Row) {
  const roles = row.roles.map((r) => r.role).filter((r) => (PUBLIC_ROLES as readonly string[]).includes(r));
  if (roles.length === 0) return null;
  const organisations = row.memberships.map((m) => m.organisation);
  return {
    id: row.id,
    name: row.name,
    roles,
    organisationIds: organisations.map((o) => o.id),
    organisationNames: organisations.map((o) => o.name),
    organisationTypes: [...new Set(organisations.map((o) => o.type))],
    zone: [...new Set(organisations.map((o) => o.zone.code))],
    zoneName: [...new Set(organisations.flatMap((o) => [o.zone.nameZh, o.zone.nameEn]))],
    createdAt: Math.floor(row.createdAt.getTime() / 1000),
  };
}

export const peopleSettings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["name", "organisationNames", "roles", "zoneName"],
  filterableAttributes: ["roles", "zone", "organisationIds", "organisationTypes"],
  sortableAttributes: ["name", "createdAt"],
  rankingRules: DEFAULT_RANKING_RULES,
  synonyms: TECHNOLOGY_SYNONYMS,
};

const where = { roles: { some: { role: { in: [...PUBLIC_ROLES] } } } };

export const peopleIndexDefinition: IndexDefinition = {
  name: "people",
  settings: peopleSettings,
  async load(db: DbOrTx, id: string) {
    const row = await db.user.findUnique({ where: { id }, select });
    return row ? personDocument(row) : null;
  },
  all(db: DbOrTx, batchSize: number) {
    return pagesById(
      (after, take) =>
        db.user.findMany({
          where: { ...where, ...(after ? { id: { gt: after } } : {}) },
          select,
          orderBy: { id: "asc" },
          take,
        }),
      batchSize,
      (rows) => rows.map(personDocument),
    );
  },
};
