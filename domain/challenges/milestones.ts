import type { Challenge, ChallengeMilestone } from "#db/generated/client/client.ts";
import type { Actor } from "../access/permissions.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { runTransition } from "../process/machine.ts";
import { withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";
import { splitPayout } from "./escrow.ts";
import { notify, seekerIds } from "./notify.ts";
import { milestoneProcess, transitionChallenge } from "./process.ts";
import { requireReason } from "./validation.ts";

/**
 * Delivery and 验收 of milestones, disputes and the zone's arbitration. Money moves in the same
 * transaction as the milestone's status (process.ts, escrow.ts): acceptance pays the escrow to the
 * solver minus the fee under the key challenge:{id}:milestone:{n}:release, so two concurrent
 * acceptances pay once (the second finds the milestone accepted and gets a conflict).
 */

interface Base {
  db: Db;
  actor: Actor;
  challengeId: string;
  index: number;
  now?: Date;
}

async function milestone(
  tx: Tx,
  challenge: Challenge,
  index: number,
): Promise<ChallengeMilestone & { zoneId: string }> {
  const m = await tx.challengeMilestone.findUnique({
    where: { challengeId_index: { challengeId: challenge.id, index } },
  });
  if (!m) throw new AppError("not_found", CHALLENGE_ERRORS.milestoneNotFound);
  return { ...m, zoneId: challenge.zoneId };
}

async function winningBid(tx: Tx, challenge: Challenge) {
  return tx.bid.findUniqueOrThrow({
    where: { id: challenge.winnerBidId! },
    select: { leadUserId: true, organisationId: true },
  });
}

/** When every milestone is settled, the challenge is accepted (验收). */
async function completeIfSettled(tx: Tx, challenge: Challenge, actor: Actor, now: Date) {
  if (challenge.status !== "in_progress") return;
  const open = await tx.challengeMilestone.count({
    where: { challengeId: challenge.id, status: { notIn: ["accepted", "partially_released", "refunded"] } },
  });
  if (open === 0) await transitionChallenge({ tx, challenge, transition: "complete", actor, now });
}

export async function deliverMilestone(options: Base & { note: string }): Promise<void> {
  const note = requireReason(options.note);
  const now = options.now ?? new Date();
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const m = await milestone(tx, challenge, options.index);
    await runTransition(milestoneProcess, {
      tx,
      entity: m,
      transition: "deliver",
      actor: options.actor,
      now,
      input: { challenge, note },
    });
    await notify(tx, "milestone_delivered", {
      challengeId: challenge.id,
      userIds: await seekerIds(tx, challenge.organisationId),
      milestone: m.index,
    });
  });
}

/** 验收: accepts a delivered milestone and pays it out (minus the platform fee). */
export async function acceptMilestone(options: Base): Promise<{ paid: bigint; fee: bigint }> {
  const now = options.now ?? new Date();
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const m = await milestone(tx, challenge, options.index);
    const bid = await winningBid(tx, challenge);
    await runTransition(milestoneProcess, {
      tx,
      entity: m,
      transition: "accept",
      actor: options.actor,
      now,
      input: { challenge, bid, release: m.amount },
    });
    await notify(tx, "milestone_accepted", {
      challengeId: challenge.id,
      userIds: [bid.leadUserId],
      milestone: m.index,
    });
    await completeIfSettled(tx, challenge, options.actor, now);
    const split = splitPayout(m.amount, challenge.feeBasisPoints ?? 0);
    return { paid: split.payee, fee: split.fee };
  });
}

/** Sends a delivery back for revision with the reasons. */
export async function rejectMilestone(options: Base & { reasons: string }): Promise<void> {
  const reasons = requireReason(options.reasons);
  const now = options.now ?? new Date();
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const m = await milestone(tx, challenge, options.index);
    await runTransition(milestoneProcess, {
      tx,
      entity: m,
      transition: "requestRevision",
      actor: options.actor,
      now,
      input: { challenge, reasons },
    });
    const bid = await winningBid(tx, challenge);
    await notify(tx, "milestone_revision", {
      challengeId: challenge.id,
      userIds: [bid.leadUserId],
      milestone: m.index,
      reason: reasons,
    });
  });
}

/** Either side disputes a milestone; the zone arbitrates. */
export async function raiseDispute(options: Base & { reason: string }): Promise<{ disputeId: string }> {
  const reason = requireReason(options.reason);
  const now = options.now ?? new Date();
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const m = await milestone(tx, challenge, options.index);
    if (!["funded", "delivered", "revision_requested"].includes(m.status))
      throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
    await transitionChallenge({
      tx,
      challenge,
      transition: "raiseDispute",
      actor: options.actor,
      now,
      input: { reason },
    });
    const dispute = await tx.challengeDispute.create({
      data: {
        challengeId: challenge.id,
        milestoneIndex: m.index,
        raisedById: options.actor.userId,
        reason,
        createdAt: now,
      },
    });
    const officers = await tx.membership.findMany({
      where: { organisation: { zoneId: challenge.zoneId, type: "zone_administration" } },
      select: { userId: true },
    });
    const bid = await winningBid(tx, challenge);
    const seekers = await seekerIds(tx, challenge.organisationId);
    await notify(tx, "dispute_raised", {
      challengeId: challenge.id,
      userIds: [...officers.map((o) => o.userId), bid.leadUserId, ...seekers],
      reason,
    });
    return { disputeId: dispute.id };
  });
}

/**
 * The zone decides the open dispute: `release` pays the milestone in full to the solver (minus the
 * fee), `partial_release` pays `releaseAmount` (minus the fee) and refunds the rest, `refund`
 * returns it all to the enterprise. One ledger transaction each; the challenge then resumes, or
 * is accepted when nothing is left open.
 */
export async function arbitrateDispute(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  outcome: "release" | "partial_release" | "refund";
  releaseAmount?: bigint;
  decision: string;
  now?: Date;
}): Promise<void> {
  const decision = requireReason(options.decision);
  const now = options.now ?? new Date();
  await withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    const dispute = await tx.challengeDispute.findFirst({ where: { challengeId: challenge.id, outcome: null } });
    if (!dispute) throw new AppError("not_found", CHALLENGE_ERRORS.disputeNotFound);
    const m = await milestone(tx, challenge, dispute.milestoneIndex);
    const bid = await winningBid(tx, challenge);
    const release =
      options.outcome === "release" ? m.amount : options.outcome === "refund" ? 0n : (options.releaseAmount ?? -1n);
    const transition =
      options.outcome === "release" ? "arbitrateRelease" : options.outcome === "refund" ? "refund" : "arbitratePartial";
    // The challenge leaves `disputed` first: its actor check (the zone) guards the whole decision.
    await transitionChallenge({ tx, challenge, transition: "resolveDispute", actor: options.actor, now });
    await runTransition(milestoneProcess, {
      tx,
      entity: m,
      transition,
      actor: options.actor,
      now,
      input: { challenge, bid, release, reason: decision },
    });
    await tx.challengeDispute.update({
      where: { id: dispute.id },
      data: {
        outcome: options.outcome,
        releasedAmount: release,
        decision,
        decidedById: options.actor.userId,
        decidedAt: now,
      },
    });
    await notify(tx, "dispute_decided", {
      challengeId: challenge.id,
      userIds: [bid.leadUserId, ...(await seekerIds(tx, challenge.organisationId))],
      outcome: options.outcome,
    });
    await completeIfSettled(tx, challenge, options.actor, now);
  });
}
