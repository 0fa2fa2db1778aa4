import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "#domain/access/permissions.ts";
import { isAppError } from "#domain/errors.ts";
import { proposeCommission, signCommission } from "#domain/transfer/brokers.ts";
import { agreeTerms, cancelDeal, postMessage, recordRegistration, signDeal } from "#domain/transfer/deals.ts";
import {
  arbitrateDealDispute,
  confirmInstalment,
  deliverInstalment,
  fundInstalment,
  raiseDealDispute,
} from "#domain/transfer/instalments.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import {
  createDealInState,
  createTransferWorld,
  registrationNumberFor,
  termsFor,
  type TransferWorld,
} from "#tests/support/transfer-factories.ts";

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return `${error.code} ${error.messageKey}`;
    throw error;
  }
  return "done";
}

/**
 * ADR 0024: to anyone who is not on a deal (buyer, seller, its broker, its zone) every deal verb
 * answers "not found" before it looks at the deal's state, so an outsider learns neither that
 * the deal exists nor where it stands (before, a verb in the wrong state answered 409 first).
 */
describe("deal verbs refuse outsiders with not_found, whatever the state", () => {
  let db: TestDatabase;
  let world: TransferWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createTransferWorld({ db: db.prisma });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const verbs = (dealId: string, termsVersion: number, actor: Actor, now: Date) => ({
    message: () => postMessage({ db: db.prisma, actor, dealId, body: "你好，想了解一下。" }),
    terms: () => agreeTerms({ db: db.prisma, actor, dealId, input: termsFor(100_000_000n, now), now }),
    sign: () => signDeal({ db: db.prisma, actor, dealId, side: "buyer", termsVersion }),
    register: () =>
      recordRegistration({
        db: db.prisma,
        actor,
        dealId,
        registrationNumber: registrationNumberFor(now),
        registrationDate: now,
        now,
      }),
    fund: () => fundInstalment({ db: db.prisma, actor, dealId, index: 1 }),
    deliver: () => deliverInstalment({ db: db.prisma, actor, dealId, index: 1, note: "交付" }),
    confirm: () => confirmInstalment({ db: db.prisma, actor, dealId, index: 1 }),
    dispute: () => raiseDealDispute({ db: db.prisma, actor, dealId, index: 1, reason: "不完整" }),
    commission: () => proposeCommission({ db: db.prisma, actor, dealId, payer: "seller", rateBasisPoints: 100 }),
    cancel: () => cancelDeal({ db: db.prisma, actor, dealId, reason: "不要了" }),
  });

  it.each(["inquiry", "completed", "cancelled"] as const)(
    "a deal in %s",
    async (state) => {
      const now = new Date();
      const { deal } = await createDealInState({ db: db.prisma, world, state, now });
      const before = await db.prisma.transferDeal.findUniqueOrThrow({ where: { id: deal.id } });
      for (const outsider of [world.stranger, world.otherOfficer, world.finance]) {
        const answers = verbs(deal.id, deal.termsVersion, outsider, now);
        for (const [verb, run] of Object.entries(answers))
          expect(`${verb}: ${await code(run())}`).toBe(`${verb}: not_found errors.transfer.dealNotFound`);
      }
      expect(await db.prisma.transferDeal.findUniqueOrThrow({ where: { id: deal.id } })).toEqual(before);
    },
    120_000,
  );

  it("a commission or a dispute of someone else's deal is not found either", async () => {
    const { deal } = await createDealInState({ db: db.prisma, world, state: "disputed", commission: null });
    const dispute = await db.prisma.transferDealDispute.findFirstOrThrow({ where: { dealId: deal.id } });
    expect(
      await code(
        arbitrateDealDispute({
          db: db.prisma,
          actor: world.otherOfficer,
          disputeId: dispute.id,
          outcome: "refund",
          decision: "退回。",
        }),
      ),
    ).toBe("not_found errors.transfer.dealNotFound");
    const open = await createDealInState({ db: db.prisma, world, state: "negotiating", commission: null });
    const c = await proposeCommission({
      db: db.prisma,
      actor: world.broker,
      dealId: open.deal.id,
      payer: "seller",
      rateBasisPoints: 300,
    });
    expect(await code(signCommission({ db: db.prisma, actor: world.stranger, commissionId: c.id }))).toBe(
      "not_found errors.transfer.dealNotFound",
    );
    // The parties themselves still get the state answer.
    expect(
      await code(signDeal({ db: db.prisma, actor: world.buyer, dealId: open.deal.id, side: "buyer", termsVersion: 0 })),
    ).toMatch(/^conflict /);
  }, 120_000);
});
