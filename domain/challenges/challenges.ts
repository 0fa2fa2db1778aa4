import { enqueue } from "../jobs/outbox.ts";
import type { Challenge } from "#db/generated/client/client.ts";
import { requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import type { ProcessActor } from "../process/machine.ts";
import { isSeeker, isSeekerManager, isWinningSolver, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS, DEFAULT_CRITERIA } from "./constants.ts";
import { notify, seekerIds } from "./notify.ts";
import { transitionChallenge } from "./process.ts";
import { parseChallenge, requireReason, type ChallengeInput } from "./validation.ts";

/**
 * The challenge's verbs (发榜 → 公示 → 签约 → 验收). Each takes one options object, runs in one
 * database transaction holding the challenge's row lock, and changes status only through
 * `transitionChallenge`. `now` is injectable so tests and the seed control the clock.
 */

interface Base {
  db: Db;
  actor: ProcessActor | null;
  challengeId: string;
  now?: Date;
}

function ts(now?: Date): Date {
  return now ?? new Date();
}

async function writeMilestones(
  tx: Tx,
  challengeId: string,
  milestones: ReturnType<typeof parseChallenge>["milestones"],
) {
  await tx.challengeMilestone.deleteMany({ where: { challengeId } });
  await tx.challengeMilestone.createMany({
    data: milestones.map((m, i) => ({
      challengeId,
      index: i + 1,
      name: m.name,
      deliverable: m.deliverable,
      acceptanceCriteria: m.acceptanceCriteria,
      amount: m.amount,
      dueDate: m.dueDate,
    })),
  });
}

function fields(parsed: ReturnType<typeof parseChallenge>) {
  return {
    title: parsed.title,
    problemStatement: parsed.problemStatement,
    indicators: parsed.indicators.map((i) => ({ name: i.name, target: i.target, ...(i.unit ? { unit: i.unit } : {}) })),
    industry: parsed.industry,
    fieldTags: [...new Set(parsed.fieldTags)],
    bounty: parsed.bounty,
    bidDeadline: parsed.bidDeadline,
    ipTerms: parsed.ipTerms,
    domesticAllowed: parsed.domesticAllowed,
    internationalAllowed: parsed.internationalAllowed,
    eligibleOrgTypes: parsed.eligibleOrgTypes,
    individualsAllowed: parsed.individualsAllowed,
    priceAboveBountyAllowed: parsed.priceAboveBountyAllowed,
    visibility: parsed.visibility,
    seekerAnonymous: parsed.seekerAnonymous,
  };
}

/** An enterprise drafts a challenge (status draft) with the default review criteria. */
export async function createChallenge(options: {
  db: Db;
  actor: Actor;
  organisationId: string;
  input: ChallengeInput;
  /** For invited-only challenges: the solvers (users or organisations) who may see and bid. */
  invitees?: { userIds?: string[]; organisationIds?: string[] };
  now?: Date;
}): Promise<{ challengeId: string }> {
  const { db, actor, organisationId } = options;
  requirePermission(actor, "post:challenge:own", { organisationId });
  const parsed = parseChallenge(options.input);
  return inLedgerTransaction(db, async (tx) => {
    const org = await tx.organisation.findUnique({
      where: { id: organisationId },
      select: { type: true, zoneId: true },
    });
    if (!org) throw new AppError("not_found", "errors.organisationNotFound");
    if (org.type !== "enterprise")
      throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
    const challenge = await tx.challenge.create({
      data: { ...fields(parsed), zoneId: org.zoneId, organisationId, createdById: actor.userId },
      select: { id: true },
    });
    await writeMilestones(tx, challenge.id, parsed.milestones);
    await tx.reviewCriterion.createMany({
      data: DEFAULT_CRITERIA.map((c, i) => ({
        challengeId: challenge.id,
        name: c.name,
        weight: c.weight,
        position: i + 1,
      })),
    });
    await writeInvitees(tx, challenge.id, options.invitees);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "challenge.create",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: org.zoneId,
      after: { title: parsed.title, bounty: parsed.bounty, milestones: parsed.milestones.length, at: ts(options.now) },
    });
    return { challengeId: challenge.id };
  });
}

async function writeInvitees(
  tx: Tx,
  challengeId: string,
  invitees?: { userIds?: string[]; organisationIds?: string[] },
) {
  if (!invitees) return;
  await tx.challengeInvitee.deleteMany({ where: { challengeId } });
  await tx.challengeInvitee.createMany({
    data: [
      ...[...new Set(invitees.userIds ?? [])].map((userId) => ({ challengeId, userId })),
      ...[...new Set(invitees.organisationIds ?? [])].map((organisationId) => ({ challengeId, organisationId })),
    ],
  });
}

/** Edits a draft, a returned or a republished (draft again) challenge. */
export async function updateChallenge(
  options: Base & { input: ChallengeInput; invitees?: { userIds?: string[]; organisationIds?: string[] } },
): Promise<void> {
  const parsed = parseChallenge(options.input);
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const user = actorUser(options.actor);
    if (!isSeeker(user, challenge))
      throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
    if (challenge.status !== "draft" && challenge.status !== "returned")
      throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
    await tx.challenge.update({ where: { id: challenge.id }, data: fields(parsed) });
    await enqueue(tx, "search.sync", { index: "challenges", id: challenge.id });
    await writeMilestones(tx, challenge.id, parsed.milestones);
    await writeInvitees(tx, challenge.id, options.invitees);
    await recordAudit(tx, {
      actorId: user!.userId,
      action: "challenge.update",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { title: parsed.title, bounty: parsed.bounty, round: challenge.round },
    });
  });
}

function actorUser(actor: ProcessActor | null): Actor | null {
  return actor && !("system" in actor) ? actor : null;
}

/** Runs one named transition of the challenge process; the named verbs below are this with their input. */
export function runChallengeTransition<I>(options: Base & { transition: string; input?: I }): Promise<Challenge> {
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    await transitionChallenge({
      tx,
      challenge,
      transition: options.transition,
      actor: options.actor,
      now: ts(options.now),
      input: options.input,
    });
    return tx.challenge.findUniqueOrThrow({ where: { id: challenge.id } });
  });
}

export const submitChallenge = async (o: Base) => runChallengeTransition({ ...o, transition: "submit" });
export const approveChallenge = async (o: Base) => runChallengeTransition({ ...o, transition: "approve" });
export const returnChallenge = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "return", input: { reason: requireReason(o.reason) } });
export const publishChallenge = async (o: Base) => runChallengeTransition({ ...o, transition: "publish" });
export const withdrawChallenge = async (o: Base & { reason?: string }) =>
  runChallengeTransition({
    ...o,
    transition: "withdraw",
    input: { reason: o.reason?.trim() ? o.reason.trim().slice(0, 2000) : undefined },
  });
export const requestWithdrawal = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "requestWithdrawal", input: { reason: requireReason(o.reason) } });
export const decideWithdrawal = async (o: Base & { approve: boolean; reason?: string }) =>
  o.approve
    ? runChallengeTransition({ ...o, transition: "approveWithdrawal" })
    : runChallengeTransition({ ...o, transition: "rejectWithdrawal", input: { reason: requireReason(o.reason) } });
export const cancelChallenge = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "cancel", input: { reason: requireReason(o.reason) } });
export const failChallenge = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "fail", input: { reason: requireReason(o.reason) } });
export const republishChallenge = async (o: Base) => runChallengeTransition({ ...o, transition: "republish" });
export const startReview = async (o: Base) => runChallengeTransition({ ...o, transition: "startReview" });
export const proposeWinner = async (o: Base & { bidId: string }) =>
  runChallengeTransition({ ...o, transition: "proposeWinner", input: { bidId: o.bidId } });
export const rejectProposal = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "rejectProposal", input: { reason: requireReason(o.reason) } });
export const startPublicNotice = async (o: Base) => runChallengeTransition({ ...o, transition: "startPublicNotice" });
export const reopenReview = async (o: Base & { reason: string }) =>
  runChallengeTransition({ ...o, transition: "reopenReview", input: { reason: requireReason(o.reason) } });
export const endPublicNotice = async (o: Base) => runChallengeTransition({ ...o, transition: "endPublicNotice" });
export const startWork = async (o: Base) => runChallengeTransition({ ...o, transition: "startWork" });
export const closeChallenge = async (o: Base) => runChallengeTransition({ ...o, transition: "close" });

/** Closes bidding now that the deadline has passed (without bids: the challenge fails). */
export function closeBidding(o: Base): Promise<Challenge> {
  return withChallenge(o.db, o.challengeId, async (tx, challenge) => {
    const bids = await tx.bid.count({
      where: { challengeId: challenge.id, round: challenge.round, status: "submitted" },
    });
    await transitionChallenge({
      tx,
      challenge,
      transition: bids > 0 ? "closeBidding" : "closeBiddingWithoutBids",
      actor: o.actor,
      now: ts(o.now),
    });
    return tx.challenge.findUniqueOrThrow({ where: { id: challenge.id } });
  });
}

/**
 * The scheduled job's entry (timed transition): closes bidding on every published challenge whose
 * deadline is at or before `now`, one challenge per transaction. Safe to run concurrently: a
 * challenge another run closed first is skipped.
 */
export async function closeDueBidding(options: {
  db: Db;
  now: Date;
  limit?: number;
}): Promise<{ closed: string[]; failed: string[] }> {
  const due = await options.db.challenge.findMany({
    where: { status: "published", bidDeadline: { lte: options.now } },
    select: { id: true },
    orderBy: { bidDeadline: "asc" },
    take: options.limit ?? 500,
  });
  const closed: string[] = [];
  const failed: string[] = [];
  for (const { id } of due) {
    try {
      const c = await closeBidding({
        db: options.db,
        actor: { system: "closeDueBidding" },
        challengeId: id,
        now: options.now,
      });
      (c.status === "failed" ? failed : closed).push(id);
    } catch (error) {
      if (error instanceof AppError && error.code === "conflict") continue;
      throw error;
    }
  }
  return { closed, failed };
}

/**
 * The scheduled job's entry for 公示: ends every notice whose period is over and whose objections
 * are all answered. Notices with open objections wait for the zone (they show in its queue).
 */
export async function endDuePublicNotices(options: {
  db: Db;
  now: Date;
}): Promise<{ ended: string[]; waiting: string[] }> {
  const due = await options.db.challenge.findMany({
    where: { status: "public_notice", publicNoticeEndsAt: { lte: options.now } },
    select: { id: true },
  });
  const ended: string[] = [];
  const waiting: string[] = [];
  for (const { id } of due) {
    try {
      await endPublicNotice({
        db: options.db,
        actor: { system: "endDuePublicNotices" },
        challengeId: id,
        now: options.now,
      });
      ended.push(id);
    } catch (error) {
      if (error instanceof AppError && error.code === "conflict") {
        waiting.push(id);
        continue;
      }
      throw error;
    }
  }
  return { ended, waiting };
}

/**
 * 签约: one side confirms the final terms. Confirming other terms than those on record replaces
 * them and clears the other side's confirmation. The second confirmation signs: the enterprise's
 * wallet funds one escrow account per milestone (AppError insufficient_funds
 * "errors.challenge.insufficientFundsToSign" with required/available/depositPath when it cannot).
 */
export async function confirmContract(options: Base & { terms: string }): Promise<Challenge> {
  const terms = String(options.terms ?? "").trim();
  if (terms.length < 2 || terms.length > 20_000) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { terms: "errors.challenge.field.terms" },
    });
  }
  const now = ts(options.now);
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const user = actorUser(options.actor);
    if (!user) throw new AppError("unauthenticated", "errors.unauthenticated");
    if (challenge.status !== "contracting") {
      throw new AppError("conflict", "errors.process.transitionNotAllowed", {
        params: { process: "challenge", transition: "sign", status: challenge.status },
      });
    }
    const side = isSeekerManager(user, challenge)
      ? "seeker"
      : (await isWinningSolver(tx, user, challenge))
        ? "solver"
        : null;
    if (!side) throw new AppError("forbidden", "errors.forbidden", { params: { transition: "challenge.sign" } });
    const changed = challenge.contractTerms !== terms;
    const data = {
      contractTerms: terms,
      seekerConfirmedAt: side === "seeker" ? now : changed ? null : challenge.seekerConfirmedAt,
      solverConfirmedAt: side === "solver" ? now : changed ? null : challenge.solverConfirmedAt,
    };
    await tx.challenge.update({ where: { id: challenge.id }, data });
    Object.assign(challenge, data);
    await recordAudit(tx, {
      actorId: user.userId,
      action: "challenge.confirmContract",
      entityType: "Challenge",
      entityId: challenge.id,
      zoneId: challenge.zoneId,
      after: { side, termsChanged: changed, at: now },
    });
    if (challenge.seekerConfirmedAt && challenge.solverConfirmedAt) {
      await transitionChallenge({ tx, challenge, transition: "sign", actor: user, now });
    } else {
      const bid = await tx.bid.findUniqueOrThrow({
        where: { id: challenge.winnerBidId! },
        select: { leadUserId: true },
      });
      await notify(tx, "contract_confirmed", {
        challengeId: challenge.id,
        userIds: side === "seeker" ? [bid.leadUserId] : await seekerIds(tx, challenge.organisationId),
      });
    }
    return tx.challenge.findUniqueOrThrow({ where: { id: challenge.id } });
  });
}

/** A zone sets how many working days its 公示 lasts (default 5). */
export async function setPublicNoticeDays(options: {
  db: Db;
  actor: Actor;
  zoneId: string;
  days: number;
}): Promise<void> {
  requirePermission(options.actor, "approve:challenge:zone", { zoneId: options.zoneId });
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 30) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { days: "errors.challenge.field.publicNoticeDays" },
    });
  }
  await options.db.$transaction(async (tx) => {
    // A platform admin may name any zone: an unknown one is a 404, not a foreign-key error.
    if (!(await tx.zone.findUnique({ where: { id: options.zoneId }, select: { id: true } })))
      throw new AppError("not_found", "errors.notFound");
    await tx.zoneChallengeSettings.upsert({
      where: { zoneId: options.zoneId },
      create: { zoneId: options.zoneId, publicNoticeWorkingDays: options.days },
      update: { publicNoticeWorkingDays: options.days },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "zone.setPublicNoticeDays",
      entityType: "Zone",
      entityId: options.zoneId,
      zoneId: options.zoneId,
      after: { days: options.days },
    });
  });
}
