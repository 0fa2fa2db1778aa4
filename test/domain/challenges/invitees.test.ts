import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  createChallengeInState,
  createChallengeWorld,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import {
  invitedChallenges,
  inviteSolver,
  listInvitees,
  searchSolvers,
  uninviteSolver,
} from "#domain/challenges/invitees.ts";
import { approveChallenge, publishChallenge, submitChallenge } from "#domain/challenges/challenges.ts";
import { getChallengeDetail } from "#domain/challenges/read.ts";
import { isAppError } from "#domain/errors.ts";

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return `${error.code} ${error.messageKey}`;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("invitations to invited-only challenges", () => {
  let db: TestDatabase;
  let w: ChallengeWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    w = await createChallengeWorld({ db: db.prisma });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  const p = () => db.prisma;

  it("the enterprise invites a researcher and an organisation; only they see the published challenge", async () => {
    const { challenge } = await createChallengeInState({
      db: p(),
      world: w,
      state: "draft",
      input: { visibility: "invited" },
    });
    const base = { db: p(), actor: w.seeker, challengeId: challenge.id };
    await inviteSolver({ ...base, userId: w.individual.userId });
    await inviteSolver({ ...base, organisationId: w.solverA.organisationId });
    await inviteSolver({ ...base, userId: w.individual.userId }); // twice: still one row
    const list = await listInvitees({ db: p(), challengeId: challenge.id });
    expect(list.map((i) => i.kind).sort()).toEqual(["organisation", "user"]);
    const audit = await p().auditEvent.count({ where: { entityId: challenge.id, action: "challenge.invite" } });
    expect(audit).toBe(2);

    // Remove the organisation before publishing, then publish through the real process.
    const org = list.find((i) => i.kind === "organisation")!;
    await uninviteSolver({ ...base, inviteeId: org.id });
    expect(await p().auditEvent.count({ where: { entityId: challenge.id, action: "challenge.uninvite" } })).toBe(1);
    const now = new Date();
    await submitChallenge({ ...base, now });
    await approveChallenge({ db: p(), actor: w.officer, challengeId: challenge.id, now });
    await publishChallenge({ ...base, now });

    const seen = await getChallengeDetail({ db: p(), actor: w.individual, challengeId: challenge.id, now });
    expect(seen.id).toBe(challenge.id);
    expect((await invitedChallenges({ db: p(), actor: w.individual })).map((c) => c.id)).toContain(challenge.id);
    // The removed organisation's member and a stranger get not_found, and see nothing in their list.
    for (const outsider of [w.solverA, w.stranger]) {
      expect(await failure(getChallengeDetail({ db: p(), actor: outsider, challengeId: challenge.id, now }))).toBe(
        "not_found errors.challenge.notFound",
      );
      expect((await invitedChallenges({ db: p(), actor: outsider })).map((c) => c.id)).not.toContain(challenge.id);
    }
    expect(await failure(getChallengeDetail({ db: p(), actor: null, challengeId: challenge.id, now }))).toBe(
      "not_found errors.challenge.notFound",
    );

    // Published: more invitees may join (solverB through its organisation), nobody may be removed.
    await inviteSolver({ ...base, organisationId: w.solverB.organisationId });
    expect((await getChallengeDetail({ db: p(), actor: w.solverB, challengeId: challenge.id, now })).id).toBe(
      challenge.id,
    );
    const user = (await listInvitees({ db: p(), challengeId: challenge.id })).find((i) => i.kind === "user")!;
    expect(await failure(uninviteSolver({ ...base, inviteeId: user.id }))).toBe("conflict errors.invitee.locked");
  });

  it("refuses strangers, the zone, public challenges, non-solvers and a withdrawn challenge", async () => {
    const draft = await createChallengeInState({ db: p(), world: w, state: "draft", input: { visibility: "invited" } });
    const id = draft.challenge.id;
    expect(
      await failure(inviteSolver({ db: p(), actor: w.stranger, challengeId: id, userId: w.individual.userId })),
    ).toMatch(/^forbidden /);
    expect(
      await failure(inviteSolver({ db: p(), actor: w.officer, challengeId: id, userId: w.individual.userId })),
    ).toMatch(/^forbidden /);
    // A user without the researcher role, and an organisation that is not a solver type.
    expect(await failure(inviteSolver({ db: p(), actor: w.seeker, challengeId: id, userId: w.stranger.userId }))).toBe(
      "bad_request errors.invitee.invalid",
    );
    const admin = await p().organisation.findFirstOrThrow({ where: { type: "zone_administration" } });
    expect(await failure(inviteSolver({ db: p(), actor: w.seeker, challengeId: id, organisationId: admin.id }))).toBe(
      "bad_request errors.invitee.invalid",
    );
    expect(await failure(inviteSolver({ db: p(), actor: w.seeker, challengeId: id }))).toBe(
      "bad_request errors.invitee.invalid",
    );

    const pub = await createChallengeInState({ db: p(), world: w, state: "draft" });
    expect(
      await failure(
        inviteSolver({ db: p(), actor: w.seeker, challengeId: pub.challenge.id, userId: w.individual.userId }),
      ),
    ).toBe("conflict errors.invitee.notInvitedOnly");

    const closed = await createChallengeInState({
      db: p(),
      world: w,
      state: "withdrawn",
      input: { visibility: "invited" },
    });
    expect(
      await failure(
        inviteSolver({ db: p(), actor: w.seeker, challengeId: closed.challenge.id, userId: w.individual.userId }),
      ),
    ).toBe("conflict errors.invitee.locked");
    expect(await p().challengeInvitee.count({ where: { challengeId: id } })).toBe(0);
  });

  it("finds solver organisations and researchers by name or e-mail, and nothing else", async () => {
    const a = await p().organisation.findUniqueOrThrow({ where: { id: w.solverA.organisationId } });
    const byName = await searchSolvers({ db: p(), query: a.name.slice(0, 6) });
    expect(byName.some((r) => r.kind === "organisation" && r.id === a.id)).toBe(true);
    const me = await p().user.findUniqueOrThrow({ where: { id: w.individual.userId } });
    const byEmail = await searchSolvers({ db: p(), query: me.email.toUpperCase() });
    expect(byEmail.map((r) => r.id)).toEqual([me.id]);
    const stranger = await p().user.findUniqueOrThrow({ where: { id: w.stranger.userId } });
    expect(await searchSolvers({ db: p(), query: stranger.email })).toEqual([]);
    expect(await searchSolvers({ db: p(), query: "x" })).toEqual([]);
  });
});
