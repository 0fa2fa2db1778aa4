import type { Actor } from "../access/permissions.ts";
import { can } from "../access/permissions.ts";
import type { DbOrTx } from "../db/client.ts";
import { AppError, isAppError } from "../errors.ts";
import { markedTerms, scoreMatch, type MatchHistory, type MatchReason } from "./score.ts";

/**
 * Who fits what (policy clauses 四 and 五): for a challenge its offers, researchers and
 * organisations; for an offer its challenges and enterprises; for a researcher the open
 * challenges worth bidding on. Text relevance comes from the search engine, track record from the
 * challenge tables; scoreMatch (score.ts) weighs them. docs/decisions/0014-matching.md.
 *
 * The engine is passed in as this port (search/engine.ts's SearchEngine satisfies it), so the
 * domain does not import search/.
 */
export interface MatchSearch {
  search(
    index: string,
    query: { q?: string; filter?: string; limit?: number; highlight?: string[] },
  ): Promise<{ hits: { document: Record<string, unknown>; highlight?: Record<string, string> }[] }>;
}

export type MatchKind = "offer" | "person" | "organisation" | "challenge";

export interface Match {
  kind: MatchKind;
  id: string;
  title: string;
  /** An organisation's name, a zone: one short line under the title. */
  subtitle?: string | undefined;
  href: string;
  score: number;
  reasons: MatchReason[];
}

export interface ChallengeMatches {
  challenge: { id: string; title: string; fieldTags: string[]; industry: string; organisationId: string };
  offers: Match[];
  people: Match[];
  organisations: Match[];
  /** False when the offers index does not exist yet (issue 5 not deployed). */
  offersAvailable: boolean;
}

/** An offer as the offers index holds it (search/indexes/offers.ts). */
export interface OfferSubject {
  id: string;
  title: string;
  summary?: string;
  ownerOrganisationId?: string;
  industry?: string;
  fieldTags?: string[];
  zone?: string;
}

const TEXT_LIMIT = 50;
const DEFAULT_LIMIT = 10;
const SOLVER_ORG_TYPES = ["enterprise", "university", "research_institute"] as const;

/** Field tags first: the engine reads only the first ten words of a query. */
function queryText(fields: readonly string[], title: string): string {
  return [...fields, title].join(" ").slice(0, 200);
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

interface TextHit {
  rank: number;
  document: Record<string, unknown>;
  terms: string[];
}

/** The engine's ranking of one index for a text; an index that does not exist answers null. */
async function textSearch(
  search: MatchSearch,
  index: string,
  q: string,
  options: { filter?: string; highlight: string[]; limit?: number },
): Promise<{ hits: Map<string, TextHit>; count: number } | null> {
  try {
    const result = await search.search(index, {
      q,
      ...(options.filter ? { filter: options.filter } : {}),
      limit: options.limit ?? TEXT_LIMIT,
      highlight: options.highlight,
    });
    const hits = new Map<string, TextHit>();
    result.hits.forEach((hit, rank) => {
      const id = str(hit.document.id);
      if (!id) return;
      hits.set(id, {
        rank,
        document: hit.document,
        terms: markedTerms(options.highlight.map((a) => hit.highlight?.[a])),
      });
    });
    return { hits, count: result.hits.length };
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return null;
    throw error;
  }
}

interface Record_ {
  fields: Set<string>;
  industries: Set<string>;
  history: MatchHistory;
}

function emptyRecord(): Record_ {
  return { fields: new Set(), industries: new Set(), history: { awards: 0, acceptedMilestones: 0, completedDeals: 0 } };
}

/**
 * Track record of solvers: the fields and industries of the challenges they bid on, the challenges
 * they won and the milestones accepted on those, and an organisation's completed technology deals.
 */
async function solverRecords(
  db: DbOrTx,
  who: { userIds?: string[]; organisationIds?: string[] },
): Promise<{ users: Map<string, Record_>; organisations: Map<string, Record_> }> {
  const users = new Map<string, Record_>();
  const organisations = new Map<string, Record_>();
  const or = [
    ...(who.userIds?.length ? [{ leadUserId: { in: who.userIds } }] : []),
    ...(who.organisationIds?.length ? [{ organisationId: { in: who.organisationIds } }] : []),
  ];
  if (or.length === 0) return { users, organisations };
  const bids = await db.bid.findMany({
    where: { OR: or, status: { not: "withdrawn" } },
    select: {
      id: true,
      leadUserId: true,
      organisationId: true,
      status: true,
      challenge: {
        select: {
          fieldTags: true,
          industry: true,
          winnerBidId: true,
          milestones: { where: { status: "accepted" }, select: { id: true } },
        },
      },
    },
  });
  const add = (map: Map<string, Record_>, key: string, bid: (typeof bids)[number]) => {
    let record = map.get(key);
    if (!record) map.set(key, (record = emptyRecord()));
    for (const tag of bid.challenge.fieldTags) record.fields.add(tag);
    record.industries.add(bid.challenge.industry);
    const won = bid.status === "won" || bid.challenge.winnerBidId === bid.id;
    if (won) {
      record.history.awards++;
      record.history.acceptedMilestones += bid.challenge.milestones.length;
    }
  };
  for (const bid of bids) {
    if (who.userIds?.includes(bid.leadUserId)) add(users, bid.leadUserId, bid);
    if (bid.organisationId && who.organisationIds?.includes(bid.organisationId))
      add(organisations, bid.organisationId, bid);
  }
  // Completed technology deals in which the organisation was the transferor (出让方).
  if (who.organisationIds?.length) {
    const deals = await db.transferDeal.groupBy({
      by: ["sellerOrganisationId"],
      where: { sellerOrganisationId: { in: who.organisationIds }, status: "completed" },
      _count: { _all: true },
    });
    for (const d of deals) {
      let record = organisations.get(d.sellerOrganisationId);
      if (!record) organisations.set(d.sellerOrganisationId, (record = emptyRecord()));
      record.history.completedDeals += d._count._all;
    }
  }
  return { users, organisations };
}

/** Seekers' record: the fields of the challenges they posted, how many they awarded and the milestones they accepted. */
async function seekerRecords(db: DbOrTx, organisationIds: string[]): Promise<Map<string, Record_>> {
  const map = new Map<string, Record_>();
  if (organisationIds.length === 0) return map;
  const rows = await db.challenge.findMany({
    where: { organisationId: { in: organisationIds }, visibility: "public", publishedAt: { not: null } },
    select: {
      organisationId: true,
      fieldTags: true,
      industry: true,
      winnerBidId: true,
      milestones: { where: { status: "accepted" }, select: { id: true } },
    },
  });
  for (const row of rows) {
    let record = map.get(row.organisationId);
    if (!record) map.set(row.organisationId, (record = emptyRecord()));
    for (const tag of row.fieldTags) record.fields.add(tag);
    record.industries.add(row.industry);
    record.history.seeker = true;
    if (row.winnerBidId) record.history.awards++;
    record.history.acceptedMilestones += row.milestones.length;
  }
  return map;
}

function rank(matches: Match[], limit: number): Match[] {
  return matches
    .filter((m) => m.score > 0 && m.reasons.length > 0)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title, "zh-CN") || a.id.localeCompare(b.id))
    .slice(0, limit);
}

interface Subject {
  title: string;
  fields: string[];
  industry?: string | undefined;
  zone?: string | undefined;
}

function scored(
  subject: Subject,
  text: { hits: Map<string, TextHit>; count: number } | null,
  id: string,
  candidate: { fields: Iterable<string>; industries: Iterable<string>; zones: Iterable<string>; history: MatchHistory },
) {
  const hit = text?.hits.get(id);
  return scoreMatch({
    textRank: hit ? hit.rank : null,
    textHits: text?.count ?? 0,
    sharedTerms: hit?.terms ?? [],
    subjectFields: subject.fields,
    candidateFields: [...candidate.fields],
    subjectIndustry: subject.industry,
    candidateIndustries: [...candidate.industries],
    subjectZone: subject.zone,
    candidateZones: [...candidate.zones],
    history: candidate.history,
  });
}

/** Ranked offers, researchers and organisations for one of the enterprise's challenges. */
export async function matchesForChallenge(options: {
  db: DbOrTx;
  search: MatchSearch;
  actor: Actor | null;
  challengeId: string;
  limit?: number;
}): Promise<ChallengeMatches> {
  const { db, search } = options;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const challenge = await db.challenge.findUnique({
    where: { id: options.challengeId },
    select: {
      id: true,
      title: true,
      fieldTags: true,
      industry: true,
      organisationId: true,
      zone: { select: { code: true } },
    },
  });
  if (!challenge) throw new AppError("not_found", "errors.notFound");
  if (!mayMatchFor(options.actor, challenge.organisationId)) {
    throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
  }
  const subject: Subject = {
    title: challenge.title,
    fields: challenge.fieldTags,
    industry: challenge.industry,
    zone: challenge.zone.code,
  };
  const q = queryText(challenge.fieldTags, challenge.title);

  const [offerText, peopleText, orgText] = await Promise.all([
    textSearch(search, "offers", q, { highlight: ["title", "fieldTags", "summary"] }),
    textSearch(search, "people", q, { filter: `roles = researcher`, highlight: ["name", "organisationNames"] }),
    textSearch(search, "organisations", q, {
      filter: `type IN [${SOLVER_ORG_TYPES.join(", ")}]`,
      highlight: ["name"],
    }),
  ]);

  // Solvers with a record in the challenge's fields or industry, found in the database.
  const related = await db.bid.findMany({
    where: {
      status: { not: "withdrawn" },
      challengeId: { not: challenge.id },
      challenge: {
        OR: [{ fieldTags: { hasSome: challenge.fieldTags } }, { industry: challenge.industry }],
      },
    },
    select: { leadUserId: true, organisationId: true },
    take: 500,
  });
  const seekerMembers = new Set(
    (
      await db.membership.findMany({ where: { organisationId: challenge.organisationId }, select: { userId: true } })
    ).map((m) => m.userId),
  );

  // Offers: everything about them is in the index.
  const offerOwners = [
    ...new Set([...(offerText?.hits.values() ?? [])].map((h) => str(h.document.ownerOrganisationId)).filter(Boolean)),
  ] as string[];
  const ownerRecords = (await solverRecords(db, { organisationIds: offerOwners })).organisations;
  const offers: Match[] = [];
  for (const [id, hit] of offerText?.hits ?? []) {
    const owner = str(hit.document.ownerOrganisationId);
    if (owner === challenge.organisationId) continue;
    const record = owner ? ownerRecords.get(owner) : undefined;
    const s = scored(subject, offerText, id, {
      fields: strings(hit.document.fieldTags),
      industries: strings(hit.document.industry),
      zones: strings(hit.document.zone),
      history: record?.history ?? emptyRecord().history,
    });
    offers.push({
      kind: "offer",
      id,
      title: str(hit.document.title) ?? id,
      subtitle: str(hit.document.ownerOrganisationName),
      href: `/offers/${id}`,
      ...s,
    });
  }

  // Researchers: the people index finds them by text; the bids by record.
  const personIds = [...new Set([...(peopleText?.hits.keys() ?? []), ...related.map((b) => b.leadUserId)])].filter(
    (id) => !seekerMembers.has(id),
  );
  const people = await researchers(db, personIds);
  const userRecords = (await solverRecords(db, { userIds: people.map((p) => p.id) })).users;
  const peopleMatches = people.map((person): Match => {
    const record = userRecords.get(person.id) ?? emptyRecord();
    return {
      kind: "person",
      id: person.id,
      title: person.name,
      subtitle: person.organisations.map((o) => o.name).join(" · ") || undefined,
      href: `/search?kind=people&q=${encodeURIComponent(person.name)}`,
      ...scored(subject, peopleText, person.id, {
        fields: record.fields,
        industries: record.industries,
        zones: person.organisations.map((o) => o.zone),
        history: record.history,
      }),
    };
  });

  // Organisations likely to solve it: universities, institutes and enterprises that bid in the field.
  const orgIds = [
    ...new Set([
      ...(orgText?.hits.keys() ?? []),
      ...related.map((b) => b.organisationId).filter((id): id is string => !!id),
    ]),
  ].filter((id) => id !== challenge.organisationId);
  const orgRows = await db.organisation.findMany({
    where: { id: { in: orgIds }, type: { in: [...SOLVER_ORG_TYPES] } },
    select: { id: true, name: true, type: true, zone: { select: { code: true, nameZh: true } } },
  });
  const orgRecords = (await solverRecords(db, { organisationIds: orgRows.map((o) => o.id) })).organisations;
  const organisations = orgRows.map((org): Match => {
    const record = orgRecords.get(org.id) ?? emptyRecord();
    return {
      kind: "organisation",
      id: org.id,
      title: org.name,
      subtitle: org.zone.nameZh,
      href: `/search?kind=organisations&q=${encodeURIComponent(org.name)}`,
      ...scored(subject, orgText, org.id, {
        fields: record.fields,
        industries: record.industries,
        zones: [org.zone.code],
        history: record.history,
      }),
    };
  });

  return {
    challenge: {
      id: challenge.id,
      title: challenge.title,
      fieldTags: challenge.fieldTags,
      industry: challenge.industry,
      organisationId: challenge.organisationId,
    },
    offers: rank(offers, limit),
    people: rank(peopleMatches, limit),
    organisations: rank(organisations, limit),
    offersAvailable: offerText !== null,
  };
}

/** Members of the seeking organisation, and platform admins, see a challenge's matches. */
function mayMatchFor(actor: Actor | null, organisationId: string): boolean {
  if (!actor) return false;
  return actor.memberships.some((m) => m.organisationId === organisationId) || can(actor, "manage:organisation:any");
}

async function researchers(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.user.findMany({
    where: { id: { in: ids }, roles: { some: { role: "researcher" } } },
    select: {
      id: true,
      name: true,
      memberships: {
        select: { organisation: { select: { id: true, name: true, type: true, zone: { select: { code: true } } } } },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organisations: r.memberships.map((m) => ({
      id: m.organisation.id,
      name: m.organisation.name,
      type: m.organisation.type,
      zone: m.organisation.zone.code,
    })),
  }));
}

/** Open challenges and the enterprises that post in its field, for one offer. */
export async function matchesForOffer(options: {
  db: DbOrTx;
  search: MatchSearch;
  offer: OfferSubject;
  limit?: number;
}): Promise<{ challenges: Match[]; enterprises: Match[] }> {
  const { db, search, offer } = options;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const subject: Subject = {
    title: offer.title,
    fields: offer.fieldTags ?? [],
    industry: offer.industry,
    zone: offer.zone,
  };
  const q = queryText(subject.fields, offer.title);
  const text = await textSearch(search, "challenges", q, {
    highlight: ["title", "fieldTags", "problem"],
  });
  const hits = [...(text?.hits.values() ?? [])];
  const open = hits.filter((h) => h.document.status === "published");
  const seekerIds = [...new Set(hits.map((h) => str(h.document.organisationId)).filter((id): id is string => !!id))];
  // Enterprises that posted in the offer's fields or industry, with or without a text hit.
  const posted = await db.challenge.findMany({
    where: {
      visibility: "public",
      seekerAnonymous: false,
      publishedAt: { not: null },
      OR: [
        ...(subject.fields.length ? [{ fieldTags: { hasSome: subject.fields } }] : []),
        ...(offer.industry ? [{ industry: offer.industry as never }] : []),
      ],
      organisation: { type: "enterprise" },
    },
    select: { organisationId: true },
    take: 500,
  });
  const enterpriseIds = [...new Set([...seekerIds, ...posted.map((p) => p.organisationId)])].filter(
    (id) => id !== offer.ownerOrganisationId,
  );
  const records = await seekerRecords(db, enterpriseIds);

  const challenges: Match[] = open
    .filter((h) => str(h.document.organisationId) !== offer.ownerOrganisationId)
    .map((h) => {
      const id = str(h.document.id)!;
      const seeker = str(h.document.organisationId);
      return {
        kind: "challenge",
        id,
        title: str(h.document.title) ?? id,
        subtitle: str(h.document.organisationName),
        href: `/challenges/${id}`,
        ...scored(subject, text, id, {
          fields: strings(h.document.fieldTags),
          industries: strings(h.document.industry),
          zones: strings(h.document.zone),
          history: (seeker ? records.get(seeker)?.history : undefined) ?? emptyRecord().history,
        }),
      };
    });

  const orgRows = await db.organisation.findMany({
    where: { id: { in: enterpriseIds }, type: "enterprise" },
    select: { id: true, name: true, zone: { select: { code: true, nameZh: true } } },
  });
  // An enterprise's text rank is its best challenge's.
  const byOrg = new Map<string, TextHit>();
  for (const h of hits) {
    const org = str(h.document.organisationId);
    if (org && !byOrg.has(org)) byOrg.set(org, h);
  }
  const orgText = text ? { hits: byOrg, count: text.count } : null;
  const enterprises = orgRows.map((org): Match => {
    const record = records.get(org.id) ?? emptyRecord();
    return {
      kind: "organisation",
      id: org.id,
      title: org.name,
      subtitle: org.zone.nameZh,
      href: `/search?kind=organisations&q=${encodeURIComponent(org.name)}`,
      ...scored(subject, orgText, org.id, {
        fields: record.fields,
        industries: record.industries,
        zones: [org.zone.code],
        history: record.history,
      }),
    };
  });
  return { challenges: rank(challenges, limit), enterprises: rank(enterprises, limit) };
}

/**
 * Open challenges a researcher could bid on, scored against the fields of the challenges they
 * bid on before and their organisations' zones; challenges they already bid on, their own
 * organisation's, and those their organisation type may not bid on are left out.
 */
export async function matchesForResearcher(options: {
  db: DbOrTx;
  search: MatchSearch;
  userId: string;
  limit?: number;
}): Promise<{ challenges: Match[]; fields: string[] }> {
  const { db, search, userId } = options;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const [person] = await researchers(db, [userId]);
  if (!person) return { challenges: [], fields: [] };
  const record = (await solverRecords(db, { userIds: [userId] })).users.get(userId) ?? emptyRecord();
  const fields = [...record.fields];
  const zones = [...new Set(person.organisations.map((o) => o.zone))];
  const subject: Subject = { title: "", fields, zone: zones[0] };
  const q = fields.join(" ");
  const text = await textSearch(search, "challenges", q, {
    filter: "status = published",
    highlight: ["title", "fieldTags", "problem"],
    limit: TEXT_LIMIT,
  });
  const bidOn = new Set(
    (await db.bid.findMany({ where: { leadUserId: userId }, select: { challengeId: true } })).map((b) => b.challengeId),
  );
  const ownOrgs = new Set(person.organisations.map((o) => o.id));
  const orgTypes = new Set<string>(person.organisations.map((o) => o.type));
  const seekerIds = [
    ...new Set([...(text?.hits.values() ?? [])].map((h) => str(h.document.organisationId)).filter(Boolean)),
  ] as string[];
  const seekers = await seekerRecords(db, seekerIds);
  const challenges: Match[] = [];
  for (const [id, hit] of text?.hits ?? []) {
    const d = hit.document;
    if (bidOn.has(id) || ownOrgs.has(str(d.organisationId) ?? "")) continue;
    const eligible = strings(d.eligibleOrgTypes);
    const allowed =
      orgTypes.size === 0
        ? d.individualsAllowed !== false
        : eligible.length === 0 || eligible.some((t) => orgTypes.has(t));
    if (!allowed) continue;
    const seeker = str(d.organisationId);
    const s = scored({ ...subject, industry: [...record.industries].find((i) => i === d.industry) }, text, id, {
      fields: strings(d.fieldTags),
      industries: strings(d.industry),
      zones: strings(d.zone),
      // For a researcher, the seeker's record: an enterprise that awards and accepts is worth the bid.
      history: (seeker ? seekers.get(seeker)?.history : undefined) ?? emptyRecord().history,
    });
    challenges.push({
      kind: "challenge",
      id,
      title: str(d.title) ?? id,
      subtitle: str(d.organisationName),
      href: `/challenges/${id}`,
      ...s,
    });
  }
  return { challenges: rank(challenges, limit), fields };
}

export interface BrokerBoard {
  organisations: {
    id: string;
    name: string;
    challenges: ChallengeMatches[];
    offers: { id: string; title: string; challenges: Match[]; enterprises: Match[] }[];
  }[];
  offersAvailable: boolean;
}

/**
 * The broker's matching board: for each organisation the broker serves, its open challenges'
 * matches and its offers' matches. A broker serves the organisations they are a member of; serving the
 * organisations they introduced needs matching rights for non-members first (ADR 0014).
 */
export async function brokerMatchBoard(options: {
  db: DbOrTx;
  search: MatchSearch;
  actor: Actor | null;
  limit?: number;
}): Promise<BrokerBoard> {
  const { db, search, actor } = options;
  if (!actor) throw new AppError("unauthenticated", "errors.unauthenticated");
  if (!can(actor, "broker:deal:any")) {
    throw new AppError("forbidden", "errors.forbidden", { params: { permission: "broker:deal:any" } });
  }
  const served = await db.organisation.findMany({
    where: { id: { in: actor.memberships.map((m) => m.organisationId) } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  const limit = options.limit ?? 5;
  let offersAvailable = true;
  const organisations: BrokerBoard["organisations"] = [];
  for (const org of served) {
    const open = await db.challenge.findMany({
      where: { organisationId: org.id, status: "published" },
      select: { id: true },
      orderBy: { publishedAt: "desc" },
      take: 10,
    });
    const challenges: ChallengeMatches[] = [];
    for (const c of open) {
      const m = await matchesForChallenge({ db, search, actor, challengeId: c.id, limit });
      offersAvailable &&= m.offersAvailable;
      challenges.push(m);
    }
    const offerHits = await textSearch(search, "offers", "", {
      filter: `ownerOrganisationId = ${quote(org.id)}`,
      highlight: [],
      limit: 10,
    });
    if (!offerHits) offersAvailable = false;
    const offers: BrokerBoard["organisations"][number]["offers"] = [];
    for (const hit of offerHits?.hits.values() ?? []) {
      const d = hit.document;
      const offer: OfferSubject = {
        id: str(d.id)!,
        title: str(d.title) ?? "",
        ownerOrganisationId: org.id,
        industry: str(d.industry),
        fieldTags: strings(d.fieldTags),
        zone: str(d.zone),
      };
      offers.push({ id: offer.id, title: offer.title, ...(await matchesForOffer({ db, search, offer, limit })) });
    }
    organisations.push({ id: org.id, name: org.name, challenges, offers });
  }
  return { organisations, offersAvailable };
}

/** The open challenges of the enterprises the actor belongs to (links to their matches). */
export async function openChallengesToMatch(options: {
  db: DbOrTx;
  actor: Actor;
}): Promise<{ id: string; title: string }[]> {
  const ids = options.actor.memberships.filter((m) => m.orgType === "enterprise").map((m) => m.organisationId);
  if (ids.length === 0) return [];
  return options.db.challenge.findMany({
    where: { organisationId: { in: ids }, status: "published" },
    select: { id: true, title: true },
    orderBy: { publishedAt: "desc" },
    take: 50,
  });
}
