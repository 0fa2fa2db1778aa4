import type { DbOrTx } from "#domain/db/client.ts";
import type { ChallengeStatus } from "#db/generated/client/client.ts";
import { DEFAULT_RANKING_RULES, type IndexSettings, type SearchDocument } from "../engine.ts";
import {
  fenNumber,
  htmlToText,
  unixSeconds,
  withoutUndefined,
  type IndexDefinition,
  pagesById,
  zonesAndOrganisations,
} from "./definition.ts";
import { TECHNOLOGY_SYNONYMS } from "./synonyms.ts";

/**
 * Statuses in which a challenge is public (发榜 done). Drafts, those under zone review or returned,
 * and withdrawn or cancelled ones are not searchable; a failed one disappears until republished.
 */
export const SEARCHABLE_CHALLENGE_STATUSES: ChallengeStatus[] = [
  "published",
  "withdrawal_requested",
  "bidding_closed",
  "under_review",
  "winner_proposed",
  "public_notice",
  "contracting",
  "contracted",
  "in_progress",
  "disputed",
  "accepted",
  "closed",
];

const select = {
  id: true,
  zoneId: true,
  organisationId: true,
  title: true,
  problemStatement: true,
  indicators: true,
  industry: true,
  fieldTags: true,
  bounty: true,
  bidDeadline: true,
  ipTerms: true,
  domesticAllowed: true,
  internationalAllowed: true,
  individualsAllowed: true,
  eligibleOrgTypes: true,
  visibility: true,
  seekerAnonymous: true,
  status: true,
  publishedAt: true,
} as const;

type Row = {
  id: string;
  zoneId: string;
  organisationId: string;
  title: string;
  problemStatement: string;
  indicators: unknown;
  industry: string;
  fieldTags: string[];
  bounty: bigint;
  bidDeadline: Date;
  ipTerms: string;
  domesticAllowed: boolean;
  internationalAllowed: boolean;
  individualsAllowed: boolean;
  eligibleOrgTypes: string[];
  visibility: string;
  seekerAnonymous: boolean;
  status: string;
  publishedAt: Date | null;
};

interface Related {
  zones: Map<string, { code: string; nameZh: string; nameEn: string }>;
  organisations: Map<string, { name: string; type: string }>;
}

/**
 * A published public challenge. Never bid contents (bids are not read at all), and for an
 * anonymous seeker (seekerAnonymous) neither the organisation's name nor its id: the public sees
 * only the zone and the industry.
 */
export function challengeDocument(row: Row, related: Related): SearchDocument | null {
  if (row.visibility !== "public" || !SEARCHABLE_CHALLENGE_STATUSES.includes(row.status as ChallengeStatus))
    return null;
  const zone = related.zones.get(row.zoneId);
  const organisation = row.seekerAnonymous ? undefined : related.organisations.get(row.organisationId);
  const indicators = Array.isArray(row.indicators)
    ? row.indicators.flatMap((i) =>
        i && typeof i === "object" && "name" in i ? [String((i as { name: unknown }).name)] : [],
      )
    : [];
  return withoutUndefined({
    id: row.id,
    kind: "challenge",
    title: row.title,
    problem: htmlToText(row.problemStatement),
    indicators,
    industry: row.industry,
    fieldTags: row.fieldTags,
    bountyFen: fenNumber(row.bounty),
    bidDeadline: unixSeconds(row.bidDeadline),
    publishedAt: unixSeconds(row.publishedAt),
    ipTerms: row.ipTerms,
    international: row.internationalAllowed,
    individualsAllowed: row.individualsAllowed,
    eligibleOrgTypes: row.eligibleOrgTypes,
    status: row.status,
    zone: zone?.code,
    zoneName: zone ? [zone.nameZh, zone.nameEn] : undefined,
    organisationId: organisation ? row.organisationId : undefined,
    organisationName: organisation?.name,
    organisationType: organisation?.type,
    seekerAnonymous: row.seekerAnonymous,
  });
}

export const challengeSettings: IndexSettings = {
  primaryKey: "id",
  searchableAttributes: ["title", "fieldTags", "indicators", "problem", "organisationName", "zoneName"],
  filterableAttributes: [
    "industry",
    "fieldTags",
    "zone",
    "status",
    "ipTerms",
    "international",
    "individualsAllowed",
    "eligibleOrgTypes",
    "organisationId",
    "organisationType",
    "bountyFen",
    "bidDeadline",
    "publishedAt",
  ],
  sortableAttributes: ["bountyFen", "bidDeadline", "publishedAt"],
  rankingRules: DEFAULT_RANKING_RULES,
  synonyms: TECHNOLOGY_SYNONYMS,
};

function related(db: DbOrTx, rows: Row[]): Promise<Related> {
  return zonesAndOrganisations(
    db,
    rows.map((r) => r.zoneId),
    rows.filter((r) => !r.seekerAnonymous).map((r) => r.organisationId),
  );
}

export const challengesIndexDefinition: IndexDefinition = {
  name: "challenges",
  settings: challengeSettings,
  async load(db, id) {
    const row = await db.challenge.findUnique({ where: { id }, select });
    return row ? challengeDocument(row, await related(db, [row])) : null;
  },
  async *all(db, batchSize) {
    const where = { visibility: "public" as const, status: { in: SEARCHABLE_CHALLENGE_STATUSES } };
    yield* pagesById(
      (after, take): Promise<Row[]> =>
        db.challenge.findMany({
          where: { ...where, ...(after ? { id: { gt: after } } : {}) },
          select,
          orderBy: { id: "asc" },
          take,
        }),
      batchSize,
      async (rows) => {
        const context = await related(db, rows);
        return rows.map((row) => challengeDocument(row, context));
      },
    );
  },
};
