import type { Challenge, ChallengeIndustry, ChallengeStatus, Prisma } from "#db/generated/client/client.ts";
import { officerZoneIds, type Actor } from "../access/permissions.ts";
import { shanghaiDate } from "../calendar/working-days.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { canRunTransition, transitionsFrom } from "../process/machine.ts";
import { canSeeChallenge, isBidSide, isReviewer, isSeeker, isZoneOfficer } from "./access.ts";
import { CHALLENGE_ERRORS, FUNDED_STATUSES, PUBLIC_STATUSES } from "./constants.ts";
import { challengeMoney } from "./escrow.ts";
import { challengeProcess } from "./process.ts";
import { recusals } from "./review.ts";

/**
 * What the pages read. Every function decides visibility itself: drafts and the zone's review
 * stay with the enterprise and the zone; invited-only challenges with their invitees; seeker
 * anonymity hides the enterprise from everyone else; bids are sealed (see listBids). Amounts of a
 * funded challenge come from the ledger (challengeMoney), never from the challenge's own columns.
 */

const ZONE_SELECT = { id: true, nameZh: true, nameEn: true } as const;

export interface ChallengeCard {
  id: string;
  title: string;
  industry: ChallengeIndustry;
  fieldTags: string[];
  status: ChallengeStatus;
  bounty: bigint;
  bidDeadline: Date;
  zone: { id: string; nameZh: string; nameEn: string };
  /** Null when the enterprise chose anonymity (the public sees only zone and industry). */
  seeker: { id: string; name: string } | null;
  publishedAt: Date | null;
}

async function cards(db: Db, rows: Challenge[], actor: Actor | null): Promise<ChallengeCard[]> {
  const zones = await db.zone.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.zoneId))] } },
    select: ZONE_SELECT,
  });
  const orgs = await db.organisation.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.organisationId))] } },
    select: { id: true, name: true },
  });
  return rows.map((c) => ({
    id: c.id,
    title: c.title,
    industry: c.industry,
    fieldTags: c.fieldTags,
    status: c.status,
    bounty: c.bounty,
    bidDeadline: c.bidDeadline,
    zone: zones.find((z) => z.id === c.zoneId)!,
    seeker: showSeeker(actor, c) ? orgs.find((o) => o.id === c.organisationId)! : null,
    publishedAt: c.publishedAt,
  }));
}

function showSeeker(actor: Actor | null, c: Challenge): boolean {
  return !c.seekerAnonymous || isSeeker(actor, c) || isZoneOfficer(actor, c);
}

export interface PublicListFilters {
  industry?: ChallengeIndustry;
  zoneId?: string;
  status?: ChallengeStatus;
  minBounty?: bigint;
  maxBounty?: bigint;
}

/** The public list (/challenges): published public challenges, newest first, with filters. */
export async function listPublicChallenges(options: {
  db: Db;
  actor?: Actor | null;
  filters?: PublicListFilters;
  page?: number;
  pageSize?: number;
}): Promise<{ items: ChallengeCard[]; total: number; page: number; pageSize: number }> {
  const f = options.filters ?? {};
  const pageSize = Math.min(Math.max(options.pageSize ?? 20, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const statuses = f.status ? PUBLIC_STATUSES.filter((s) => s === f.status) : [...PUBLIC_STATUSES];
  const where: Prisma.ChallengeWhereInput = {
    status: { in: statuses },
    visibility: "public",
    ...(f.industry ? { industry: f.industry } : {}),
    ...(f.zoneId ? { zoneId: f.zoneId } : {}),
    ...(f.minBounty !== undefined || f.maxBounty !== undefined
      ? {
          bounty: {
            ...(f.minBounty !== undefined ? { gte: f.minBounty } : {}),
            ...(f.maxBounty !== undefined ? { lte: f.maxBounty } : {}),
          },
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    options.db.challenge.findMany({
      where,
      orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    options.db.challenge.count({ where }),
  ]);
  return { items: await cards(options.db, rows, options.actor ?? null), total, page, pageSize };
}

/** Counts a view of the detail page (statistics). Not a status: a plain counter. */
export async function recordChallengeView(options: { db: Db; challengeId: string }): Promise<void> {
  await options.db.challenge.updateMany({ where: { id: options.challengeId }, data: { viewCount: { increment: 1 } } });
}

export interface ChallengeDetail extends ChallengeCard {
  problemStatement: string;
  indicators: unknown;
  ipTerms: string;
  eligibility: {
    domesticAllowed: boolean;
    internationalAllowed: boolean;
    eligibleOrgTypes: string[];
    individualsAllowed: boolean;
    priceAboveBountyAllowed: boolean;
  };
  visibility: string;
  round: number;
  milestones: {
    index: number;
    name: string;
    deliverable: string;
    acceptanceCriteria: string;
    amount: bigint;
    dueDate: Date;
    status: string;
    deliveredAt: Date | null;
    settledAt: Date | null;
    revisionReasons: string | null;
  }[];
  /** 公示: the proposed winner (team and organisation, never the bid) and objections with answers. */
  notice: {
    startedAt: Date | null;
    endsAt: Date | null;
    winner: { leadName: string; organisationName: string | null } | null;
    objections: { id: string; body: string; answer: string | null; createdAt: Date; answeredAt: Date | null }[];
  } | null;
  /** For funded challenges: escrow per milestone, read from the ledger. */
  money: Awaited<ReturnType<typeof challengeMoney>> | null;
  contract: {
    terms: string | null;
    seekerConfirmedAt: Date | null;
    solverConfirmedAt: Date | null;
    feeBasisPoints: number | null;
  } | null;
  /** Reasons of returns, withdrawals, cancellations, failures (the enterprise and the zone). */
  statusReason: string | null;
  viewer: { isSeeker: boolean; isZoneOfficer: boolean; isReviewer: boolean; myBidId: string | null; isWinner: boolean };
  /** Transitions the viewer may try now (guards run when they do): for the page's buttons. */
  actions: string[];
}

const NOTICE_STATES: ChallengeStatus[] = [
  "public_notice",
  "contracting",
  "contracted",
  "in_progress",
  "disputed",
  "accepted",
  "closed",
];

/** The detail page (/challenges/<id>). Throws not_found when the viewer may not see it. */
export async function getChallengeDetail(options: {
  db: Db;
  actor: Actor | null;
  challengeId: string;
  now?: Date;
}): Promise<ChallengeDetail> {
  const { db, actor } = options;
  const c = await db.challenge.findUnique({ where: { id: options.challengeId } });
  if (!c || !(await canSeeChallenge(db, actor, c))) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  const [card] = await cards(db, [c], actor);
  const milestones = await db.challengeMilestone.findMany({ where: { challengeId: c.id }, orderBy: { index: "asc" } });
  const seeker = isSeeker(actor, c);
  const officer = isZoneOfficer(actor, c);
  const reviewer = await isReviewer(db, actor, c.id);
  const myBid = actor
    ? await db.bid.findFirst({
        where: { challengeId: c.id, round: c.round, leadUserId: actor.userId },
        select: { id: true },
      })
    : null;
  const winnerBid = c.winnerBidId ? await db.bid.findUnique({ where: { id: c.winnerBidId } }) : null;
  let notice: ChallengeDetail["notice"] = null;
  if (NOTICE_STATES.includes(c.status) && winnerBid) {
    const lead = await db.user.findUnique({ where: { id: winnerBid.leadUserId }, select: { name: true } });
    const org = winnerBid.organisationId
      ? await db.organisation.findUnique({ where: { id: winnerBid.organisationId }, select: { name: true } })
      : null;
    const objections = await db.publicNoticeObjection.findMany({
      where: { challengeId: c.id },
      orderBy: { createdAt: "asc" },
    });
    notice = {
      startedAt: c.publicNoticeStartedAt,
      endsAt: c.publicNoticeEndsAt,
      winner: { leadName: lead?.name ?? "", organisationName: org?.name ?? null },
      objections: objections.map((o) => ({
        id: o.id,
        body: o.body,
        answer: o.answer,
        createdAt: o.createdAt,
        answeredAt: o.answeredAt,
      })),
    };
  }
  const funded = (FUNDED_STATUSES as readonly string[]).includes(c.status) && c.feeBasisPoints !== null;
  const isWinner = !!winnerBid && isBidSide(actor, winnerBid);
  const actions: string[] = [];
  for (const t of transitionsFrom(challengeProcess, c.status)) {
    if (
      await canRunTransition(challengeProcess, {
        tx: db as unknown as Tx,
        entity: { ...c },
        transition: t,
        actor,
        now: options.now ?? new Date(),
      })
    )
      actions.push(t);
  }
  return {
    ...card!,
    problemStatement: c.problemStatement,
    indicators: c.indicators,
    ipTerms: c.ipTerms,
    eligibility: {
      domesticAllowed: c.domesticAllowed,
      internationalAllowed: c.internationalAllowed,
      eligibleOrgTypes: c.eligibleOrgTypes,
      individualsAllowed: c.individualsAllowed,
      priceAboveBountyAllowed: c.priceAboveBountyAllowed,
    },
    visibility: c.visibility,
    round: c.round,
    milestones: milestones.map((m) => ({
      index: m.index,
      name: m.name,
      deliverable: m.deliverable,
      acceptanceCriteria: m.acceptanceCriteria,
      amount: m.amount,
      dueDate: m.dueDate,
      status: m.status,
      deliveredAt: m.deliveredAt,
      settledAt: m.settledAt,
      revisionReasons: seeker || isWinner || officer ? m.revisionReasons : null,
    })),
    notice,
    money: funded ? await challengeMoney({ db, challengeId: c.id }) : null,
    contract:
      seeker || officer || isWinner
        ? {
            terms: c.contractTerms,
            seekerConfirmedAt: c.seekerConfirmedAt,
            solverConfirmedAt: c.solverConfirmedAt,
            feeBasisPoints: c.feeBasisPoints,
          }
        : null,
    statusReason: seeker || officer ? c.statusReason : null,
    viewer: { isSeeker: seeker, isZoneOfficer: officer, isReviewer: reviewer, myBidId: myBid?.id ?? null, isWinner },
    actions,
  };
}

export interface BidView {
  id: string;
  status: string;
  leadUserId: string;
  leadName: string;
  organisation: { id: string; name: string; type: string; country: string } | null;
  members: unknown;
  teamOrganisations: string[];
  approach: string;
  price: bigint;
  schedule: unknown;
  credentials: string;
  submittedAt: Date;
  commitment: string | null;
  feedback: { categories: string[]; text: string } | null;
}

const SEALED: ChallengeStatus[] = ["draft", "submitted", "returned", "approved", "published", "withdrawal_requested"];

/** Whether the bids of the current round are still sealed from the enterprise and the zone. */
function bidsSealed(c: Pick<Challenge, "bidDeadline" | "status">, now: Date): boolean {
  return now < c.bidDeadline || SEALED.includes(c.status);
}

/**
 * The bids of a challenge's current round, sealed: the enterprise and the zone see them only once
 * the deadline has passed (and bidding is closed), reviewers once the review has started; no
 * bidder ever sees another's bid (a bidder reads their own through solverWorkspace).
 */
export async function listBids(options: { db: Db; actor: Actor; challengeId: string; now?: Date }): Promise<BidView[]> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const c = await db.challenge.findUnique({ where: { id: options.challengeId } });
  if (!c || !(await canSeeChallenge(db, actor, c))) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  const organiser = isSeeker(actor, c) || isZoneOfficer(actor, c);
  const reviewer = await isReviewer(db, actor, c.id);
  if (!organiser && !reviewer) throw new AppError("forbidden", CHALLENGE_ERRORS.bidsSealed);
  if (bidsSealed(c, now)) throw new AppError("forbidden", CHALLENGE_ERRORS.bidsSealed);
  if (!organiser && (c.status === "bidding_closed" || c.status === "failed"))
    throw new AppError("forbidden", CHALLENGE_ERRORS.bidsSealed);
  if (reviewer && !organiser && (await recusals(db, c)).has(actor.userId))
    throw new AppError("forbidden", CHALLENGE_ERRORS.reviewerRecused);
  const bids = await db.bid.findMany({
    where: { challengeId: c.id, round: c.round, status: { in: ["submitted", "won", "lost"] } },
    include: { feedback: true, receipts: { orderBy: { serverTime: "desc" }, take: 1 } },
    orderBy: { submittedAt: "asc" },
  });
  return bidViews(db, bids, organiser);
}

async function bidViews(
  db: Db,
  bids: Prisma.BidGetPayload<{ include: { feedback: true; receipts: true } }>[],
  withFeedback: boolean,
): Promise<BidView[]> {
  const users = await db.user.findMany({
    where: { id: { in: bids.map((b) => b.leadUserId) } },
    select: { id: true, name: true },
  });
  const orgs = await db.organisation.findMany({
    where: { id: { in: bids.map((b) => b.organisationId).filter((o): o is string => !!o) } },
    select: { id: true, name: true, type: true, country: true },
  });
  return bids.map((b) => ({
    id: b.id,
    status: b.status,
    leadUserId: b.leadUserId,
    leadName: users.find((u) => u.id === b.leadUserId)?.name ?? "",
    organisation: orgs.find((o) => o.id === b.organisationId) ?? null,
    members: b.members,
    teamOrganisations: b.teamOrganisations,
    approach: b.approach,
    price: b.price,
    schedule: b.schedule,
    credentials: b.credentials,
    submittedAt: b.submittedAt,
    commitment: b.receipts[0]?.commitment ?? null,
    feedback: withFeedback && b.feedback ? { categories: b.feedback.categories, text: b.feedback.text } : null,
  }));
}

/** The enterprise workspace: its challenges by status, with bid counts once bids are open to it. */
export async function enterpriseWorkspace(options: { db: Db; actor: Actor; organisationId: string; now?: Date }) {
  const { db, actor, organisationId } = options;
  if (!isSeeker(actor, { organisationId }))
    throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
  const now = options.now ?? new Date();
  const rows = await db.challenge.findMany({ where: { organisationId }, orderBy: { updatedAt: "desc" } });
  const items = await cards(db, rows, actor);
  const counts = await db.bid.groupBy({
    by: ["challengeId"],
    where: { challengeId: { in: rows.map((r) => r.id) }, status: { in: ["submitted", "won", "lost"] } },
    _count: true,
  });
  return items.map((card, i) => {
    const c = rows[i]!;
    const open = !bidsSealed(c, now);
    return {
      ...card,
      round: c.round,
      statusReason: c.statusReason,
      bids: open ? (counts.find((x) => x.challengeId === c.id)?._count ?? 0) : null,
    };
  });
}

/** The solver workspace: my bids with their receipts and feedback, and the milestones I deliver. */
export async function solverWorkspace(options: { db: Db; actor: Actor }) {
  const { db, actor } = options;
  const bids = await db.bid.findMany({
    where: { leadUserId: actor.userId },
    include: { receipts: { orderBy: { serverTime: "desc" } }, feedback: true, challenge: true },
    orderBy: { submittedAt: "desc" },
  });
  const myBids = bids.map((b) => ({
    bidId: b.id,
    status: b.status,
    price: b.price,
    submittedAt: b.submittedAt,
    challenge: {
      id: b.challenge.id,
      title: b.challenge.title,
      status: b.challenge.status,
      bidDeadline: b.challenge.bidDeadline,
    },
    receipts: b.receipts.map((r) => ({
      receiptId: r.id,
      commitment: r.commitment,
      serverTime: r.serverTime,
      nonce: r.nonce,
    })),
    // Feedback reaches the bidder with the result (when the 公示 ends and bids are decided).
    feedback: b.status === "lost" && b.feedback ? { categories: b.feedback.categories, text: b.feedback.text } : null,
  }));
  const won = bids.filter((b) => b.status === "won");
  const milestones = await db.challengeMilestone.findMany({
    where: { challengeId: { in: won.map((b) => b.challengeId) } },
    orderBy: [{ challengeId: "asc" }, { index: "asc" }],
  });
  return {
    bids: myBids,
    milestones: milestones.map((m) => ({
      challengeId: m.challengeId,
      challengeTitle: won.find((b) => b.challengeId === m.challengeId)!.challenge.title,
      challengeStatus: won.find((b) => b.challengeId === m.challengeId)!.challenge.status,
      index: m.index,
      name: m.name,
      amount: m.amount,
      dueDate: m.dueDate,
      status: m.status,
      revisionReasons: m.revisionReasons,
    })),
  };
}

/**
 * The reviewer workspace: challenges I review, whether I am recused, and how many bids I scored.
 * The number of bids stays sealed (null) until the review has started, as the bids do in listBids.
 */
export async function reviewerWorkspace(options: { db: Db; actor: Actor; now?: Date }) {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const rows = await db.challengeReviewer.findMany({ where: { userId: actor.userId }, include: { challenge: true } });
  const out = [];
  for (const r of rows) {
    const c = r.challenge;
    const sealed = bidsSealed(c, now) || c.status === "bidding_closed" || c.status === "failed";
    const bids = sealed
      ? null
      : await db.bid.count({ where: { challengeId: c.id, round: c.round, status: "submitted" } });
    const scored = await db.bidScore.groupBy({
      by: ["bidId"],
      where: { reviewerId: actor.userId, bid: { challengeId: c.id, round: c.round } },
    });
    const recused = (await recusals(db, c)).get(actor.userId) ?? null;
    out.push({ challengeId: c.id, title: c.title, status: c.status, bids, scored: scored.length, recused });
  }
  return out;
}

/** The zone's queue: approvals, withdrawal requests, winner proposals, objections to answer, open disputes. */
export async function zoneQueue(options: { db: Db; actor: Actor; zoneId?: string; now?: Date }) {
  const { db, actor } = options;
  const zoneIds = options.zoneId ? [options.zoneId] : officerZoneIds(actor);
  if (zoneIds.length === 0 || !zoneIds.every((zoneId) => isZoneOfficer(actor, { zoneId }))) {
    throw new AppError("forbidden", "errors.forbidden", { params: { permission: "approve:challenge:zone" } });
  }
  const now = options.now ?? new Date();
  const inZone = (status: ChallengeStatus) =>
    db.challenge.findMany({ where: { zoneId: { in: zoneIds }, status }, orderBy: { updatedAt: "asc" } });
  const [approvals, withdrawals, proposals, notices, disputed] = await Promise.all([
    inZone("submitted"),
    inZone("withdrawal_requested"),
    inZone("winner_proposed"),
    inZone("public_notice"),
    inZone("disputed"),
  ]);
  const objections = await db.publicNoticeObjection.findMany({
    where: { challengeId: { in: notices.map((n) => n.id) }, answeredAt: null },
    orderBy: { createdAt: "asc" },
  });
  const disputes = await db.challengeDispute.findMany({
    where: { challengeId: { in: disputed.map((d) => d.id) }, outcome: null },
  });
  const brief = (c: Challenge) => ({
    id: c.id,
    title: c.title,
    status: c.status,
    bounty: c.bounty,
    statusReason: c.statusReason,
    updatedAt: c.updatedAt,
  });
  return {
    approvals: approvals.map(brief),
    withdrawals: withdrawals.map(brief),
    proposals: proposals.map(brief),
    objections: objections.map((o) => ({ id: o.id, challengeId: o.challengeId, body: o.body, createdAt: o.createdAt })),
    noticesDue: notices.filter((n) => n.publicNoticeEndsAt && n.publicNoticeEndsAt <= now).map(brief),
    disputes: disputes.map((d) => ({
      id: d.id,
      challengeId: d.challengeId,
      milestoneIndex: d.milestoneIndex,
      reason: d.reason,
      createdAt: d.createdAt,
    })),
  };
}

/**
 * Statistics for the enterprise and the zone: views, registered bidders (every signed-in lead who
 * submitted in this round, withdrawn or not), bids over time (per Shanghai day), bidders'
 * organisation types and countries (individual researchers count as "individual").
 *
 * Sealed (ADR 0024): until the bids are open to the enterprise (deadline passed and bidding
 * closed, as for listBids) nothing of any bid is shown, counts included — only the views.
 */
export interface ChallengeStatistics {
  views: number;
  /** Before the bids open: every bid figure below is null or empty. */
  sealed: boolean;
  registeredBidders: number | null;
  activeBids: number | null;
  bidsOverTime: { date: string; count: number; cumulative: number }[];
  orgTypes: { key: string; count: number }[];
  countries: { key: string; count: number }[];
}

export async function challengeStatistics(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  now?: Date;
}): Promise<ChallengeStatistics> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const c = await db.challenge.findUnique({ where: { id: options.challengeId } });
  if (!c) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  if (!isSeeker(actor, c) && !isZoneOfficer(actor, c))
    throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
  if (bidsSealed(c, now))
    return {
      views: c.viewCount,
      sealed: true,
      registeredBidders: null,
      activeBids: null,
      bidsOverTime: [],
      orgTypes: [],
      countries: [],
    };
  const bids = await db.bid.findMany({
    where: { challengeId: c.id, round: c.round },
    select: { leadUserId: true, organisationId: true, submittedAt: true, status: true },
  });
  const orgs = await db.organisation.findMany({
    where: { id: { in: bids.map((b) => b.organisationId).filter((o): o is string => !!o) } },
    select: { id: true, type: true, country: true },
  });
  const tally = (keys: string[]) =>
    Object.entries(keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {}))
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const orgOf = (b: (typeof bids)[number]) => orgs.find((o) => o.id === b.organisationId);
  const byDay = tally(bids.map((b) => shanghaiDate(b.submittedAt))).sort((a, b) => a.key.localeCompare(b.key));
  let running = 0;
  return {
    views: c.viewCount,
    sealed: false,
    registeredBidders: new Set(bids.map((b) => b.leadUserId)).size,
    activeBids: bids.filter((b) => b.status !== "withdrawn" && b.status !== "void").length,
    bidsOverTime: byDay.map((d) => ({ date: d.key, count: d.count, cumulative: (running += d.count) })),
    orgTypes: tally(bids.map((b) => orgOf(b)?.type ?? "individual")),
    countries: tally(bids.map((b) => orgOf(b)?.country ?? "unknown")),
  };
}
