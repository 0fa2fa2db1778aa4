import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import {
  createDealInState,
  createPublishedOffer,
  createTransferWorld,
  registrationNumberFor,
  termsFor,
  type TransferWorld,
} from "#tests/support/transfer-factories.ts";
import { isAppError } from "#domain/errors.ts";
import { addresses, PLATFORM_FEES } from "#domain/ledger/addresses.ts";
import { getBalance } from "#domain/ledger/read.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";
import { agreeTerms, cancelDeal, inquire, postMessage, recordRegistration, signDeal } from "#domain/transfer/deals.ts";
import {
  arbitrateDealDispute,
  confirmInstalment,
  deliverInstalment,
  fundInstalment,
  raiseDealDispute,
} from "#domain/transfer/instalments.ts";
import {
  answerIntroduction,
  introduce,
  proposeCommission,
  signCommission,
  brokerTrackRecord,
} from "#domain/transfer/brokers.ts";
import { declareRelation } from "#domain/transfer/relations.ts";
import { withdrawOffer, publishOffer, createOffer, expireDueOffers, updateOffer } from "#domain/transfer/offers.ts";
import { transferDealCompleted } from "#workers/definitions/transfer.ts";
import { dealDetail, listOffers, offerDetail, brokerDashboard } from "#domain/transfer/read.ts";
import { offerInput } from "#tests/support/transfer-factories.ts";
import { createOrganisation } from "#tests/support/factories.ts";

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

if (!hasPostgres()) console.info("[transfer deals] PostgreSQL not configured (DATABASE_URL): running on PGlite");

describe(`transfer deals on ${hasPostgres() ? "postgres" : "pglite"}`, () => {
  let db: TestDatabase;
  let world: TransferWorld;
  const posted = async (address: string) => (await getBalance({ db: db.prisma, address }))?.posted ?? 0n;
  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createTransferWorld({ db: db.prisma });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("offer: only the owner publishes; a withdrawn offer is refused for inquiries; the public list hides drafts", async () => {
    const draft = await createOffer({
      db: db.prisma,
      actor: world.sellerMember,
      organisationId: world.university.id,
      input: offerInput(),
    });
    expect((await refusal(publishOffer({ db: db.prisma, actor: world.buyer, offerId: draft.id }))).code).toBe(
      "forbidden",
    );
    expect(
      (
        await refusal(
          createOffer({ db: db.prisma, actor: world.buyer, organisationId: world.university.id, input: offerInput() }),
        )
      ).code,
    ).toBe("forbidden");
    const listed = await listOffers({ db: db.prisma, actor: null });
    expect(listed.offers.map((o) => o.id)).not.toContain(draft.id);
    await publishOffer({ db: db.prisma, actor: world.sellerMember, offerId: draft.id });
    const detail = await offerDetail({ db: db.prisma, actor: null, offerId: draft.id });
    expect(detail.offer.rights).toHaveLength(2);
    expect(JSON.stringify(detail, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).not.toMatch(/email|phone/i);
    const job = await db.prisma.outboxJob.findFirst({
      where: { name: "search.sync", payload: { equals: { index: "offers", id: draft.id } } },
    });
    expect(job).not.toBeNull();
    await withdrawOffer({ db: db.prisma, actor: world.seller, offerId: draft.id, reason: "已另行转化。" });
    const r = await refusal(
      inquire({
        db: db.prisma,
        actor: world.buyer,
        offerId: draft.id,
        buyerOrganisationId: world.enterprise.id,
        mode: "transfer",
        message: "请问？",
      }),
    );
    expect(r.key).toBe("errors.transfer.offerNotAvailable");
  });

  it("every deal state can be reached through the verbs, audited", async () => {
    for (const state of [
      "inquiry",
      "negotiating",
      "terms_agreed",
      "signed",
      "registered",
      "in_progress",
      "disputed",
      "cancelled",
      "completed",
    ] as const) {
      const { deal } = await createDealInState({ db: db.prisma, world, state });
      expect(deal.status).toBe(state);
    }
    const audited = await db.prisma.auditEvent.count({ where: { action: { startsWith: "deal." } } });
    expect(audited).toBeGreaterThan(20);
  }, 120_000);

  it("refuses the wrong actors: a member cannot sign or fund, a stranger cannot write, others cannot see the deal", async () => {
    const { deal } = await createDealInState({ db: db.prisma, world, state: "terms_agreed" });
    expect(
      (
        await refusal(
          signDeal({
            db: db.prisma,
            actor: world.buyerMember,
            dealId: deal.id,
            side: "buyer",
            termsVersion: deal.termsVersion,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refusal(
          signDeal({
            db: db.prisma,
            actor: world.buyer,
            dealId: deal.id,
            side: "seller",
            termsVersion: deal.termsVersion,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (await refusal(postMessage({ db: db.prisma, actor: world.stranger, dealId: deal.id, body: "你好" }))).code,
    ).toBe("not_found");
    expect((await refusal(dealDetail({ db: db.prisma, actor: world.stranger, dealId: deal.id }))).code).toBe(
      "not_found",
    );
    expect(
      (
        await refusal(
          signDeal({
            db: db.prisma,
            actor: world.buyer,
            dealId: deal.id,
            side: "buyer",
            termsVersion: deal.termsVersion - 1,
          }),
        )
      ).key,
    ).toBe("errors.transfer.termsChanged");
    // Registration before both signatures is refused by the process.
    expect(
      (
        await refusal(
          recordRegistration({
            db: db.prisma,
            actor: world.seller,
            dealId: deal.id,
            registrationNumber: registrationNumberFor(new Date()),
            registrationDate: new Date(),
          }),
        )
      ).code,
    ).toBe("conflict");
    const detail = await dealDetail({ db: db.prisma, actor: world.buyer, dealId: deal.id });
    expect(detail.transitions).toContain("sign:buyer");
    expect(detail.transitions).not.toContain("sign:seller");
  }, 60_000);

  it("an exclusive deal holds the offer; a second buyer cannot agree terms until it is cancelled", async () => {
    const { deal, offer } = await createDealInState({ db: db.prisma, world, state: "terms_agreed" });
    expect(offer.status).toBe("under_negotiation");
    const other = await createOrganisation({ db: db.prisma, type: "enterprise", zoneId: world.zoneId });
    await db.prisma.membership.create({
      data: { userId: world.buyer.userId, organisationId: other.id, role: "owner" },
    });
    const { actorOf } = await import("#tests/support/factories.ts");
    const buyer2 = await actorOf({ db: db.prisma, userId: world.buyer.userId });
    const deal2 = await inquire({
      db: db.prisma,
      actor: buyer2,
      offerId: offer.id,
      buyerOrganisationId: other.id,
      mode: "transfer",
      message: "我们也有意向。",
    });
    expect(deal2.brokerUserId).toBeNull();
    const busy = await refusal(
      agreeTerms({ db: db.prisma, actor: world.seller, dealId: deal2.id, input: termsFor(100_000_000n, new Date()) }),
    );
    expect(busy.key).toBe("errors.transfer.offerBusy");
    await cancelDeal({ db: db.prisma, actor: world.buyer, dealId: deal.id, reason: "预算调整。" });
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("published");
    await agreeTerms({
      db: db.prisma,
      actor: world.seller,
      dealId: deal2.id,
      input: termsFor(100_000_000n, new Date()),
    });
  }, 60_000);

  it("first introduction is the attribution; a second broker is refused", async () => {
    const offer = await createPublishedOffer({ db: db.prisma, world });
    await introduce({
      db: db.prisma,
      actor: world.broker,
      offerId: offer.id,
      buyerOrganisationId: world.enterprise.id,
    });
    const again = await refusal(
      introduce({ db: db.prisma, actor: world.broker, offerId: offer.id, buyerOrganisationId: world.enterprise.id }),
    );
    expect(again.key).toBe("errors.transfer.alreadyIntroduced");
    // The introduction counts once the buyer accepts it (ADR 0022).
    const pending = await db.prisma.brokerIntroduction.findFirstOrThrow({ where: { offerId: offer.id } });
    await answerIntroduction({ db: db.prisma, actor: world.buyer, introductionId: pending.id, accept: true });
    const deal = await inquire({
      db: db.prisma,
      actor: world.buyer,
      offerId: offer.id,
      buyerOrganisationId: world.enterprise.id,
      mode: "transfer",
      message: "请介绍。",
    });
    expect(deal.brokerUserId).toBe(world.broker.userId);
    // Only the payer's signatory signs the commission.
    const c = await proposeCommission({
      db: db.prisma,
      actor: world.broker,
      dealId: deal.id,
      payer: "buyer",
      fixedFen: 1_000_000n,
    });
    expect((await refusal(signCommission({ db: db.prisma, actor: world.seller, commissionId: c.id }))).code).toBe(
      "forbidden",
    );
    expect((await refusal(signCommission({ db: db.prisma, actor: world.buyerMember, commissionId: c.id }))).code).toBe(
      "forbidden",
    );
    await signCommission({ db: db.prisma, actor: world.buyer, commissionId: c.id });
  });

  it("money path: instalments funded, fee and seller-paid commission exact to the fen, reconciliation clean", async () => {
    const price = 333_333_33n;
    const before = {
      seller: await posted(addresses.orgWallet(world.university.id)),
      broker: await posted(addresses.userWallet(world.broker.userId)),
      fees: await posted(PLATFORM_FEES),
    };
    const { deal, offer } = await createDealInState({ db: db.prisma, world, state: "completed", price });
    expect(deal.status).toBe("completed");
    expect(offer.status).toBe("transferred");
    const instalments = await db.prisma.transferInstalment.findMany({
      where: { dealId: deal.id },
      orderBy: { index: "asc" },
    });
    const fee = instalments.reduce((s, m) => s + m.feeFen!, 0n);
    const commission = instalments.reduce((s, m) => s + m.commissionFen!, 0n);
    const seller = instalments.reduce((s, m) => s + m.paidToSellerFen!, 0n);
    expect(fee + commission + seller).toBe(price);
    // 3 % fee and 5 % commission of each instalment (largest remainder per instalment).
    expect(instalments[0]!.amountFen).toBe(199_999_99n);
    expect(instalments[0]!.feeFen).toBe(6_000_00n);
    expect(instalments[0]!.commissionFen).toBe(10_000_00n);
    expect((await posted(addresses.orgWallet(world.university.id))) - before.seller).toBe(seller);
    expect((await posted(addresses.userWallet(world.broker.userId))) - before.broker).toBe(commission);
    expect((await posted(PLATFORM_FEES)) - before.fees).toBe(fee);
    for (const m of instalments) expect(await posted(addresses.dealEscrow(deal.id, m.index))).toBe(0n);
    const event = await db.prisma.outboxJob.findFirstOrThrow({
      where: { name: "transfer.deal.completed", payload: { path: ["dealId"], equals: deal.id } },
    });
    const payload = event.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      transferor: { organisationId: world.university.id },
      transferee: { organisationId: world.enterprise.id },
      serviceAgency: { organisationId: world.agency.id },
      broker: { userId: world.broker.userId },
      amountPaidFen: price.toString(),
      commissionFen: commission.toString(),
      mode: "transfer",
      relatedParty: false,
      registrationNumber: deal.registrationNumber,
    });
    expect(payload.registrationDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const record = await brokerTrackRecord(db.prisma, world.broker.userId);
    expect(record.completedDeals).toBeGreaterThanOrEqual(1);
    const dash = await brokerDashboard({ db: db.prisma, actor: world.broker });
    expect(dash.pipeline.find((p) => p.status === "completed")!.count).toBeGreaterThanOrEqual(1);
    const rec = await reconcileLedger({ db: db.prisma });
    expect(rec.ok).toBe(true);
  }, 60_000);

  it("insufficient funds: a clear message with the deposit link, nothing changes", async () => {
    const { deal } = await createDealInState({ db: db.prisma, world, state: "registered", price: 1_000_000_000_000n });
    const r = await refusal(fundInstalment({ db: db.prisma, actor: world.buyer, dealId: deal.id, index: 1 }));
    expect(r.code).toBe("insufficient_funds");
    expect(r.key).toBe("errors.transfer.insufficientFunds");
    expect(r.params.depositPath).toBe("/wallet/deposit");
    expect((await db.prisma.transferDeal.findUniqueOrThrow({ where: { id: deal.id } })).status).toBe("registered");
    expect((await refusal(fundInstalment({ db: db.prisma, actor: world.buyer, dealId: deal.id, index: 2 }))).key).toBe(
      "errors.transfer.instalmentOrderFunding",
    );
  }, 60_000);

  it("two concurrent confirmations pay once", async () => {
    const { deal } = await createDealInState({ db: db.prisma, world, state: "in_progress" });
    await deliverInstalment({ db: db.prisma, actor: world.seller, dealId: deal.id, index: 1, note: "已交付。" });
    const sellerBefore = await posted(addresses.orgWallet(world.university.id));
    const results = await Promise.allSettled([
      confirmInstalment({ db: db.prisma, actor: world.buyer, dealId: deal.id, index: 1 }),
      confirmInstalment({ db: db.prisma, actor: world.buyer, dealId: deal.id, index: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const m = await db.prisma.transferInstalment.findUniqueOrThrow({
      where: { dealId_index: { dealId: deal.id, index: 1 } },
    });
    expect((await posted(addresses.orgWallet(world.university.id))) - sellerBefore).toBe(m.paidToSellerFen);
  }, 60_000);

  it("disputes: the zone releases part; a foreign officer is refused; a full refund cancels the deal and frees the offer", async () => {
    const a = await createDealInState({ db: db.prisma, world, state: "disputed" });
    const dispute = await db.prisma.transferDealDispute.findFirstOrThrow({ where: { dealId: a.deal.id } });
    expect(
      (
        await refusal(
          arbitrateDealDispute({
            db: db.prisma,
            actor: world.otherOfficer,
            disputeId: dispute.id,
            outcome: "refund",
            decision: "退回。",
          }),
        )
      ).code,
    ).toBe("not_found");
    const buyerBefore = await posted(addresses.orgWallet(world.enterprise.id));
    const res = await arbitrateDealDispute({
      db: db.prisma,
      actor: world.officer,
      disputeId: dispute.id,
      outcome: "partial_release",
      releaseFen: 30_000_000n,
      decision: "交付部分资料，支付一半。",
    });
    expect(res.dealStatus).toBe("in_progress");
    const m = await db.prisma.transferInstalment.findUniqueOrThrow({
      where: { dealId_index: { dealId: a.deal.id, index: 1 } },
    });
    expect(m.status).toBe("partially_released");
    expect(m.feeFen! + m.commissionFen! + m.paidToSellerFen! + m.refundedFen!).toBe(m.amountFen);
    expect((await posted(addresses.orgWallet(world.enterprise.id))) - buyerBefore).toBe(m.refundedFen);

    const b = await createDealInState({ db: db.prisma, world, state: "disputed" });
    const d2 = await db.prisma.transferDealDispute.findFirstOrThrow({ where: { dealId: b.deal.id } });
    const end = await arbitrateDealDispute({
      db: db.prisma,
      actor: world.officer,
      disputeId: d2.id,
      outcome: "refund",
      decision: "未交付，全额退回。",
      endDeal: true,
    });
    expect(end.dealStatus).toBe("cancelled");
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: b.offer.id } })).status).toBe("published");
    expect(await posted(addresses.dealEscrow(b.deal.id, 1))).toBe(0n);
    expect(
      (
        await refusal(
          raiseDealDispute({ db: db.prisma, actor: world.buyer, dealId: b.deal.id, index: 1, reason: "再次" }),
        )
      ).code,
    ).toBe("conflict");
  }, 90_000);

  it("related parties: a declared parent relation flags the deal and its event", async () => {
    const group = await createOrganisation({ db: db.prisma, type: "enterprise", zoneId: world.zoneId });
    await db.prisma.membership.create({
      data: { userId: world.seller.userId, organisationId: group.id, role: "owner" },
    });
    const { actorOf } = await import("#tests/support/factories.ts");
    const sellerInGroup = await actorOf({ db: db.prisma, userId: world.seller.userId });
    await declareRelation({
      db: db.prisma,
      actor: sellerInGroup,
      fromOrganisationId: group.id,
      toOrganisationId: world.university.id,
      kind: "parent",
    });
    await declareRelation({
      db: db.prisma,
      actor: sellerInGroup,
      fromOrganisationId: group.id,
      toOrganisationId: world.enterprise.id,
      kind: "shareholding",
      sharePercentBp: 6000,
    });
    const { deal } = await createDealInState({ db: db.prisma, world, state: "completed", commission: null });
    expect(deal.relatedParty).toBe(true);
    const event = await db.prisma.outboxJob.findFirstOrThrow({
      where: { name: "transfer.deal.completed", payload: { path: ["dealId"], equals: deal.id } },
    });
    expect((event.payload as { relatedParty: boolean }).relatedParty).toBe(true);
    expect((event.payload as { broker: unknown }).broker).not.toBeNull();
    await expect(
      refusal(
        declareRelation({
          db: db.prisma,
          actor: world.stranger,
          fromOrganisationId: group.id,
          toOrganisationId: world.enterprise.id,
          kind: "same_legal_representative",
        }),
      ),
    ).resolves.toMatchObject({ code: "forbidden" });
  }, 60_000);

  it("offers expire by the scheduler only once due; an offer held by a deal cannot be edited", async () => {
    const now = new Date();
    const soon = await createPublishedOffer({
      db: db.prisma,
      world,
      input: { expiresAt: new Date(now.getTime() + 60_000) },
      now,
    });
    expect(await expireDueOffers({ db: db.prisma, now })).toBe(0);
    expect(await expireDueOffers({ db: db.prisma, now: new Date(now.getTime() + 120_000) })).toBeGreaterThanOrEqual(1);
    expect((await db.prisma.transferOffer.findUniqueOrThrow({ where: { id: soon.id } })).status).toBe("expired");
    const { offer } = await createDealInState({ db: db.prisma, world, state: "terms_agreed" });
    const r = await refusal(
      updateOffer({ db: db.prisma, actor: world.seller, offerId: offer.id, input: offerInput() }),
    );
    expect(r.key).toBe("errors.transfer.notEditable");
  }, 60_000);

  it("the completed event's payload is what the job definition accepts", async () => {
    const { deal } = await createDealInState({
      db: db.prisma,
      world,
      state: "completed",
      commission: { payer: "buyer", fixedFen: 1_000_001n },
    });
    const event = await db.prisma.outboxJob.findFirstOrThrow({
      where: { name: "transfer.deal.completed", payload: { path: ["dealId"], equals: deal.id } },
    });
    expect(transferDealCompleted.payload.safeParse(event.payload).success).toBe(true);
    const p = event.payload as Record<string, string>;
    // Buyer-paid fixed commission: funded on top of the price, the seller gets price − fee.
    expect(BigInt(p.commissionFen!)).toBe(1_000_001n);
    expect(BigInt(p.paidToTransferorFen!) + BigInt(p.platformFeeFen!)).toBe(deal.priceFen);
    expect(BigInt(p.amountPaidFen!)).toBe(deal.priceFen! + 1_000_001n);
  }, 60_000);

  it("a status column cannot be changed outside the process", async () => {
    const { deal } = await createDealInState({ db: db.prisma, world, state: "inquiry" });
    await expect(
      db.prisma.transferDeal.update({ where: { id: deal.id }, data: { status: "completed" } }),
    ).rejects.toThrow();
  });
});
