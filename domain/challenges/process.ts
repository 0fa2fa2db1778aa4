import { enqueue } from "../jobs/outbox.ts";
import type {
  Bid,
  Challenge,
  ChallengeMilestone,
  ChallengeStatus,
  MilestoneStatus,
  BidStatus,
  Prisma,
} from "#db/generated/client/client.ts";
import { addWorkingDays, DEFAULT_PUBLIC_NOTICE_WORKING_DAYS } from "../calendar/working-days.ts";
import type { Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import {
  defineProcess,
  isSystem,
  runTransition,
  userOf,
  type ProcessActor,
  type TransitionContext,
} from "../process/machine.ts";
import { isBidSide, isSeeker, isSeekerManager, isWinningSolver, isZoneOfficer } from "./access.ts";
import {
  BID_STATUSES,
  CHALLENGE_ERRORS,
  CHALLENGE_STATUSES,
  MILESTONE_STATUSES,
  PLATFORM_FEE_BASIS_POINTS,
} from "./constants.ts";
import { escrowKeys, fundEscrow, settleEscrow } from "./escrow.ts";
import { bidderIds, notify, seekerIds } from "./notify.ts";

/**
 * The declared processes of 揭榜挂帅 (docs/decisions/0008-challenge-process.md): the challenge,
 * its bids and its milestones. Every status change of these rows goes through `runTransition`
 * with one of these tables; the verbs in this folder only prepare input and call them.
 */

type Ctx<I = unknown> = TransitionContext<ChallengeStatus, Challenge, I>;

const user = (ctx: { actor: ProcessActor | null }) => userOf(ctx.actor);
const seeker = (ctx: Ctx) => isSeeker(user(ctx), ctx.entity);
const seekerManager = (ctx: Ctx) => isSeekerManager(user(ctx), ctx.entity);
const zone = (ctx: Ctx) => isZoneOfficer(user(ctx), ctx.entity);
const system = (ctx: { actor: ProcessActor | null }) => isSystem(ctx.actor);

function deadlineAhead(ctx: Ctx) {
  if (ctx.entity.bidDeadline <= ctx.now)
    throw new AppError("bad_request", CHALLENGE_ERRORS.deadlinePassed, {
      fieldErrors: { bidDeadline: CHALLENGE_ERRORS.deadlinePassed },
    });
}

function deadlineReached(ctx: Ctx) {
  if (ctx.now < ctx.entity.bidDeadline) throw new AppError("conflict", CHALLENGE_ERRORS.deadlineNotReached);
}

function activeBidCount(tx: Tx, c: Challenge): Promise<number> {
  return tx.bid.count({ where: { challengeId: c.id, round: c.round, status: "submitted" } });
}

async function setChallenge(
  tx: Tx,
  id: string,
  data: Omit<Prisma.ChallengeUncheckedUpdateInput, "status" | "id">,
): Promise<void> {
  await tx.challenge.update({ where: { id }, data });
}

/** Moves every bid of the current round still in the running to `transition` (void or lose). */
async function closeBids(ctx: Ctx, transition: "void" | "lose", except?: string | null) {
  const bids = await ctx.tx.bid.findMany({
    where: {
      challengeId: ctx.entity.id,
      round: ctx.entity.round,
      status: "submitted",
      ...(except ? { id: { not: except } } : {}),
    },
  });
  for (const bid of bids) {
    await runTransition(bidProcess, {
      tx: ctx.tx,
      entity: { ...bid, zoneId: ctx.entity.zoneId },
      transition,
      actor: ctx.actor,
      now: ctx.now,
      input: { internal: true },
    });
  }
}

async function milestonesOf(tx: Tx, challengeId: string): Promise<ChallengeMilestone[]> {
  return tx.challengeMilestone.findMany({ where: { challengeId }, orderBy: { index: "asc" } });
}

/** Refunds every milestone whose money is still in escrow (cancellation). */
async function refundOpenMilestones(ctx: Ctx<{ reason: string }>) {
  const milestones = await milestonesOf(ctx.tx, ctx.entity.id);
  for (const m of milestones) {
    if (!["funded", "delivered", "revision_requested"].includes(m.status)) continue;
    await runTransition(milestoneProcess, {
      tx: ctx.tx,
      entity: { ...m, zoneId: ctx.entity.zoneId },
      transition: "refund",
      actor: ctx.actor,
      now: ctx.now,
      input: { internal: true, challenge: ctx.entity, bid: null, release: 0n, reason: ctx.input.reason },
    });
  }
}

export const challengeProcess = defineProcess<ChallengeStatus, Challenge>({
  name: "challenge",
  table: "Challenge",
  enumType: "ChallengeStatus",
  states: CHALLENGE_STATUSES,
  initial: "draft",
  terminal: ["closed", "withdrawn", "cancelled"],
  zoneOf: (c) => c.zoneId,
  transitions: {
    // 发榜: the enterprise submits, the zone approves or returns with reasons, the enterprise publishes.
    submit: {
      from: ["draft", "returned"],
      to: "submitted",
      allow: seeker,
      guard: async (ctx) => {
        deadlineAhead(ctx);
        if ((await ctx.tx.challengeMilestone.count({ where: { challengeId: ctx.entity.id } })) === 0) {
          throw new AppError("bad_request", CHALLENGE_ERRORS.milestonesRequired);
        }
      },
      effect: (ctx) => setChallenge(ctx.tx, ctx.entity.id, { statusReason: null }),
    },
    approve: {
      from: ["submitted"],
      to: "approved",
      allow: zone,
      guard: deadlineAhead,
      effect: async (ctx) =>
        notify(ctx.tx, "approved", {
          challengeId: ctx.entity.id,
          userIds: await seekerIds(ctx.tx, ctx.entity.organisationId),
        }),
    },
    return: {
      from: ["submitted"],
      to: "returned",
      allow: zone,
      effect: async (ctx: Ctx<{ reason: string }> & { to: ChallengeStatus }) => {
        await setChallenge(ctx.tx, ctx.entity.id, { statusReason: ctx.input.reason });
        await notify(ctx.tx, "returned", {
          challengeId: ctx.entity.id,
          userIds: await seekerIds(ctx.tx, ctx.entity.organisationId),
          reason: ctx.input.reason,
        });
      },
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    publish: {
      from: ["approved"],
      to: "published",
      allow: (ctx) => seeker(ctx) || zone(ctx),
      guard: deadlineAhead,
      effect: (ctx) => setChallenge(ctx.tx, ctx.entity.id, { publishedAt: ctx.now }),
    },
    // Withdrawal: free before any bid; after bids only with the zone's approval, bidders told why.
    withdraw: {
      from: ["draft", "submitted", "returned", "approved", "published"],
      to: "withdrawn",
      allow: seeker,
      guard: async (ctx) => {
        if (ctx.entity.status === "published" && (await activeBidCount(ctx.tx, ctx.entity)) > 0) {
          throw new AppError("conflict", CHALLENGE_ERRORS.hasBids);
        }
      },
      effect: (ctx: Ctx<{ reason?: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { statusReason: ctx.input?.reason ?? null }),
    },
    requestWithdrawal: {
      from: ["published", "bidding_closed", "under_review", "winner_proposed"],
      to: "withdrawal_requested",
      allow: seeker,
      guard: async (ctx) => {
        if ((await activeBidCount(ctx.tx, ctx.entity)) === 0) throw new AppError("conflict", CHALLENGE_ERRORS.noBids);
      },
      effect: (ctx: Ctx<{ reason: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { resumeStatus: ctx.from, statusReason: ctx.input.reason }),
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    approveWithdrawal: {
      from: ["withdrawal_requested"],
      to: "withdrawn",
      allow: zone,
      effect: async (ctx) => {
        const userIds = await bidderIds(ctx.tx, ctx.entity);
        await closeBids(ctx, "void");
        await setChallenge(ctx.tx, ctx.entity.id, { resumeStatus: null, winnerBidId: null });
        await notify(ctx.tx, "withdrawn", {
          challengeId: ctx.entity.id,
          userIds,
          reason: ctx.entity.statusReason ?? "",
        });
      },
    },
    rejectWithdrawal: {
      from: ["withdrawal_requested"],
      to: (ctx) => ctx.entity.resumeStatus ?? "published",
      allow: zone,
      effect: (ctx: Ctx<{ reason: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { resumeStatus: null, statusReason: ctx.input.reason }),
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    // 揭榜 ends at the deadline (timed: closeDueBidding runs it as the system).
    closeBidding: {
      from: ["published"],
      to: "bidding_closed",
      allow: (ctx) => system(ctx) || seeker(ctx) || zone(ctx),
      guard: async (ctx) => {
        deadlineReached(ctx);
        if ((await activeBidCount(ctx.tx, ctx.entity)) === 0) throw new AppError("conflict", CHALLENGE_ERRORS.noBids);
      },
    },
    closeBiddingWithoutBids: {
      from: ["published"],
      to: "failed",
      allow: (ctx) => system(ctx) || seeker(ctx) || zone(ctx),
      guard: async (ctx) => {
        deadlineReached(ctx);
        if ((await activeBidCount(ctx.tx, ctx.entity)) > 0) throw new AppError("conflict", CHALLENGE_ERRORS.hasBids);
      },
      effect: (ctx) => setChallenge(ctx.tx, ctx.entity.id, { statusReason: null }),
    },
    // 评审
    startReview: {
      from: ["bidding_closed"],
      to: "under_review",
      allow: (ctx) => seeker(ctx) || zone(ctx),
      guard: async (ctx) => {
        const criteria = await ctx.tx.reviewCriterion.findMany({
          where: { challengeId: ctx.entity.id },
          select: { weight: true },
        });
        if (criteria.reduce((s, c) => s + c.weight, 0) !== 100)
          throw new AppError("bad_request", CHALLENGE_ERRORS.criteriaWeights);
      },
    },
    fail: {
      from: ["bidding_closed", "under_review"],
      to: "failed",
      allow: (ctx) => seeker(ctx) || zone(ctx),
      effect: async (ctx: Ctx<{ reason: string }>) => {
        const userIds = await bidderIds(ctx.tx, ctx.entity);
        await closeBids(ctx, "void");
        await setChallenge(ctx.tx, ctx.entity.id, { statusReason: ctx.input.reason, winnerBidId: null });
        await notify(ctx.tx, "failed", { challengeId: ctx.entity.id, userIds, reason: ctx.input.reason });
      },
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    republish: {
      from: ["failed"],
      to: "draft",
      allow: seeker,
      effect: (ctx) =>
        setChallenge(ctx.tx, ctx.entity.id, {
          round: ctx.entity.round + 1,
          statusReason: null,
          publishedAt: null,
          winnerBidId: null,
        }),
      audit: (ctx) => ({ round: ctx.entity.round + 1 }),
    },
    proposeWinner: {
      from: ["under_review"],
      to: "winner_proposed",
      allow: seeker,
      guard: async (ctx: Ctx<{ bidId: string }>) => {
        const bid = await ctx.tx.bid.findUnique({ where: { id: ctx.input.bidId } });
        if (!bid || bid.challengeId !== ctx.entity.id || bid.round !== ctx.entity.round || bid.status !== "submitted") {
          throw new AppError("not_found", CHALLENGE_ERRORS.bidNotFound);
        }
        const missing = await ctx.tx.bid.count({
          where: {
            challengeId: ctx.entity.id,
            round: ctx.entity.round,
            status: "submitted",
            id: { not: bid.id },
            feedback: null,
          },
        });
        if (missing > 0)
          throw new AppError("conflict", CHALLENGE_ERRORS.feedbackMissing, { params: { count: missing } });
      },
      effect: (ctx: Ctx<{ bidId: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { winnerBidId: ctx.input.bidId, statusReason: null }),
      audit: (ctx: Ctx<{ bidId: string }>) => ({ bidId: ctx.input.bidId }),
    },
    rejectProposal: {
      from: ["winner_proposed"],
      to: "under_review",
      allow: zone,
      effect: (ctx: Ctx<{ reason: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { winnerBidId: null, statusReason: ctx.input.reason }),
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    // 公示: N working days in Asia/Shanghai (the zone's setting, default 5).
    startPublicNotice: {
      from: ["winner_proposed"],
      to: "public_notice",
      allow: zone,
      effect: async (ctx) => {
        const settings = await ctx.tx.zoneChallengeSettings.findUnique({ where: { zoneId: ctx.entity.zoneId } });
        const days = settings?.publicNoticeWorkingDays ?? DEFAULT_PUBLIC_NOTICE_WORKING_DAYS;
        const endsAt = addWorkingDays({ start: ctx.now, days });
        await setChallenge(ctx.tx, ctx.entity.id, { publicNoticeStartedAt: ctx.now, publicNoticeEndsAt: endsAt });
        ctx.entity.publicNoticeStartedAt = ctx.now;
        ctx.entity.publicNoticeEndsAt = endsAt;
        await notify(ctx.tx, "public_notice_started", {
          challengeId: ctx.entity.id,
          userIds: await bidderIds(ctx.tx, ctx.entity),
        });
      },
      audit: (ctx) => ({ endsAt: ctx.entity.publicNoticeEndsAt }),
    },
    /** An objection upheld: the proposal is set aside and the review resumes. */
    reopenReview: {
      from: ["public_notice"],
      to: "under_review",
      allow: zone,
      effect: (ctx: Ctx<{ reason: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, {
          winnerBidId: null,
          publicNoticeStartedAt: null,
          publicNoticeEndsAt: null,
          statusReason: ctx.input.reason,
        }),
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    endPublicNotice: {
      from: ["public_notice"],
      to: "contracting",
      allow: (ctx) => system(ctx) || zone(ctx),
      guard: async (ctx) => {
        if (!ctx.entity.publicNoticeEndsAt || ctx.now < ctx.entity.publicNoticeEndsAt)
          throw new AppError("conflict", CHALLENGE_ERRORS.noticeNotOver);
        const open = await ctx.tx.publicNoticeObjection.count({
          where: { challengeId: ctx.entity.id, answeredAt: null },
        });
        if (open > 0) throw new AppError("conflict", CHALLENGE_ERRORS.objectionsOpen, { params: { count: open } });
      },
      effect: async (ctx) => {
        const winner = ctx.entity.winnerBidId!;
        const userIds = await bidderIds(ctx.tx, ctx.entity);
        const bid = await ctx.tx.bid.findUniqueOrThrow({ where: { id: winner } });
        await runTransition(bidProcess, {
          tx: ctx.tx,
          entity: { ...bid, zoneId: ctx.entity.zoneId },
          transition: "win",
          actor: ctx.actor,
          now: ctx.now,
          input: { internal: true },
        });
        await closeBids(ctx, "lose", winner);
        await notify(ctx.tx, "result", { challengeId: ctx.entity.id, userIds });
      },
    },
    // 签约: both sides confirm the terms (confirmContract); the second confirmation signs and funds escrow.
    sign: {
      from: ["contracting"],
      to: "contracted",
      allow: async (ctx) => seekerManager(ctx) || (await isWinningSolver(ctx.tx, user(ctx), ctx.entity)),
      guard: (ctx) => {
        if (!ctx.entity.seekerConfirmedAt || !ctx.entity.solverConfirmedAt)
          throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
      },
      effect: async (ctx) => {
        await setChallenge(ctx.tx, ctx.entity.id, { feeBasisPoints: PLATFORM_FEE_BASIS_POINTS });
        ctx.entity.feeBasisPoints = PLATFORM_FEE_BASIS_POINTS;
        const milestones = await milestonesOf(ctx.tx, ctx.entity.id);
        await fundEscrow({ tx: ctx.tx, challenge: ctx.entity, milestones });
        for (const m of milestones) {
          await runTransition(milestoneProcess, {
            tx: ctx.tx,
            entity: { ...m, zoneId: ctx.entity.zoneId },
            transition: "fund",
            actor: ctx.actor,
            now: ctx.now,
            input: { internal: true },
          });
        }
        const bid = await ctx.tx.bid.findUniqueOrThrow({ where: { id: ctx.entity.winnerBidId! } });
        await notify(ctx.tx, "contracted", {
          challengeId: ctx.entity.id,
          userIds: [...(await seekerIds(ctx.tx, ctx.entity.organisationId)), bid.leadUserId],
        });
      },
      audit: (ctx) => ({ bounty: ctx.entity.bounty, feeBasisPoints: PLATFORM_FEE_BASIS_POINTS }),
    },
    startWork: {
      from: ["contracted"],
      to: "in_progress",
      allow: async (ctx) => seeker(ctx) || (await isWinningSolver(ctx.tx, user(ctx), ctx.entity)),
    },
    raiseDispute: {
      from: ["in_progress"],
      to: "disputed",
      allow: async (ctx) => seeker(ctx) || (await isWinningSolver(ctx.tx, user(ctx), ctx.entity)),
      effect: (ctx: Ctx<{ reason: string }>) =>
        setChallenge(ctx.tx, ctx.entity.id, { resumeStatus: "in_progress", statusReason: ctx.input.reason }),
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
    resolveDispute: {
      from: ["disputed"],
      to: "in_progress",
      allow: zone,
      effect: (ctx) => setChallenge(ctx.tx, ctx.entity.id, { resumeStatus: null }),
    },
    // 验收: when every milestone is settled (accepted, or settled by arbitration).
    complete: {
      from: ["in_progress"],
      to: "accepted",
      allow: (ctx) => seekerManager(ctx) || zone(ctx),
      guard: async (ctx) => {
        const open = await ctx.tx.challengeMilestone.count({
          where: { challengeId: ctx.entity.id, status: { notIn: ["accepted", "partially_released", "refunded"] } },
        });
        if (open > 0) throw new AppError("conflict", CHALLENGE_ERRORS.milestonesOpen, { params: { count: open } });
      },
    },
    close: {
      from: ["accepted"],
      to: "closed",
      allow: (ctx) => system(ctx) || seeker(ctx) || zone(ctx),
    },
    cancel: {
      from: [
        "draft",
        "submitted",
        "returned",
        "approved",
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
        "failed",
        "accepted",
      ],
      to: "cancelled",
      allow: zone,
      guard: (ctx) => {
        if (ctx.from === "accepted") throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
      },
      effect: async (ctx: Ctx<{ reason: string }>) => {
        const userIds = await bidderIds(ctx.tx, ctx.entity, ["submitted", "won"]);
        await closeBids(ctx, "void");
        await refundOpenMilestones(ctx);
        await setChallenge(ctx.tx, ctx.entity.id, { statusReason: ctx.input.reason, resumeStatus: null });
        await notify(ctx.tx, "cancelled", {
          challengeId: ctx.entity.id,
          userIds: [...userIds, ...(await seekerIds(ctx.tx, ctx.entity.organisationId))],
          reason: ctx.input.reason,
        });
      },
      audit: (ctx: Ctx<{ reason: string }>) => ({ reason: ctx.input.reason }),
    },
  },
});

// --- bids --------------------------------------------------------------------------------------

export type BidEntity = Bid & { zoneId: string };
type BidCtx = TransitionContext<BidStatus, BidEntity, { internal?: boolean; challenge?: Challenge }>;

function biddingOpen(ctx: BidCtx) {
  const c = ctx.input?.challenge;
  if (!c || c.status !== "published" || c.bidDeadline <= ctx.now || c.round !== ctx.entity.round) {
    throw new AppError("conflict", CHALLENGE_ERRORS.bidFrozen);
  }
}

const internal = (ctx: { input: { internal?: boolean } | undefined }) => ctx.input?.internal === true;

export const bidProcess = defineProcess<BidStatus, BidEntity>({
  name: "bid",
  table: "Bid",
  enumType: "BidStatus",
  states: BID_STATUSES,
  initial: "submitted",
  terminal: ["won", "lost", "void"],
  zoneOf: (b) => b.zoneId,
  transitions: {
    withdraw: {
      from: ["submitted"],
      to: "withdrawn",
      allow: (ctx: BidCtx) =>
        isBidSide(userOf(ctx.actor), ctx.entity) && userOf(ctx.actor)?.userId === ctx.entity.leadUserId,
      guard: biddingOpen,
    },
    resubmit: {
      from: ["withdrawn"],
      to: "submitted",
      allow: (ctx: BidCtx) => userOf(ctx.actor)?.userId === ctx.entity.leadUserId,
      guard: biddingOpen,
    },
    // Effects of challenge transitions, whose actor the challenge process already checked:
    win: { from: ["submitted"], to: "won", allow: internal },
    lose: { from: ["submitted"], to: "lost", allow: internal },
    void: { from: ["submitted"], to: "void", allow: internal },
  },
});

// --- milestones --------------------------------------------------------------------------------

export type MilestoneEntity = ChallengeMilestone & { zoneId: string };
interface SettleInput {
  internal?: boolean;
  challenge: Challenge;
  bid: Pick<Bid, "organisationId" | "leadUserId"> | null;
  release: bigint;
  reason?: string;
  key?: string;
}
type MilestoneCtx<I = SettleInput> = TransitionContext<MilestoneStatus, MilestoneEntity, I>;

async function settle(ctx: MilestoneCtx & { to: MilestoneStatus }, key: string): Promise<Record<string, unknown>> {
  const result = await settleEscrow({
    tx: ctx.tx,
    challenge: ctx.input.challenge,
    milestone: ctx.entity,
    bid: ctx.input.bid,
    release: ctx.input.release,
    key: ctx.input.key ?? key,
    ...(ctx.input.reason ? { reason: ctx.input.reason } : {}),
  });
  await ctx.tx.challengeMilestone.update({ where: { id: ctx.entity.id }, data: { settledAt: ctx.now } });
  return { ledgerTransactionId: result.transactionId, fee: result.fee, paid: result.payee, refunded: result.refunded };
}

const OPEN_MILESTONE = ["funded", "delivered", "revision_requested"] as const satisfies readonly MilestoneStatus[];

export const milestoneProcess = defineProcess<MilestoneStatus, MilestoneEntity>({
  name: "milestone",
  table: "ChallengeMilestone",
  enumType: "MilestoneStatus",
  states: MILESTONE_STATUSES,
  initial: "pending",
  terminal: ["accepted", "partially_released", "refunded"],
  zoneOf: (m) => m.zoneId,
  transitions: {
    fund: { from: ["pending"], to: "funded", allow: internal },
    deliver: {
      from: ["funded", "revision_requested"],
      to: "delivered",
      allow: async (ctx: MilestoneCtx<{ challenge: Challenge; note: string }>) =>
        isWinningSolver(ctx.tx, userOf(ctx.actor), ctx.input.challenge),
      guard: (ctx: MilestoneCtx<{ challenge: Challenge; note: string }>) => {
        if (ctx.input.challenge.status !== "in_progress") throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
      },
      effect: (ctx: MilestoneCtx<{ challenge: Challenge; note: string }>) =>
        ctx.tx.challengeMilestone
          .update({ where: { id: ctx.entity.id }, data: { deliveryNote: ctx.input.note, deliveredAt: ctx.now } })
          .then(() => undefined),
    },
    requestRevision: {
      from: ["delivered"],
      to: "revision_requested",
      allow: (ctx: MilestoneCtx<{ challenge: Challenge; reasons: string }>) =>
        isSeeker(userOf(ctx.actor), ctx.input.challenge),
      guard: (ctx: MilestoneCtx<{ challenge: Challenge; reasons: string }>) => {
        if (ctx.input.challenge.status !== "in_progress") throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
      },
      effect: (ctx: MilestoneCtx<{ challenge: Challenge; reasons: string }>) =>
        ctx.tx.challengeMilestone
          .update({ where: { id: ctx.entity.id }, data: { revisionReasons: ctx.input.reasons } })
          .then(() => undefined),
      audit: (ctx: MilestoneCtx<{ challenge: Challenge; reasons: string }>) => ({ reasons: ctx.input.reasons }),
    },
    /** 验收 of one milestone: its escrow is paid to the solver minus the platform fee. */
    accept: {
      from: ["delivered"],
      to: "accepted",
      allow: (ctx: MilestoneCtx) => isSeekerManager(userOf(ctx.actor), ctx.input.challenge),
      guard: (ctx: MilestoneCtx) => {
        if (ctx.input.challenge.status !== "in_progress") throw new AppError("conflict", CHALLENGE_ERRORS.notEditable);
      },
      effect: (ctx) => settle(ctx, escrowKeys.release(ctx.input.challenge.id, ctx.entity.index)),
    },
    // Arbitration by the zone (release, partial release, refund) and refunds on cancellation.
    arbitrateRelease: {
      from: OPEN_MILESTONE,
      to: "accepted",
      allow: (ctx: MilestoneCtx) => isZoneOfficer(userOf(ctx.actor), ctx.input.challenge),
      effect: (ctx) => settle(ctx, escrowKeys.arbitration(ctx.input.challenge.id, ctx.entity.index)),
    },
    arbitratePartial: {
      from: OPEN_MILESTONE,
      to: "partially_released",
      allow: (ctx: MilestoneCtx) => isZoneOfficer(userOf(ctx.actor), ctx.input.challenge),
      guard: (ctx: MilestoneCtx) => {
        if (ctx.input.release <= 0n || ctx.input.release >= ctx.entity.amount)
          throw new AppError("bad_request", CHALLENGE_ERRORS.releaseAmount);
      },
      effect: (ctx) => settle(ctx, escrowKeys.arbitration(ctx.input.challenge.id, ctx.entity.index)),
    },
    refund: {
      from: OPEN_MILESTONE,
      to: "refunded",
      allow: (ctx: MilestoneCtx) => internal(ctx) || isZoneOfficer(userOf(ctx.actor), ctx.input.challenge),
      effect: (ctx) =>
        settle(
          { ...ctx, input: { ...ctx.input, release: 0n } },
          escrowKeys.refund(ctx.input.challenge.id, ctx.entity.index),
        ),
    },
  },
});

/** Runs a challenge transition (the verbs' one way to change a challenge's status). */
export async function transitionChallenge<I>(options: {
  tx: Tx;
  challenge: Challenge;
  transition: string;
  actor: ProcessActor | null;
  now: Date;
  input?: I;
}) {
  const result = await runTransition(challengeProcess, {
    tx: options.tx,
    entity: options.challenge,
    transition: options.transition,
    actor: options.actor,
    now: options.now,
    input: options.input,
  });
  // Every status change can change what the public index shows (published or not, status facet).
  await enqueue(options.tx, "search.sync", { index: "challenges", id: options.challenge.id });
  return result;
}
