import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  bidInputFor,
  challengeInput,
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import {
  approveChallenge,
  cancelChallenge,
  closeBidding,
  closeChallenge,
  closeDueBidding,
  createChallenge,
  decideWithdrawal,
  endDuePublicNotices,
  endPublicNotice,
  failChallenge,
  proposeWinner,
  publishChallenge,
  rejectProposal,
  reopenReview,
  republishChallenge,
  requestWithdrawal,
  returnChallenge,
  setPublicNoticeDays,
  startPublicNotice,
  startReview,
  startWork,
  submitChallenge,
  updateChallenge,
  withdrawChallenge,
} from "#domain/challenges/challenges.ts";
import { submitBid } from "#domain/challenges/bids.ts";
import { answerObjection, fileObjection } from "#domain/challenges/notice.ts";
import {
  declareConflict,
  reviewRanking,
  scoreBid,
  setReviewCriteria,
  writeFeedback,
} from "#domain/challenges/review.ts";
import { addWorkingDays, shanghaiMidnight } from "#domain/calendar/working-days.ts";
import { isAppError } from "#domain/errors.ts";
import type { Actor } from "#domain/access/permissions.ts";

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey };
    throw error;
  }
  throw new Error("expected an AppError");
}

const DAY = 86_400_000;

describe("the challenge process: every transition, its guard and the actors it refuses", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
  });
  afterAll(async () => {
    await db?.close();
  });

  const status = async (id: string) => (await db.prisma.challenge.findUniqueOrThrow({ where: { id } })).status;
  /** Every actor in `actors` is refused `verb` with 403 (or 401 for null) and the status stays. */
  async function refusedAll(id: string, actors: (Actor | null)[], verb: (actor: Actor | null) => Promise<unknown>) {
    const before = await status(id);
    for (const actor of actors) {
      const r = await refusal(verb(actor));
      expect(r.code, `actor ${actor?.userId ?? "anonymous"}`).toBe(actor ? "forbidden" : "unauthenticated");
    }
    expect(await status(id)).toBe(before);
  }

  it("发榜: only the enterprise drafts, submits and publishes; only its zone approves or returns with reasons", async () => {
    const now = new Date();
    expect(
      (
        await refusal(
          createChallenge({
            db: db.prisma,
            actor: w.solverA,
            organisationId: w.enterprise.id,
            input: challengeInput({ now }),
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          createChallenge({
            db: db.prisma,
            actor: w.seeker,
            organisationId: w.solverA.organisationId,
            input: challengeInput({ now }),
          }),
        )
      ).code,
    ).toBe("forbidden");
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "draft" });
    const id = { db: db.prisma, challengeId: challenge.id, now };
    await refusedAll(challenge.id, [null, w.solverA, w.officer, w.stranger], (actor) =>
      submitChallenge({ ...id, actor }),
    );
    await submitChallenge({ ...id, actor: w.seekerMember });
    expect((await refusal(updateChallenge({ ...id, actor: w.seeker, input: challengeInput({ now }) }))).key).toBe(
      "errors.challenge.notEditable",
    );
    await refusedAll(challenge.id, [null, w.seeker, w.solverA, w.otherOfficer, w.experts[0]!], (actor) =>
      approveChallenge({ ...id, actor }),
    );
    await refusedAll(challenge.id, [w.seeker, w.otherOfficer], (actor) =>
      returnChallenge({ ...id, actor, reason: "不行" }),
    );
    expect((await refusal(returnChallenge({ ...id, actor: w.officer, reason: " " }))).key).toBe(
      "errors.challenge.reasonRequired",
    );
    await returnChallenge({ ...id, actor: w.officer, reason: "指标不可量化" });
    expect(await status(challenge.id)).toBe("returned");
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).statusReason).toBe(
      "指标不可量化",
    );
    await updateChallenge({
      ...id,
      actor: w.seeker,
      input: challengeInput({ now, overrides: { title: "修改后的榜单标题" } }),
    });
    await submitChallenge({ ...id, actor: w.seeker });
    expect((await refusal(publishChallenge({ ...id, actor: w.seeker }))).code).toBe("conflict");
    await approveChallenge({ ...id, actor: w.officer });
    await refusedAll(challenge.id, [null, w.solverA, w.otherOfficer], (actor) => publishChallenge({ ...id, actor }));
    // The deadline guard: publishing after the deadline is refused.
    expect(
      (await refusal(publishChallenge({ ...id, actor: w.seeker, now: new Date(now.getTime() + 15 * DAY) }))).key,
    ).toBe("errors.challenge.deadlinePassed");
    await publishChallenge({ ...id, actor: w.seeker });
    expect(await status(challenge.id)).toBe("published");
    const audit = await db.prisma.auditEvent.findMany({
      where: { entityId: challenge.id, action: { startsWith: "challenge." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "challenge.create",
      "challenge.submit",
      "challenge.return",
      "challenge.update",
      "challenge.submit",
      "challenge.approve",
      "challenge.publish",
    ]);
  });

  it("withdrawal is free before any bid; after bids it needs the zone, and bidders are told why", async () => {
    const free = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    await refusedAll(free.challenge.id, [w.officer, w.solverA], (actor) =>
      withdrawChallenge({ db: db.prisma, challengeId: free.challenge.id, actor }),
    );
    await withdrawChallenge({ db: db.prisma, challengeId: free.challenge.id, actor: w.seeker, reason: "需求取消" });
    expect(await status(free.challenge.id)).toBe("withdrawn");

    const withBids = await createChallengeInState({ db: db.prisma, world: w, state: "withdrawal_requested" });
    const id = { db: db.prisma, challengeId: withBids.challenge.id };
    expect(withBids.challenge.resumeStatus).toBe("published");
    await refusedAll(withBids.challenge.id, [w.seeker, w.solverA, w.otherOfficer], (actor) =>
      decideWithdrawal({ ...id, actor, approve: true }),
    );
    await decideWithdrawal({ ...id, actor: w.officer, approve: false, reason: "已有团队投入，不同意撤榜" });
    expect(await status(withBids.challenge.id)).toBe("published");
    expect((await refusal(withdrawChallenge({ ...id, actor: w.seeker }))).key).toBe("errors.challenge.hasBids");
    await requestWithdrawal({ ...id, actor: w.seeker, reason: "公司战略调整" });
    const outboxBefore = await db.prisma.outboxJob.count({ where: { name: "challenge.notify" } });
    await decideWithdrawal({ ...id, actor: w.officer, approve: true });
    expect(await status(withBids.challenge.id)).toBe("withdrawn");
    const bids = await db.prisma.bid.findMany({ where: { challengeId: withBids.challenge.id } });
    expect(bids.map((b) => b.status)).toEqual(["void", "void"]);
    const jobs = await db.prisma.outboxJob.findMany({
      where: { name: "challenge.notify" },
      orderBy: { id: "asc" },
      skip: outboxBefore,
    });
    const told = jobs.find((j) => (j.payload as { event: string }).event === "withdrawn")!.payload as {
      userIds: string[];
      reason: string;
    };
    expect(new Set(told.userIds)).toEqual(new Set([w.solverA.userId, w.solverB.userId]));
    expect(told.reason).toBe("公司战略调整");
  });

  it("bidding closes at the deadline by the scheduled job; without bids the challenge fails and can be republished with changes", async () => {
    const withBids = await createChallengeInState({ db: db.prisma, world: w, state: "withdrawal_requested" });
    await decideWithdrawal({
      db: db.prisma,
      challengeId: withBids.challenge.id,
      actor: w.officer,
      approve: false,
      reason: "继续揭榜",
    });
    const empty = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    expect(
      (await refusal(closeBidding({ db: db.prisma, challengeId: empty.challenge.id, actor: { system: "test" } }))).key,
    ).toBe("errors.challenge.deadlineNotReached");
    await refusedAll(empty.challenge.id, [w.solverA, w.otherOfficer], (actor) =>
      closeBidding({
        db: db.prisma,
        challengeId: empty.challenge.id,
        actor,
        now: new Date(empty.challenge.bidDeadline.getTime() + 1),
      }),
    );
    const before = await closeDueBidding({ db: db.prisma, now: new Date(Date.now() + DAY) });
    expect(before.closed).not.toContain(withBids.challenge.id);
    const after = await closeDueBidding({ db: db.prisma, now: new Date(Date.now() + 15 * DAY) });
    expect(after.closed).toContain(withBids.challenge.id);
    expect(after.failed).toContain(empty.challenge.id);
    expect(await status(withBids.challenge.id)).toBe("bidding_closed");
    expect(await status(empty.challenge.id)).toBe("failed");
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { entityId: empty.challenge.id, action: "challenge.closeBiddingWithoutBids" },
    });
    expect(event.actorId).toBeNull();
    expect(event.after).toMatchObject({ system: "closeDueBidding" });
    // A second run finds nothing left to close.
    expect(await closeDueBidding({ db: db.prisma, now: new Date(Date.now() + 15 * DAY) })).toEqual({
      closed: [],
      failed: [],
    });

    const id = { db: db.prisma, challengeId: empty.challenge.id };
    await refusedAll(empty.challenge.id, [w.officer, w.solverA], (actor) => republishChallenge({ ...id, actor }));
    await republishChallenge({ ...id, actor: w.seeker });
    const again = await db.prisma.challenge.findUniqueOrThrow({ where: { id: empty.challenge.id } });
    expect(again).toMatchObject({ status: "draft", round: 2 });
    const now = new Date();
    await updateChallenge({
      ...id,
      actor: w.seeker,
      input: challengeInput({ now, overrides: { title: "第二轮：放宽指标", priceAboveBountyAllowed: true } }),
    });
    await submitChallenge({ ...id, actor: w.seeker, now });
    await approveChallenge({ ...id, actor: w.officer, now });
    await publishChallenge({ ...id, actor: w.seeker, now });
    const bid = await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: empty.challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor({ price: 120_000_000n }),
      now,
    });
    expect((await db.prisma.bid.findUniqueOrThrow({ where: { id: bid.bidId } })).round).toBe(2);
  });

  it("评审: criteria, recusal by organisation and by declaration, feedback before the winner, and the zone's checks on the proposal", async () => {
    const driven = await createChallengeInState({ db: db.prisma, world: w, state: "bidding_closed" });
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    await refusedAll(driven.challenge.id, [w.solverA, w.otherOfficer], (actor) => startReview({ ...id, actor }));
    expect(
      (
        await refusal(
          setReviewCriteria({
            ...id,
            actor: w.seeker,
            criteria: [
              { name: "技术", weight: 50 },
              { name: "价格", weight: 40 },
            ],
          }),
        )
      ).key,
    ).toBe("errors.challenge.criteriaWeights");
    expect(
      (await refusal(setReviewCriteria({ ...id, actor: w.solverA, criteria: [{ name: "技术", weight: 100 }] }))).code,
    ).toBe("forbidden");
    await setReviewCriteria({
      ...id,
      actor: w.officer,
      criteria: [
        { name: "technical_merit", weight: 60 },
        { name: "price", weight: 40 },
      ],
    });
    const { inviteReviewer } = await import("#domain/challenges/review.ts");
    expect((await refusal(inviteReviewer({ ...id, actor: w.seeker, userId: w.stranger.userId }))).key).toBe(
      "errors.review.notExpert",
    );
    for (const e of [...w.experts, w.conflictedExpert])
      await inviteReviewer({ ...id, actor: w.seeker, userId: e.userId });
    await startReview({ ...id, actor: w.seeker });
    const criteria = await db.prisma.reviewCriterion.findMany({
      where: { challengeId: driven.challenge.id },
      orderBy: { position: "asc" },
    });
    const all = (score: number) => criteria.map((c) => ({ criterionId: c.id, score }));
    const { a, b } = driven.bids as { a: string; b: string };
    expect(
      (await refusal(scoreBid({ db: db.prisma, actor: w.conflictedExpert, bidId: a, scores: all(100) }))).key,
    ).toBe("errors.review.recused");
    expect((await refusal(scoreBid({ db: db.prisma, actor: w.stranger, bidId: a, scores: all(100) }))).key).toBe(
      "errors.review.notInvited",
    );
    expect(
      (await refusal(scoreBid({ db: db.prisma, actor: w.experts[0]!, bidId: a, scores: all(100).slice(1) }))).key,
    ).toBe("errors.review.scoresIncomplete");
    await scoreBid({ db: db.prisma, actor: w.experts[0]!, bidId: a, scores: all(90) });
    await scoreBid({ db: db.prisma, actor: w.experts[0]!, bidId: b, scores: all(60) });
    await scoreBid({ db: db.prisma, actor: w.experts[1]!, bidId: a, scores: all(10) });
    await scoreBid({ db: db.prisma, actor: w.experts[1]!, bidId: b, scores: all(80) });
    expect(
      (await refusal(setReviewCriteria({ ...id, actor: w.seeker, criteria: [{ name: "x", weight: 100 }] }))).key,
    ).toBe("errors.challenge.criteriaLocked");
    let ranking = await reviewRanking({ ...id, actor: w.seeker });
    expect(ranking.ranking.map((r) => r.bidId)).toEqual([b, a]);
    // Expert 1 declares a conflict: their scores stop counting and A ranks first.
    await declareConflict({ ...id, actor: w.experts[1]!, note: "曾与 B 团队合作" });
    ranking = await reviewRanking({ ...id, actor: w.officer });
    expect(ranking.ranking.map((r) => [r.bidId, r.total, r.reviewers])).toEqual([
      [a, 9000, 1],
      [b, 6000, 1],
    ]);
    expect(Object.fromEntries(ranking.reviewers.map((r) => [r.userId, r.recused]))).toEqual({
      [w.experts[0]!.userId]: null,
      [w.experts[1]!.userId]: "declared",
      [w.conflictedExpert.userId]: "same_organisation",
    });
    expect((await refusal(reviewRanking({ ...id, actor: w.solverA }))).code).toBe("forbidden");

    await refusedAll(driven.challenge.id, [w.officer, w.solverA, w.experts[0]!], (actor) =>
      proposeWinner({ ...id, actor, bidId: a }),
    );
    expect((await refusal(proposeWinner({ ...id, actor: w.seeker, bidId: a }))).key).toBe(
      "errors.challenge.feedbackMissing",
    );
    expect(
      (
        await refusal(
          writeFeedback({
            db: db.prisma,
            actor: w.solverA,
            bidId: b,
            categories: ["price"],
            text: "自己给自己写反馈意见",
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          writeFeedback({
            db: db.prisma,
            actor: w.seeker,
            bidId: b,
            categories: ["nonsense"],
            text: "分类不合法的反馈意见",
          }),
        )
      ).code,
    ).toBe("bad_request");
    await writeFeedback({
      db: db.prisma,
      actor: w.seeker,
      bidId: b,
      categories: ["indicators_not_met", "price"],
      text: "循环寿命指标论证不足，报价偏高。",
    });
    await proposeWinner({ ...id, actor: w.seeker, bidId: a });
    await refusedAll(driven.challenge.id, [w.seeker, w.otherOfficer], (actor) =>
      rejectProposal({ ...id, actor, reason: "不同意" }),
    );
    await rejectProposal({ ...id, actor: w.officer, reason: "请说明评分差异" });
    expect(await status(driven.challenge.id)).toBe("under_review");
    await proposeWinner({ ...id, actor: w.seeker, bidId: a });
    await refusedAll(driven.challenge.id, [w.seeker, w.otherOfficer, w.solverA], (actor) =>
      startPublicNotice({ ...id, actor }),
    );
  });

  it("公示: N working days from the zone's setting; objections by anyone signed in; the zone answers all before it ends", async () => {
    const driven = await createChallengeInState({ db: db.prisma, world: w, state: "winner_proposed" });
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    expect(
      (await refusal(setPublicNoticeDays({ db: db.prisma, actor: w.seeker, zoneId: w.zoneId, days: 7 }))).code,
    ).toBe("forbidden");
    await setPublicNoticeDays({ db: db.prisma, actor: w.officer, zoneId: w.zoneId, days: 7 });
    const start = new Date("2026-09-28T02:00:00Z"); // Monday before National Day
    await startPublicNotice({ ...id, actor: w.officer, now: start });
    const c = await db.prisma.challenge.findUniqueOrThrow({ where: { id: driven.challenge.id } });
    expect(c.publicNoticeEndsAt!.toISOString()).toBe(addWorkingDays({ start, days: 7 }).toISOString());
    expect(c.publicNoticeEndsAt!.toISOString()).toBe(shanghaiMidnight("2026-10-14").toISOString());
    await setPublicNoticeDays({ db: db.prisma, actor: w.officer, zoneId: w.zoneId, days: 5 });

    expect(
      (
        await refusal(
          fileObjection({ db: db.prisma, actor: null as unknown as Actor, challengeId: c.id, body: "匿名异议内容" }),
        )
      ).code,
    ).toBe("unauthenticated");
    const during = new Date(start.getTime() + DAY);
    const { objectionId } = await fileObjection({
      ...id,
      actor: w.stranger,
      body: "中标团队的业绩证明不足。",
      now: during,
    });
    expect((await refusal(endPublicNotice({ ...id, actor: w.officer, now: during }))).key).toBe(
      "errors.challenge.noticeNotOver",
    );
    const over = c.publicNoticeEndsAt!;
    expect((await refusal(fileObjection({ ...id, actor: w.stranger, body: "期满之后的异议", now: over }))).code).toBe(
      "conflict",
    );
    expect((await refusal(endPublicNotice({ ...id, actor: w.officer, now: over }))).key).toBe(
      "errors.challenge.objectionsOpen",
    );
    expect(await endDuePublicNotices({ db: db.prisma, now: over })).toMatchObject({ waiting: [c.id] });
    expect(
      (await refusal(answerObjection({ db: db.prisma, actor: w.seeker, objectionId, answer: "企业不能回复异议" })))
        .code,
    ).toBe("forbidden");
    await answerObjection({
      db: db.prisma,
      actor: w.officer,
      objectionId,
      answer: "经核查，业绩证明材料齐全。",
      now: during,
    });
    expect(
      (await refusal(answerObjection({ db: db.prisma, actor: w.officer, objectionId, answer: "再次回复同一异议" })))
        .key,
    ).toBe("errors.objection.alreadyAnswered");
    await refusedAll(c.id, [w.seeker, w.solverA, w.otherOfficer], (actor) =>
      endPublicNotice({ ...id, actor, now: over }),
    );
    expect(await endDuePublicNotices({ db: db.prisma, now: over })).toMatchObject({ ended: [c.id] });
    expect(await status(c.id)).toBe("contracting");
    const bids = await db.prisma.bid.findMany({ where: { challengeId: c.id }, orderBy: { submittedAt: "asc" } });
    expect(bids.map((b) => b.status)).toEqual(["won", "lost"]);
  });

  it("an upheld objection reopens the review", async () => {
    const driven = await createChallengeInState({ db: db.prisma, world: w, state: "public_notice" });
    const id = { db: db.prisma, challengeId: driven.challenge.id };
    await refusedAll(driven.challenge.id, [w.seeker, w.stranger], (actor) =>
      reopenReview({ ...id, actor, reason: "异议成立" }),
    );
    await reopenReview({ ...id, actor: w.officer, reason: "异议成立，重新评审" });
    const c = await db.prisma.challenge.findUniqueOrThrow({ where: { id: driven.challenge.id } });
    expect(c).toMatchObject({ status: "under_review", winnerBidId: null, publicNoticeEndsAt: null });
  });

  it("签约 and after: start of work by either side, 验收 closes; the zone cancels and fails; closed is terminal", async () => {
    const contracted = await createChallengeInState({ db: db.prisma, world: w, state: "contracted" });
    const id = { db: db.prisma, challengeId: contracted.challenge.id };
    await refusedAll(contracted.challenge.id, [w.solverB, w.officer, w.stranger], (actor) =>
      startWork({ ...id, actor }),
    );
    await startWork({ ...id, actor: w.seeker });
    const accepted = await createChallengeInState({ db: db.prisma, world: w, state: "accepted" });
    const aid = { db: db.prisma, challengeId: accepted.challenge.id };
    await refusedAll(accepted.challenge.id, [w.solverA, w.stranger], (actor) => closeChallenge({ ...aid, actor }));
    expect((await refusal(cancelChallenge({ ...aid, actor: w.officer, reason: "验收后不能撤销" }))).code).toBe(
      "conflict",
    );
    await closeChallenge({ ...aid, actor: { system: "test" } });
    expect((await refusal(cancelChallenge({ ...aid, actor: w.officer, reason: "已关闭" }))).key).toBe(
      "errors.process.transitionNotAllowed",
    );

    const review = await createChallengeInState({ db: db.prisma, world: w, state: "under_review" });
    const rid = { db: db.prisma, challengeId: review.challenge.id };
    await refusedAll(review.challenge.id, [w.solverA, w.otherOfficer], (actor) =>
      failChallenge({ ...rid, actor, reason: "无合格方案" }),
    );
    await failChallenge({ ...rid, actor: w.officer, reason: "无合格方案" });
    expect(
      (await db.prisma.bid.findMany({ where: { challengeId: review.challenge.id } })).map((b) => b.status),
    ).toEqual(["void", "void"]);
  });
});
