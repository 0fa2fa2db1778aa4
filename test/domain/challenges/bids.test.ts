import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  bidInputFor,
  challengeInput,
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import { createOrganisation, createUser, actorOf } from "#tests/support/factories.ts";
import { bidReceipts, editBid, submitBid, withdrawBid } from "#domain/challenges/bids.ts";
import {
  approveChallenge,
  closeBidding,
  createChallenge,
  publishChallenge,
  submitChallenge,
} from "#domain/challenges/challenges.ts";
import { answerQuestion, askQuestion, listQuestions } from "#domain/challenges/questions.ts";
import { getChallengeDetail, listBids, solverWorkspace } from "#domain/challenges/read.ts";
import { bidContent, verifyBidReceipt } from "#domain/challenges/receipts.ts";
import { isAppError } from "#domain/errors.ts";

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; key: string; params: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey, params: error.params };
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("揭榜: sealed bids, receipts, Q&A", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a receipt commits to the bid and the server time; it verifies against the stored bid and detects tampering", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    const now = new Date();
    const { bidId, receipt } = await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
    expect(receipt.serverTime.toISOString()).toBe(now.toISOString());
    const stored = await db.prisma.bid.findUniqueOrThrow({ where: { id: bidId } });
    expect(verifyBidReceipt({ receipt, content: bidContent(stored) })).toBe(true);
    expect(verifyBidReceipt({ receipt, content: bidContent({ ...stored, price: stored.price - 1n }) })).toBe(false);
    // An edit gives a new receipt; the old one still verifies against the content it committed to.
    const later = new Date(now.getTime() + 60_000);
    const edited = await editBid({
      db: db.prisma,
      actor: w.solverA,
      bidId,
      input: bidInputFor({ price: 70_000_000n }),
      now: later,
    });
    const current = await db.prisma.bid.findUniqueOrThrow({ where: { id: bidId } });
    expect(verifyBidReceipt({ receipt: edited.receipt, content: bidContent(current) })).toBe(true);
    expect(verifyBidReceipt({ receipt, content: bidContent(current) })).toBe(false);
    const [oldRow] = await db.prisma.bidReceipt.findMany({ where: { commitment: receipt.commitment } });
    expect(verifyBidReceipt({ receipt, content: oldRow!.content as never })).toBe(true);
    expect((await bidReceipts({ db: db.prisma, actor: w.solverA, bidId })).map((r) => r.commitment)).toEqual([
      edited.receipt.commitment,
      receipt.commitment,
    ]);
    expect((await refusal(bidReceipts({ db: db.prisma, actor: w.solverB, bidId }))).code).toBe("not_found");
    // The audit log records the commitment, never the sealed content.
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: bidId, action: "bid.submit" } });
    expect(JSON.stringify(audit.after)).not.toContain("梯度掺杂");
  });

  it("bids are sealed: no bidder sees another's, the enterprise and zone only after the deadline", async () => {
    const { challenge, bids } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    void bids;
    const now = new Date();
    await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
    await submitBid({
      db: db.prisma,
      actor: w.solverB,
      challengeId: challenge.id,
      organisationId: w.solverB.organisationId,
      input: bidInputFor({ price: 50_000_000n }),
      now,
    });
    for (const actor of [w.seeker, w.officer, w.solverA, w.solverB, w.stranger]) {
      expect(
        (await refusal(listBids({ db: db.prisma, actor, challengeId: challenge.id, now }))).key,
        actor.userId,
      ).toBe("errors.bid.sealed");
    }
    const after = new Date(challenge.bidDeadline.getTime() + 1000);
    // The deadline passed but bidding is not closed yet: still sealed.
    expect(
      (await refusal(listBids({ db: db.prisma, actor: w.seeker, challengeId: challenge.id, now: after }))).key,
    ).toBe("errors.bid.sealed");
    await closeBidding({ db: db.prisma, challengeId: challenge.id, actor: { system: "test" }, now: after });
    expect(await listBids({ db: db.prisma, actor: w.seeker, challengeId: challenge.id, now: after })).toHaveLength(2);
    expect(await listBids({ db: db.prisma, actor: w.officer, challengeId: challenge.id, now: after })).toHaveLength(2);
    expect(
      (await refusal(listBids({ db: db.prisma, actor: w.solverA, challengeId: challenge.id, now: after }))).key,
    ).toBe("errors.bid.sealed");
    expect(
      (await refusal(listBids({ db: db.prisma, actor: w.otherOfficer, challengeId: challenge.id, now: after }))).key,
    ).toBe("errors.bid.sealed");
    // A bidder reads only their own, with receipts.
    const mine = await solverWorkspace({ db: db.prisma, actor: w.solverB });
    const forThis = mine.bids.filter((b) => b.challenge.id === challenge.id);
    expect(forThis).toHaveLength(1);
    expect(forThis[0]!.price).toBe(50_000_000n);
    expect(forThis[0]!.receipts).toHaveLength(1);
  });

  it("editable and withdrawable until the deadline, frozen after; resubmission after withdrawal", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    const now = new Date();
    const { bidId } = await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
    expect(
      (
        await refusal(
          submitBid({
            db: db.prisma,
            actor: w.solverA,
            challengeId: challenge.id,
            organisationId: w.solverA.organisationId,
            input: bidInputFor(),
            now,
          }),
        )
      ).key,
    ).toBe("errors.bid.exists");
    expect((await refusal(editBid({ db: db.prisma, actor: w.solverB, bidId, input: bidInputFor() }))).code).toBe(
      "not_found",
    );
    expect((await refusal(withdrawBid({ db: db.prisma, actor: w.solverB, bidId }))).code).toBe("not_found");
    await withdrawBid({ db: db.prisma, actor: w.solverA, bidId, now });
    expect((await db.prisma.bid.findUniqueOrThrow({ where: { id: bidId } })).status).toBe("withdrawn");
    const again = await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor({ price: 88_000_000n }),
      now,
    });
    expect(again.bidId).toBe(bidId);
    expect((await db.prisma.bid.findUniqueOrThrow({ where: { id: bidId } })).status).toBe("submitted");
    const after = new Date(challenge.bidDeadline.getTime());
    expect(
      (await refusal(editBid({ db: db.prisma, actor: w.solverA, bidId, input: bidInputFor(), now: after }))).key,
    ).toBe("errors.bid.frozen");
    expect((await refusal(withdrawBid({ db: db.prisma, actor: w.solverA, bidId, now: after }))).key).toBe(
      "errors.bid.frozen",
    );
    expect(
      (
        await refusal(
          submitBid({
            db: db.prisma,
            actor: w.solverB,
            challengeId: challenge.id,
            organisationId: w.solverB.organisationId,
            input: bidInputFor(),
            now: after,
          }),
        )
      ).key,
    ).toBe("errors.bid.frozen");
  });

  it("refuses bids above the bounty, with a wrong schedule, from the enterprise itself, and from ineligible solvers", async () => {
    const now = new Date();
    const { challengeId } = await createChallenge({
      db: db.prisma,
      actor: w.seeker,
      organisationId: w.enterprise.id,
      input: challengeInput({
        now,
        overrides: { internationalAllowed: false, eligibleOrgTypes: ["university"], individualsAllowed: false },
      }),
      now,
    });
    await submitChallenge({ db: db.prisma, actor: w.seeker, challengeId, now });
    await approveChallenge({ db: db.prisma, actor: w.officer, challengeId, now });
    await publishChallenge({ db: db.prisma, actor: w.seeker, challengeId, now });
    const bid = (actor: typeof w.solverA | typeof w.individual, organisationId: string | null, input = bidInputFor()) =>
      submitBid({ db: db.prisma, actor, challengeId, organisationId, input, now });
    expect((await refusal(bid(w.solverA, w.solverA.organisationId, bidInputFor({ price: 100_000_001n })))).key).toBe(
      "errors.bid.priceAboveBounty",
    );
    expect((await refusal(bid(w.solverA, w.solverA.organisationId, bidInputFor({ milestones: 1 })))).key).toBe(
      "errors.bid.scheduleInvalid",
    );
    expect((await refusal(bid(w.solverA, w.solverA.organisationId, { ...bidInputFor(), approach: "短" }))).code).toBe(
      "bad_request",
    );
    expect((await refusal(bid(w.solverB, w.solverB.organisationId))).params).toMatchObject({ reason: "orgType" });
    expect((await refusal(bid(w.individual, null))).params).toMatchObject({ reason: "individuals" });
    expect((await refusal(bid(w.solverA, w.solverB.organisationId))).code).toBe("forbidden");
    const abroad = await createOrganisation({ db: db.prisma, type: "university", country: "SG" });
    const foreign = await actorOf({
      db: db.prisma,
      userId: (await createUser({ db: db.prisma, passwordHash: "x", memberships: [{ organisationId: abroad.id }] })).id,
    });
    expect((await refusal(bid(foreign as typeof w.solverA, abroad.id))).params).toMatchObject({
      reason: "international",
    });
    const seekerAsBidder = await refusal(
      submitBid({
        db: db.prisma,
        actor: w.seeker,
        challengeId,
        organisationId: w.enterprise.id,
        input: bidInputFor(),
        now,
      }),
    );
    expect(seekerAsBidder.key).toBe("errors.bid.ownChallenge");
    expect(
      (
        await refusal(
          submitBid({ db: db.prisma, actor: w.officer, challengeId, organisationId: null, input: bidInputFor(), now }),
        )
      ).code,
    ).toBe("forbidden");
    await bid(w.solverA, w.solverA.organisationId);
  });

  it("invited-only challenges are visible and open only to invitees", async () => {
    const now = new Date();
    const { challengeId } = await createChallenge({
      db: db.prisma,
      actor: w.seeker,
      organisationId: w.enterprise.id,
      input: challengeInput({ now, overrides: { visibility: "invited", seekerAnonymous: true } }),
      invitees: { organisationIds: [w.solverA.organisationId] },
      now,
    });
    await submitChallenge({ db: db.prisma, actor: w.seeker, challengeId, now });
    await approveChallenge({ db: db.prisma, actor: w.officer, challengeId, now });
    await publishChallenge({ db: db.prisma, actor: w.seeker, challengeId, now });
    expect((await refusal(getChallengeDetail({ db: db.prisma, actor: w.solverB, challengeId }))).code).toBe(
      "not_found",
    );
    expect((await refusal(getChallengeDetail({ db: db.prisma, actor: null, challengeId }))).code).toBe("not_found");
    expect(
      (
        await refusal(
          submitBid({
            db: db.prisma,
            actor: w.solverB,
            challengeId,
            organisationId: w.solverB.organisationId,
            input: bidInputFor(),
            now,
          }),
        )
      ).code,
    ).toBe("not_found");
    const seen = await getChallengeDetail({ db: db.prisma, actor: w.solverA, challengeId });
    expect(seen.seeker).toBeNull(); // anonymous to solvers
    expect((await getChallengeDetail({ db: db.prisma, actor: w.officer, challengeId })).seeker?.id).toBe(
      w.enterprise.id,
    );
    await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
  });

  it("Q&A: private questions stay private, answers are public by default and notify every bidder", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    const now = new Date();
    await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now,
    });
    await submitBid({
      db: db.prisma,
      actor: w.solverB,
      challengeId: challenge.id,
      organisationId: w.solverB.organisationId,
      input: bidInputFor(),
      now,
    });
    const open = await askQuestion({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      body: "中试场地由谁提供？",
      now,
    });
    const secret = await askQuestion({
      db: db.prisma,
      actor: w.solverB,
      challengeId: challenge.id,
      body: "能否分享现有工艺参数？",
      private: true,
      now,
    });
    expect(
      (await refusal(askQuestion({ db: db.prisma, actor: w.officer, challengeId: challenge.id, body: "管委会提问" })))
        .code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          answerQuestion({ db: db.prisma, actor: w.solverA, questionId: open.questionId, answer: "我来回答" }),
        )
      ).code,
    ).toBe("forbidden");
    const jobsBefore = await db.prisma.outboxJob.count();
    await answerQuestion({
      db: db.prisma,
      actor: w.seeker,
      questionId: open.questionId,
      answer: "由我公司提供中试线。",
      now,
    });
    const job = await db.prisma.outboxJob.findFirstOrThrow({
      where: { name: "challenge.notify" },
      orderBy: { id: "desc" },
    });
    expect(await db.prisma.outboxJob.count()).toBe(jobsBefore + 1);
    expect(job.payload).toMatchObject({ event: "question_answered", questionId: open.questionId });
    expect(new Set((job.payload as { userIds: string[] }).userIds)).toEqual(
      new Set([w.solverA.userId, w.solverB.userId]),
    );
    await answerQuestion({
      db: db.prisma,
      actor: w.seeker,
      questionId: secret.questionId,
      answer: "签署保密协议后提供。",
      public: false,
      now,
    });
    const forA = await listQuestions({ db: db.prisma, actor: w.solverA, challengeId: challenge.id });
    expect(forA.map((q) => q.body)).toEqual(["中试场地由谁提供？"]);
    const forB = await listQuestions({ db: db.prisma, actor: w.solverB, challengeId: challenge.id });
    expect(forB.find((q) => q.private)?.answer).toBe("签署保密协议后提供。");
    const anonymous = await listQuestions({ db: db.prisma, actor: null, challengeId: challenge.id });
    expect(anonymous.map((q) => [q.body, q.answer])).toEqual([["中试场地由谁提供？", "由我公司提供中试线。"]]);
    expect(await listQuestions({ db: db.prisma, actor: w.seeker, challengeId: challenge.id })).toHaveLength(2);
  });
});

describe("timed closing under concurrency", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("concurrent scheduler runs close each challenge once; a bid submitted at the deadline is refused", async () => {
    const { closeDueBidding } = await import("#domain/challenges/challenges.ts");
    const { challenge } = await createChallengeInState({ db: db.prisma, world: w, state: "published" });
    await submitBid({
      db: db.prisma,
      actor: w.solverA,
      challengeId: challenge.id,
      organisationId: w.solverA.organisationId,
      input: bidInputFor(),
      now: new Date(),
    });
    const at = challenge.bidDeadline;
    const [late, ...runs] = await Promise.allSettled([
      submitBid({
        db: db.prisma,
        actor: w.solverB,
        challengeId: challenge.id,
        organisationId: w.solverB.organisationId,
        input: bidInputFor(),
        now: at,
      }),
      closeDueBidding({ db: db.prisma, now: at }),
      closeDueBidding({ db: db.prisma, now: at }),
      closeDueBidding({ db: db.prisma, now: at }),
    ]);
    expect(late.status).toBe("rejected");
    const closed = runs.flatMap((r) => (r.status === "fulfilled" ? r.value.closed : []));
    expect(closed).toEqual([challenge.id]);
    expect(
      await db.prisma.auditEvent.count({ where: { entityId: challenge.id, action: "challenge.closeBidding" } }),
    ).toBe(1);
    expect(await db.prisma.bid.count({ where: { challengeId: challenge.id } })).toBe(1);
  });
});
