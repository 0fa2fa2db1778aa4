import type { Actor } from "../access/permissions.ts";
import { DEFAULT_PUBLIC_NOTICE_WORKING_DAYS } from "../calendar/working-days.ts";
import type { Db } from "../db/client.ts";

/**
 * Small reads for the web pages that read.ts does not cover. The caller's own bid in the
 * challenge's current round, with its content, for the bid form (edit); null when there is none.
 * Only the lead of the bid reads it here, so sealing is untouched.
 */
export async function myBidInChallenge(options: { db: Db; actor: Actor; challengeId: string }) {
  const challenge = await options.db.challenge.findUnique({
    where: { id: options.challengeId },
    select: { round: true },
  });
  if (!challenge) return null;
  const bid = await options.db.bid.findFirst({
    where: { challengeId: options.challengeId, round: challenge.round, leadUserId: options.actor.userId },
    include: { receipts: { orderBy: { serverTime: "desc" }, take: 1 } },
  });
  if (!bid) return null;
  return {
    id: bid.id,
    status: bid.status,
    organisationId: bid.organisationId,
    approach: bid.approach,
    price: bid.price,
    members: bid.members,
    teamOrganisations: bid.teamOrganisations,
    schedule: bid.schedule,
    credentials: bid.credentials,
    receipt: bid.receipts[0]
      ? { commitment: bid.receipts[0].commitment, serverTime: bid.receipts[0].serverTime }
      : null,
  };
}

/** Users with the expert role (for the enterprise's reviewer invitation), by name. */
export async function listExperts(options: { db: Db }) {
  const rows = await options.db.userRole.findMany({
    where: { role: "expert" },
    select: { user: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((r) => r.user).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

/**
 * The review set-up of a challenge for its organisers (the enterprise and the zone): criteria in
 * order and the invited reviewers. Callers check the viewer (the manage page shows it only to them).
 */
export async function reviewSetup(options: { db: Db; challengeId: string }) {
  const [criteria, reviewers] = await Promise.all([
    options.db.reviewCriterion.findMany({ where: { challengeId: options.challengeId }, orderBy: { position: "asc" } }),
    options.db.challengeReviewer.findMany({ where: { challengeId: options.challengeId } }),
  ]);
  const users = await options.db.user.findMany({
    where: { id: { in: reviewers.map((r) => r.userId) } },
    select: { id: true, name: true },
  });
  return {
    criteria: criteria.map((c) => ({ id: c.id, name: c.name, weight: c.weight })),
    reviewers: reviewers.map((r) => ({ userId: r.userId, name: users.find((u) => u.id === r.userId)?.name ?? "" })),
  };
}

/** The scores the caller gave in this challenge's current round: bidId → criterionId → score. */
export async function myScores(options: { db: Db; actor: Actor; challengeId: string }) {
  const challenge = await options.db.challenge.findUnique({
    where: { id: options.challengeId },
    select: { round: true },
  });
  if (!challenge) return {};
  const rows = await options.db.bidScore.findMany({
    where: { reviewerId: options.actor.userId, bid: { challengeId: options.challengeId, round: challenge.round } },
    select: { bidId: true, criterionId: true, score: true },
  });
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.bidId] ??= {})[r.criterionId] = r.score;
  return out;
}

/** The open dispute of a challenge (for the zone's arbitration form), or null. */
export async function openDispute(options: { db: Db; challengeId: string }) {
  const d = await options.db.challengeDispute.findFirst({ where: { challengeId: options.challengeId, outcome: null } });
  return d ? { id: d.id, milestoneIndex: d.milestoneIndex, reason: d.reason, createdAt: d.createdAt } : null;
}

/** Titles of challenges by id (the zone queue names the challenge of each objection and dispute). */
export async function challengeTitles(options: { db: Db; ids: string[] }): Promise<Record<string, string>> {
  if (options.ids.length === 0) return {};
  const rows = await options.db.challenge.findMany({
    where: { id: { in: [...new Set(options.ids)] } },
    select: { id: true, title: true },
  });
  return Object.fromEntries(rows.map((r) => [r.id, r.title]));
}

/** Whether the seeker chose anonymity (for the edit form; getChallengeDetail does not carry it). */
export async function seekerAnonymous(options: { db: Db; challengeId: string }): Promise<boolean> {
  const row = await options.db.challenge.findUnique({
    where: { id: options.challengeId },
    select: { seekerAnonymous: true },
  });
  return row?.seekerAnonymous ?? false;
}

/** How many challenges each organisation has posted, by status (the enterprise dashboard's summary). */
export async function challengeCountsByOrganisation(options: {
  db: Db;
  organisationIds: string[];
}): Promise<Record<string, { total: number; open: number }>> {
  if (options.organisationIds.length === 0) return {};
  const rows = await options.db.challenge.groupBy({
    by: ["organisationId", "status"],
    where: { organisationId: { in: options.organisationIds } },
    _count: { _all: true },
  });
  const counts: Record<string, { total: number; open: number }> = {};
  for (const row of rows) {
    const entry = (counts[row.organisationId] ??= { total: 0, open: 0 });
    entry.total += row._count._all;
    if (!["closed", "withdrawn", "cancelled", "failed"].includes(row.status)) entry.open += row._count._all;
  }
  return counts;
}

/** The 公示 length of each zone the actor is an officer of (the default where none is set). */
export async function zoneNoticeSettings(options: { db: Db; zoneIds: string[] }) {
  const zones = await options.db.zone.findMany({
    where: { id: { in: options.zoneIds } },
    orderBy: { code: "asc" },
    select: {
      id: true,
      nameZh: true,
      nameEn: true,
      challengeSettings: { select: { publicNoticeWorkingDays: true, updatedAt: true } },
    },
  });
  return zones.map((z) => ({
    zoneId: z.id,
    nameZh: z.nameZh,
    nameEn: z.nameEn,
    days: z.challengeSettings?.publicNoticeWorkingDays ?? DEFAULT_PUBLIC_NOTICE_WORKING_DAYS,
    updatedAt: z.challengeSettings?.updatedAt ?? null,
  }));
}
