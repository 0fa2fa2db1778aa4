import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Challenge, ChallengeStatus } from "#db/generated/client/client.ts";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";
import {
  createChallengeWorld,
  createChallengeInState,
  type ChallengeWorld,
} from "#tests/support/challenge-factories.ts";
import { defineProcess, runTransition, transitionsFrom } from "#domain/process/machine.ts";
import { challengeProcess, bidProcess, milestoneProcess } from "#domain/challenges/process.ts";
import { isAppError } from "#domain/errors.ts";

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey };
    throw error;
  }
  throw new Error("expected an AppError");
}

// A tiny process over the Challenge table, to test the helper itself.
const effects: string[] = [];
const toy = defineProcess<ChallengeStatus, Challenge>({
  name: "toy",
  table: "Challenge",
  enumType: "ChallengeStatus",
  states: ["draft", "submitted", "closed"],
  initial: "draft",
  terminal: ["closed"],
  zoneOf: (c) => c.zoneId,
  transitions: {
    go: {
      from: ["draft"],
      to: "submitted",
      allow: (ctx) => ctx.actor !== null && !("system" in ctx.actor),
      guard: (ctx: { input: { ok?: boolean } }) => {
        if (!ctx.input?.ok) throw new Error("guard says no");
      },
      effect: (ctx) => {
        effects.push(`effect:${ctx.to}`);
        return { note: "from effect" };
      },
      audit: () => ({ reason: "because" }),
    },
    timed: { from: ["draft"], to: "closed", allow: (ctx) => ctx.actor !== null && "system" in ctx.actor },
  },
});

describe.each(testEngines())("declared processes on %s", (engine) => {
  let db: TestDatabase;
  let world: ChallengeWorld;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    world = await createChallengeWorld({ db: db.prisma });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses declarations that leave terminal or unknown states", () => {
    expect(() =>
      defineProcess({ ...toy, transitions: { bad: { from: ["closed"], to: "draft", allow: () => true } } }),
    ).toThrow(/terminal/);
    expect(() =>
      defineProcess({
        ...toy,
        transitions: { bad: { from: ["nowhere" as ChallengeStatus], to: "draft", allow: () => true } },
      }),
    ).toThrow(/unknown/);
    expect(transitionsFrom(toy, "draft")).toEqual(["go", "timed"]);
    // The real tables are valid declarations (defineProcess would have thrown at import).
    expect(Object.keys(challengeProcess.transitions).length).toBeGreaterThan(20);
    expect(bidProcess.initial).toBe("submitted");
    expect(milestoneProcess.initial).toBe("pending");
  });

  it("checks state, actor and guard, then sets the status, runs the effect and writes the audit event", async () => {
    effects.length = 0;
    const { challenge } = await createChallengeInState({ db: db.prisma, world, state: "draft" });
    const at = new Date("2026-03-02T02:00:00Z");
    const run = (transition: string, actor: Parameters<typeof runTransition>[1]["actor"], input?: unknown) =>
      db.prisma.$transaction((tx) =>
        runTransition(toy, { tx, entity: { ...challenge }, transition, actor, now: at, input }),
      );
    expect(await refusal(run("go", null, { ok: true }))).toEqual({
      code: "unauthenticated",
      key: "errors.unauthenticated",
    });
    expect(await refusal(run("go", { system: "job" }, { ok: true }))).toEqual({
      code: "forbidden",
      key: "errors.forbidden",
    });
    expect(await refusal(run("timed", world.seeker))).toEqual({ code: "forbidden", key: "errors.forbidden" });
    expect(await refusal(run("nope", world.seeker))).toEqual({
      code: "bad_request",
      key: "errors.process.unknownTransition",
    });
    await expect(run("go", world.seeker, { ok: false })).rejects.toThrow("guard says no");
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("draft");
    expect(await run("go", world.seeker, { ok: true })).toBe("submitted");
    expect(effects).toEqual(["effect:submitted"]);
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("submitted");
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "toy.go", entityId: challenge.id } });
    expect(event.actorId).toBe(world.seeker.userId);
    expect(event.zoneId).toBe(challenge.zoneId);
    expect(event.before).toEqual({ status: "draft" });
    expect(event.after).toMatchObject({
      status: "submitted",
      at: at.toISOString(),
      reason: "because",
      note: "from effect",
    });
    // The stale entity still says draft: the compare-and-set refuses it (someone else moved first).
    expect(await refusal(run("go", world.seeker, { ok: true }))).toEqual({
      code: "conflict",
      key: "errors.process.concurrentChange",
    });
  });

  it("the database refuses a status change that bypasses the process", async () => {
    const { challenge } = await createChallengeInState({ db: db.prisma, world, state: "draft" });
    await expect(
      db.prisma.challenge.update({ where: { id: challenge.id }, data: { status: "published" } }),
    ).rejects.toThrow(/changes only through its process/);
    await expect(
      db.prisma.$executeRawUnsafe(
        `UPDATE "ChallengeMilestone" SET "status" = 'accepted' WHERE "challengeId" = $1`,
        challenge.id,
      ),
    ).rejects.toThrow(/changes only through its process/);
    await expect(
      db.prisma.challenge.create({
        data: {
          ...(({ id: _id, createdAt: _c, updatedAt: _u, indicators: _i, ...rest }) => rest)(challenge),
          status: "closed",
          winnerBidId: null,
        },
      }),
    ).rejects.toThrow(/starts as draft/);
    // Other columns change freely.
    await db.prisma.challenge.update({ where: { id: challenge.id }, data: { title: "改过的标题" } });
    expect((await db.prisma.challenge.findUniqueOrThrow({ where: { id: challenge.id } })).status).toBe("draft");
  });
});
