import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFER_STATUSES, DEAL_STATUSES } from "#domain/transfer/constants.ts";
import { seedDemo } from "../../prisma/seed.ts";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";

// The demo seed's 成果转化 data: offers in every mode and state, deals in every state, the broker.
describe("demo seed: technology transfer", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo({ db: t.prisma });
  }, 240_000);
  afterAll(async () => t?.close());

  it("has offers in every state and every mode, deals in every state", async () => {
    const offers = await t.prisma.transferOffer.findMany({
      select: { status: true, dealModes: true, licenceKinds: true },
    });
    expect(new Set(offers.map((o) => o.status))).toEqual(new Set(OFFER_STATUSES));
    expect(new Set(offers.flatMap((o) => o.dealModes))).toEqual(
      new Set(["transfer", "licence", "equity", "joint_development"]),
    );
    expect(new Set(offers.flatMap((o) => o.licenceKinds))).toEqual(new Set(["exclusive", "sole", "ordinary"]));
    const deals = await t.prisma.transferDeal.findMany({ select: { status: true, relatedParty: true } });
    expect(new Set(deals.map((d) => d.status))).toEqual(new Set(DEAL_STATUSES));
    expect(deals.filter((d) => d.relatedParty)).toHaveLength(1);
  });

  it("gives jingjiren@ a broker profile, introductions and a paid commission", async () => {
    const broker = await t.prisma.user.findUniqueOrThrow({
      where: { email: "jingjiren@demo.jiebang.cn" },
      include: { brokerProfile: true },
    });
    expect(broker.brokerProfile?.credentialNumber).toBe("JSJJ-53-2026-00118");
    expect(await t.prisma.brokerIntroduction.count({ where: { brokerUserId: broker.id } })).toBeGreaterThan(5);
    const paid = await t.prisma.transferInstalment.aggregate({
      where: { deal: { brokerUserId: broker.id }, status: "confirmed" },
      _sum: { commissionFen: true },
    });
    expect(paid._sum.commissionFen ?? 0n).toBeGreaterThan(0n);
    expect(await t.prisma.organisationRelation.count()).toBe(1);
  });
});
