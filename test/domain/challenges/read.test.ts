import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  createChallengeInState,
  createChallengeWorld,
  seedChallenges,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import {
  challengeStatistics,
  enterpriseWorkspace,
  getChallengeDetail,
  listPublicChallenges,
  recordChallengeView,
  reviewerWorkspace,
  solverWorkspace,
  zoneQueue,
} from "#domain/challenges/read.ts";
import { isAppError } from "#domain/errors.ts";
import { myBidInChallenge } from "#domain/challenges/pages.ts";
import { inviteReviewer } from "#domain/challenges/review.ts";
import type { ChallengeStatus } from "#db/generated/client/client.ts";

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("what the pages read", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  let seeded: Awaited<ReturnType<typeof seedChallenges>>["challenges"];
  beforeAll(async () => {
    db = await createTestDatabase();
    const s = await seedChallenges({ db: db.prisma });
    w = s.world;
    seeded = s.challenges;
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  const idOf = (s: ChallengeStatus) => seeded[s].challenge.id;

  it("the public list shows published public challenges only, with filters", async () => {
    const all = await listPublicChallenges({ db: db.prisma, pageSize: 100 });
    const statuses = new Set(all.items.map((c) => c.status));
    for (const hidden of [
      "draft",
      "submitted",
      "returned",
      "approved",
      "withdrawal_requested",
      "withdrawn",
      "cancelled",
    ])
      expect(statuses.has(hidden as ChallengeStatus)).toBe(false);
    for (const shown of ["published", "under_review", "public_notice", "in_progress", "closed", "failed"])
      expect(statuses.has(shown as ChallengeStatus)).toBe(true);
    expect(all.total).toBe(all.items.length);
    expect(
      (await listPublicChallenges({ db: db.prisma, filters: { status: "published" } })).items.map((c) => c.id),
    ).toEqual([idOf("published")]);
    expect((await listPublicChallenges({ db: db.prisma, filters: { industry: "biomedicine" } })).total).toBe(0);
    expect((await listPublicChallenges({ db: db.prisma, filters: { zoneId: w.zoneId } })).total).toBe(all.total);
    expect((await listPublicChallenges({ db: db.prisma, filters: { minBounty: 100_000_001n } })).total).toBe(0);
    expect(
      (await listPublicChallenges({ db: db.prisma, filters: { minBounty: 100_000_000n, maxBounty: 100_000_000n } }))
        .total,
    ).toBe(all.total);
    const page = await listPublicChallenges({ db: db.prisma, page: 2, pageSize: 5 });
    expect(page.items).toHaveLength(5);
  });

  it("the detail shows the notice with objections, milestone progress and ledger amounts; drafts are private", async () => {
    expect(await code(getChallengeDetail({ db: db.prisma, actor: null, challengeId: idOf("draft") }))).toBe(
      "not_found",
    );
    expect(await code(getChallengeDetail({ db: db.prisma, actor: w.solverA, challengeId: idOf("submitted") }))).toBe(
      "not_found",
    );
    expect(
      (await getChallengeDetail({ db: db.prisma, actor: w.officer, challengeId: idOf("submitted") })).actions,
    ).toContain("approve");
    const notice = await getChallengeDetail({ db: db.prisma, actor: null, challengeId: idOf("public_notice") });
    expect(notice.notice?.winner?.organisationName).toBeTruthy();
    expect(notice.notice?.objections).toHaveLength(1);
    expect(notice.money).toBeNull();
    expect(notice.actions).toEqual([]);
    const progress = await getChallengeDetail({ db: db.prisma, actor: null, challengeId: idOf("disputed") });
    expect(progress.milestones.map((m) => m.status)).toEqual(["delivered", "funded"]);
    expect(progress.money).toMatchObject({ funded: 100_000_000n, held: 100_000_000n });
    expect(progress.contract).toBeNull();
    const closed = await getChallengeDetail({ db: db.prisma, actor: w.seeker, challengeId: idOf("closed") });
    expect(closed.money).toMatchObject({ held: 0n, settled: 100_000_000n });
    expect(closed.contract?.feeBasisPoints).toBe(300);
    const published = await getChallengeDetail({ db: db.prisma, actor: w.seeker, challengeId: idOf("published") });
    expect(published.actions).toEqual(expect.arrayContaining(["withdraw", "requestWithdrawal", "closeBidding"]));
    expect(published.viewer.isSeeker).toBe(true);
  });

  it("workspaces: the enterprise's challenges, the solver's bids and milestones, the reviewer's assignments", async () => {
    const mine = await enterpriseWorkspace({ db: db.prisma, actor: w.seeker, organisationId: w.enterprise.id });
    expect(mine).toHaveLength(19);
    expect(mine.find((c) => c.id === idOf("withdrawal_requested"))!.bids).toBeNull(); // sealed before the deadline
    expect(mine.find((c) => c.id === idOf("under_review"))!.bids).toBe(2);
    expect(await code(enterpriseWorkspace({ db: db.prisma, actor: w.solverA, organisationId: w.enterprise.id }))).toBe(
      "forbidden",
    );
    const solver = await solverWorkspace({ db: db.prisma, actor: w.solverA });
    expect(solver.bids.length).toBeGreaterThan(10);
    expect(solver.bids.every((b) => b.receipts.length >= 1)).toBe(true);
    expect(new Set(solver.milestones.map((m) => m.challengeId)).size).toBe(6); // contracting, contracted, in_progress, disputed, accepted, closed
    const loser = await solverWorkspace({ db: db.prisma, actor: w.solverB });
    const lost = loser.bids.find((b) => b.challenge.id === idOf("closed"))!;
    expect(lost.status).toBe("lost");
    expect(lost.feedback?.categories).toEqual(["too_early_stage", "team_capacity"]);
    const review = await reviewerWorkspace({ db: db.prisma, actor: w.conflictedExpert });
    expect(review.find((r) => r.challengeId === idOf("under_review"))).toMatchObject({
      recused: "same_organisation",
      scored: 0,
    });
    const expert = await reviewerWorkspace({ db: db.prisma, actor: w.experts[0]! });
    expect(expert.find((r) => r.challengeId === idOf("under_review"))).toMatchObject({
      recused: null,
      scored: 2,
      bids: 2,
    });
  });

  it("the zone queue lists approvals, withdrawal requests, proposals, objections and disputes", async () => {
    const q = await zoneQueue({ db: db.prisma, actor: w.officer });
    expect(q.approvals.map((c) => c.id)).toEqual([idOf("submitted")]);
    expect(q.withdrawals.map((c) => c.id)).toEqual([idOf("withdrawal_requested")]);
    expect(q.proposals.map((c) => c.id)).toEqual([idOf("winner_proposed")]);
    expect(q.objections.map((o) => o.challengeId)).toEqual([idOf("public_notice")]);
    expect(q.disputes.map((d) => d.challengeId)).toEqual([idOf("disputed")]);
    expect(await code(zoneQueue({ db: db.prisma, actor: w.seeker }))).toBe("forbidden");
    expect(await code(zoneQueue({ db: db.prisma, actor: w.otherOfficer, zoneId: w.zoneId }))).toBe("forbidden");
    expect((await zoneQueue({ db: db.prisma, actor: w.otherOfficer })).approvals).toEqual([]);
  });

  it("statistics: views, bidders, bids over time, org types and countries", async () => {
    const id = idOf("under_review");
    await recordChallengeView({ db: db.prisma, challengeId: id });
    await recordChallengeView({ db: db.prisma, challengeId: id });
    const stats = await challengeStatistics({ db: db.prisma, actor: w.officer, challengeId: id });
    expect(stats.views).toBe(2);
    expect(stats.registeredBidders).toBe(2);
    expect(stats.bidsOverTime.at(-1)!.cumulative).toBe(2);
    expect(stats.orgTypes.map((t) => t.key).sort()).toEqual(["research_institute", "university"]);
    expect(stats.countries).toEqual([{ key: "CN", count: 2 }]);
    expect(await code(challengeStatistics({ db: db.prisma, actor: w.solverA, challengeId: id }))).toBe("forbidden");
  });

  it("a bidder keeps sight of the challenge and their own bid while a withdrawal request is pending", async () => {
    const id = idOf("withdrawal_requested");
    const detail = await getChallengeDetail({ db: db.prisma, actor: w.solverA, challengeId: id });
    expect(detail.status).toBe("withdrawal_requested");
    expect(detail.viewer.myBidId).toBe(seeded.withdrawal_requested.bids.a);
    expect(await myBidInChallenge({ db: db.prisma, actor: w.solverA, challengeId: id })).toMatchObject({
      id: seeded.withdrawal_requested.bids.a,
      status: "submitted",
    });
    // Off the market for everyone else.
    expect(await code(getChallengeDetail({ db: db.prisma, actor: null, challengeId: id }))).toBe("not_found");
    expect(await code(getChallengeDetail({ db: db.prisma, actor: w.stranger, challengeId: id }))).toBe("not_found");
    expect(await code(getChallengeDetail({ db: db.prisma, actor: w.individual, challengeId: id }))).toBe("not_found");
  });

  it("sealed statistics: before the bids open nobody but the bidder sees anything of a bid, counts included", async () => {
    for (const state of ["published", "withdrawal_requested"] as const) {
      for (const actor of [w.seeker, w.officer]) {
        const stats = await challengeStatistics({ db: db.prisma, actor, challengeId: idOf(state) });
        expect(stats).toEqual({
          views: expect.any(Number),
          sealed: true,
          registeredBidders: null,
          activeBids: null,
          bidsOverTime: [],
          orgTypes: [],
          countries: [],
        });
      }
    }
    // Past the deadline but before bidding is closed: still sealed.
    const published = seeded.published.challenge;
    const late = new Date(published.bidDeadline.getTime() + 60_000);
    expect(
      (await challengeStatistics({ db: db.prisma, actor: w.seeker, challengeId: published.id, now: late })).sealed,
    ).toBe(true);
    const open = await challengeStatistics({ db: db.prisma, actor: w.seeker, challengeId: idOf("under_review") });
    expect(open).toMatchObject({ sealed: false, activeBids: 2 });
    // A reviewer invited early does not learn the number of bids before the review starts.
    await inviteReviewer({
      db: db.prisma,
      actor: w.seeker,
      challengeId: idOf("withdrawal_requested"),
      userId: w.experts[0]!.userId,
    });
    const review = await reviewerWorkspace({ db: db.prisma, actor: w.experts[0]! });
    expect(review.find((r) => r.challengeId === idOf("withdrawal_requested"))!.bids).toBeNull();
    expect(review.find((r) => r.challengeId === idOf("under_review"))!.bids).toBe(2);
  });

  it("another world in another zone keeps its challenges apart", async () => {
    const other = await createChallengeWorld({ db: db.prisma });
    const { challenge } = await createChallengeInState({ db: db.prisma, world: other, state: "submitted" });
    expect((await zoneQueue({ db: db.prisma, actor: w.officer })).approvals.map((c) => c.id)).not.toContain(
      challenge.id,
    );
    expect((await zoneQueue({ db: db.prisma, actor: other.officer })).approvals.map((c) => c.id)).toEqual([
      challenge.id,
    ]);
  });
});
