import type { Challenge } from "#db/generated/client/client.ts";
import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { isReviewer, isSeeker, isZoneOfficer, lockChallenge, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS, FEEDBACK_CATEGORIES } from "./constants.ts";
import { rankBids, type RankedBid } from "./ranking.ts";
import { feedbackInput, parseOrThrow } from "./validation.ts";

/**
 * 评审: weighted criteria set by the enterprise or the zone, invited expert reviewers, recusal,
 * scores, the ranking, and structured feedback to every losing bidder.
 *
 * Recusal: a reviewer who declared a conflict, who belongs to an organisation of any bid of the
 * round (the lead's organisation), or who leads a bid, is recused from the whole challenge: they
 * cannot score, and scores they gave before are excluded from the ranking.
 */

function forbid(): AppError {
  return new AppError("forbidden", "errors.forbidden", { params: { permission: "review:bid:own" } });
}

function requireOrganiser(actor: Actor, challenge: Challenge) {
  if (!isSeeker(actor, challenge) && !isZoneOfficer(actor, challenge)) throw forbid();
}

/** Sets the weighted criteria; allowed until the first score. Weights are integers summing to 100. */
export async function setReviewCriteria(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  criteria: { name: string; weight: number }[];
}): Promise<void> {
  const criteria = options.criteria.map((c) => ({
    name: String(c.name ?? "")
      .trim()
      .slice(0, 100),
    weight: c.weight,
  }));
  if (
    criteria.length < 1 ||
    criteria.length > 10 ||
    criteria.some((c) => !c.name || !Number.isInteger(c.weight) || c.weight < 1 || c.weight > 100) ||
    criteria.reduce((s, c) => s + c.weight, 0) !== 100
  ) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.criteriaWeights, {
      fieldErrors: { criteria: CHALLENGE_ERRORS.criteriaWeights },
    });
  }
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    requireOrganiser(options.actor, challenge);
    if (
      [
        "winner_proposed",
        "public_notice",
        "contracting",
        "contracted",
        "in_progress",
        "disputed",
        "accepted",
        "closed",
        "withdrawn",
        "cancelled",
      ].includes(challenge.status)
    ) {
      throw new AppError("conflict", CHALLENGE_ERRORS.criteriaLocked);
    }
    const scored = await tx.bidScore.count({ where: { bid: { challengeId: challenge.id } } });
    if (scored > 0) throw new AppError("conflict", CHALLENGE_ERRORS.criteriaLocked);
    await tx.reviewCriterion.deleteMany({ where: { challengeId: challenge.id } });
    await tx.reviewCriterion.createMany({
      data: criteria.map((c, i) => ({ challengeId: challenge.id, name: c.name, weight: c.weight, position: i + 1 })),
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.setReviewCriteria",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { criteria },
    });
  });
}

/** Invites a user with the expert role to review the challenge. */
export async function inviteReviewer(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  userId: string;
}): Promise<void> {
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    requireOrganiser(options.actor, challenge);
    const expert = await tx.userRole.findUnique({ where: { userId_role: { userId: options.userId, role: "expert" } } });
    if (!expert) throw new AppError("bad_request", CHALLENGE_ERRORS.reviewerNotExpert);
    await tx.challengeReviewer.upsert({
      where: { challengeId_userId: { challengeId: challenge.id, userId: options.userId } },
      create: { challengeId: challenge.id, userId: options.userId, invitedById: options.actor.userId },
      update: {},
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.inviteReviewer",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { reviewerId: options.userId },
    });
  });
}

/** A reviewer declares a conflict of interest and is recused (their scores stop counting). */
export async function declareConflict(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  note: string;
}): Promise<void> {
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    if (!(await isReviewer(tx, options.actor, challenge.id)))
      throw new AppError("forbidden", CHALLENGE_ERRORS.reviewerNotInvited);
    await tx.challengeReviewer.update({
      where: { challengeId_userId: { challengeId: challenge.id, userId: options.actor.userId } },
      data: {
        conflictDeclared: true,
        conflictNote:
          String(options.note ?? "")
            .trim()
            .slice(0, 2000) || null,
      },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.declareConflict",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { recused: true },
    });
  });
}

/** Reviewers recused from the challenge, with the reason (declared, same organisation, bidder). */
export async function recusals(
  db: DbOrTx,
  challenge: Pick<Challenge, "id" | "round">,
): Promise<Map<string, "declared" | "same_organisation" | "bidder">> {
  const reviewers = await db.challengeReviewer.findMany({ where: { challengeId: challenge.id } });
  const bids = await db.bid.findMany({
    where: { challengeId: challenge.id, round: challenge.round },
    select: { leadUserId: true, organisationId: true },
  });
  const bidOrgs = new Set(bids.map((b) => b.organisationId).filter((o): o is string => !!o));
  const leads = new Set(bids.map((b) => b.leadUserId));
  const memberships = await db.membership.findMany({
    where: { userId: { in: reviewers.map((r) => r.userId) } },
    select: { userId: true, organisationId: true },
  });
  const out = new Map<string, "declared" | "same_organisation" | "bidder">();
  for (const r of reviewers) {
    if (r.conflictDeclared) out.set(r.userId, "declared");
    else if (leads.has(r.userId)) out.set(r.userId, "bidder");
    else if (memberships.some((m) => m.userId === r.userId && bidOrgs.has(m.organisationId)))
      out.set(r.userId, "same_organisation");
  }
  return out;
}

/** An invited, not recused reviewer scores one bid on every criterion (0–100); scoring again replaces. */
export async function scoreBid(options: {
  db: Db;
  actor: Actor;
  bidId: string;
  scores: { criterionId: string; score: number; comment?: string }[];
}): Promise<void> {
  await options.db.$transaction(async (tx) => {
    const found = await tx.bid.findUnique({ where: { id: options.bidId }, select: { challengeId: true } });
    if (!found) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    const challenge = await lockChallenge(tx, found.challengeId);
    const bid = await tx.bid.findUniqueOrThrow({ where: { id: options.bidId } });
    if (!(await isReviewer(tx, options.actor, challenge.id)))
      throw new AppError("forbidden", CHALLENGE_ERRORS.reviewerNotInvited);
    if (challenge.status !== "under_review")
      throw new AppError("conflict", "errors.process.transitionNotAllowed", {
        params: { process: "challenge", transition: "score", status: challenge.status },
      });
    if (bid.round !== challenge.round || bid.status !== "submitted")
      throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    const recused = await recusals(tx, challenge);
    if (recused.has(options.actor.userId))
      throw new AppError("forbidden", CHALLENGE_ERRORS.reviewerRecused, {
        params: { reason: recused.get(options.actor.userId)! },
      });
    const criteria = await tx.reviewCriterion.findMany({ where: { challengeId: challenge.id } });
    const byId = new Map(options.scores.map((s) => [s.criterionId, s]));
    if (
      criteria.length !== options.scores.length ||
      criteria.some((c) => !byId.has(c.id)) ||
      options.scores.some((s) => !Number.isInteger(s.score) || s.score < 0 || s.score > 100)
    ) {
      throw new AppError("bad_request", CHALLENGE_ERRORS.scoresIncomplete, {
        fieldErrors: { scores: CHALLENGE_ERRORS.scoresIncomplete },
      });
    }
    await tx.bidScore.deleteMany({ where: { bidId: bid.id, reviewerId: options.actor.userId } });
    await tx.bidScore.createMany({
      data: criteria.map((c) => ({
        bidId: bid.id,
        reviewerId: options.actor.userId,
        criterionId: c.id,
        score: byId.get(c.id)!.score,
        comment: byId.get(c.id)!.comment?.trim().slice(0, 2000) || null,
      })),
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "bid.score",
      entityType: "Bid",
      entityId: bid.id,
      zoneId: challenge.zoneId,
      after: { challengeId: challenge.id },
    });
  });
}

export interface ReviewRanking {
  criteria: { id: string; name: string; weight: number }[];
  ranking: (RankedBid & { feedbackWritten: boolean; price: bigint })[];
  reviewers: { userId: string; name: string; recused: "declared" | "same_organisation" | "bidder" | null }[];
}

async function ranking(tx: DbOrTx, challenge: Challenge): Promise<ReviewRanking> {
  const criteria = await tx.reviewCriterion.findMany({
    where: { challengeId: challenge.id },
    orderBy: { position: "asc" },
  });
  const bids = await tx.bid.findMany({
    where: { challengeId: challenge.id, round: challenge.round, status: { in: ["submitted", "won", "lost"] } },
    include: { feedback: true },
  });
  const scores = await tx.bidScore.findMany({ where: { bidId: { in: bids.map((b) => b.id) } } });
  const recused = await recusals(tx, challenge);
  const reviewerRows = await tx.challengeReviewer.findMany({ where: { challengeId: challenge.id } });
  const users = await tx.user.findMany({
    where: { id: { in: reviewerRows.map((r) => r.userId) } },
    select: { id: true, name: true },
  });
  const ranked = rankBids({
    bidIds: bids.map((b) => b.id),
    criteria,
    scores,
    recusedReviewerIds: new Set(recused.keys()),
  });
  return {
    criteria: criteria.map((c) => ({ id: c.id, name: c.name, weight: c.weight })),
    ranking: ranked.map((r) => {
      const bid = bids.find((b) => b.id === r.bidId)!;
      return { ...r, feedbackWritten: !!bid.feedback, price: bid.price };
    }),
    reviewers: reviewerRows.map((r) => ({
      userId: r.userId,
      name: users.find((u) => u.id === r.userId)?.name ?? "",
      recused: recused.get(r.userId) ?? null,
    })),
  };
}

/** The ranking for the enterprise, the zone and the reviewers, once the review has started. */
export async function reviewRanking(options: { db: Db; actor: Actor; challengeId: string }): Promise<ReviewRanking> {
  const challenge = await options.db.challenge.findUnique({ where: { id: options.challengeId } });
  if (!challenge) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  const allowed =
    isSeeker(options.actor, challenge) ||
    isZoneOfficer(options.actor, challenge) ||
    (await isReviewer(options.db, options.actor, challenge.id));
  if (!allowed) throw forbid();
  if (["draft", "submitted", "returned", "approved", "published", "bidding_closed"].includes(challenge.status))
    throw new AppError("conflict", CHALLENGE_ERRORS.bidsSealed);
  return ranking(options.db, challenge);
}

/** Structured feedback to a bidder (reason categories and text); required for every losing bid. */
export async function writeFeedback(options: {
  db: Db;
  actor: Actor;
  bidId: string;
  categories: string[];
  text: string;
}): Promise<void> {
  const parsed = parseOrThrow(
    feedbackInput,
    { categories: options.categories, text: options.text },
    "errors.feedback.field",
  );
  await options.db.$transaction(async (tx: Tx) => {
    const found = await tx.bid.findUnique({ where: { id: options.bidId }, select: { challengeId: true } });
    if (!found) throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    const challenge = await lockChallenge(tx, found.challengeId);
    requireOrganiser(options.actor, challenge);
    if (challenge.status !== "under_review")
      throw new AppError("conflict", "errors.process.transitionNotAllowed", {
        params: { process: "challenge", transition: "feedback", status: challenge.status },
      });
    const bid = await tx.bid.findUniqueOrThrow({ where: { id: options.bidId } });
    if (bid.round !== challenge.round || bid.status !== "submitted")
      throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
    await tx.bidFeedback.upsert({
      where: { bidId: bid.id },
      create: { bidId: bid.id, categories: parsed.categories, text: parsed.text, writtenById: options.actor.userId },
      update: { categories: parsed.categories, text: parsed.text, writtenById: options.actor.userId },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "bid.feedback",
      entityType: "Bid",
      entityId: bid.id,
      zoneId: challenge.zoneId,
      after: { categories: parsed.categories },
    });
  });
}

export { FEEDBACK_CATEGORIES };
