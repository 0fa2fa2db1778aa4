import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { actorOf, createUser } from "#tests/support/factories.ts";
import { createPublishedOffer, createTransferWorld, type TransferWorld } from "#tests/support/transfer-factories.ts";
import { isAppError } from "#domain/errors.ts";
import { reviewBrokerProfile } from "#domain/identity/confirmations.ts";
import { answerIntroduction, introduce, upsertBrokerProfile } from "#domain/transfer/brokers.ts";
import { inquire } from "#domain/transfer/deals.ts";

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.messageKey };
    throw error;
  }
  throw new Error("expected an AppError");
}

/** Issue 11: a self-registered "broker" attached itself to any buyer × offer pair (ADR 0022). */
describe("broker credentials and consented introductions", () => {
  let db: TestDatabase;
  let world: TransferWorld;
  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createTransferWorld({ db: db.prisma });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const squatter = async (credentialNumber: string) => {
    const actor = await actorOf({ db: db.prisma, userId: (await createUser({ db: db.prisma, roles: ["broker"] })).id });
    await upsertBrokerProfile({
      db: db.prisma,
      actor,
      input: { credentialNumber, level: "senior", fields: ["新材料"], zoneId: world.zoneId },
    });
    return actor;
  };
  const ask = (offerId: string) =>
    inquire({
      db: db.prisma,
      actor: world.buyer,
      offerId,
      buyerOrganisationId: world.enterprise.id,
      mode: "transfer",
      message: "请介绍产业化条件。",
    });

  it("an unverified broker cannot introduce; the real broker is not locked out and the deal lists nobody uninvited", async () => {
    const fake = await squatter("FAKE-00001");
    const profile = await db.prisma.brokerProfile.findUniqueOrThrow({ where: { userId: fake.userId } });
    expect(profile.confirmation).toBe("pending");
    const offer = await createPublishedOffer({ db: db.prisma, world });
    expect(
      (
        await refusal(
          introduce({ db: db.prisma, actor: fake, offerId: offer.id, buyerOrganisationId: world.enterprise.id }),
        )
      ).key,
    ).toBe("errors.transfer.brokerNotVerified");
    // The verified broker introduces; pending, it attaches nobody.
    const intro = await introduce({
      db: db.prisma,
      actor: world.broker,
      offerId: offer.id,
      buyerOrganisationId: world.enterprise.id,
    });
    expect(intro.consent).toBe("pending");
    const deal = await ask(offer.id);
    expect(deal.brokerUserId).toBeNull();
  });

  it("a declined introduction never attaches the broker; an accepted one does, and is then the attribution", async () => {
    const declinedOffer = await createPublishedOffer({ db: db.prisma, world });
    const declined = await introduce({
      db: db.prisma,
      actor: world.broker,
      offerId: declinedOffer.id,
      buyerOrganisationId: world.enterprise.id,
    });
    // A plain member cannot answer for the organisation, nor can the broker.
    expect(
      (
        await refusal(
          answerIntroduction({ db: db.prisma, actor: world.buyerMember, introductionId: declined.id, accept: true }),
        )
      ).code,
    ).toBe("not_found");
    expect(
      (
        await refusal(
          answerIntroduction({ db: db.prisma, actor: world.broker, introductionId: declined.id, accept: true }),
        )
      ).code,
    ).toBe("not_found");
    await answerIntroduction({ db: db.prisma, actor: world.buyer, introductionId: declined.id, accept: false });
    expect((await ask(declinedOffer.id)).brokerUserId).toBeNull();

    const offer = await createPublishedOffer({ db: db.prisma, world });
    // A second, confirmed broker introduces too: the buyer chooses whom to accept.
    const other = await squatter(`JSJJ-53-2026-${Date.now().toString().slice(-6)}`);
    await reviewBrokerProfile({ db: db.prisma, actor: world.officer, brokerUserId: other.userId, decision: "confirm" });
    const fromOther = await introduce({
      db: db.prisma,
      actor: other,
      offerId: offer.id,
      buyerOrganisationId: world.enterprise.id,
    });
    const fromBroker = await introduce({
      db: db.prisma,
      actor: world.broker,
      offerId: offer.id,
      buyerOrganisationId: world.enterprise.id,
    });
    await answerIntroduction({ db: db.prisma, actor: world.buyer, introductionId: fromBroker.id, accept: true });
    const losing = await db.prisma.brokerIntroduction.findUniqueOrThrow({ where: { id: fromOther.id } });
    expect(losing.consent).toBe("declined");
    expect(
      (
        await refusal(
          introduce({ db: db.prisma, actor: other, offerId: offer.id, buyerOrganisationId: world.enterprise.id }),
        )
      ).key,
    ).toBe("errors.transfer.alreadyIntroduced");
    expect((await ask(offer.id)).brokerUserId).toBe(world.broker.userId);
  });

  it("only an officer of the profile's zone (or an admin) confirms; a changed credential waits again", async () => {
    const fake = await squatter("FAKE-00002");
    expect(
      (
        await refusal(
          reviewBrokerProfile({
            db: db.prisma,
            actor: world.otherOfficer,
            brokerUserId: fake.userId,
            decision: "confirm",
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          reviewBrokerProfile({ db: db.prisma, actor: world.buyer, brokerUserId: fake.userId, decision: "confirm" }),
        )
      ).code,
    ).toBe("forbidden");
    await reviewBrokerProfile({ db: db.prisma, actor: world.officer, brokerUserId: fake.userId, decision: "confirm" });
    await upsertBrokerProfile({
      db: db.prisma,
      actor: fake,
      input: { credentialNumber: "FAKE-00002", level: "senior", fields: ["生物医药"], zoneId: world.zoneId },
    });
    expect((await db.prisma.brokerProfile.findUniqueOrThrow({ where: { userId: fake.userId } })).confirmation).toBe(
      "confirmed",
    );
    await upsertBrokerProfile({
      db: db.prisma,
      actor: fake,
      input: { credentialNumber: "FAKE-00003", level: "senior", fields: ["生物医药"], zoneId: world.zoneId },
    });
    expect((await db.prisma.brokerProfile.findUniqueOrThrow({ where: { userId: fake.userId } })).confirmation).toBe(
      "pending",
    );
  });
});
