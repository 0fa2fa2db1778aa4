import type { Actor } from "#domain/access/permissions.ts";
import type { Db } from "#domain/db/client.ts";
import { reviewBrokerProfile } from "#domain/identity/confirmations.ts";
import { upsertBrokerProfile } from "#domain/transfer/brokers.ts";
import { createOffer, expireDueOffers, publishOffer, withdrawOffer } from "#domain/transfer/offers.ts";
import { declareRelation } from "#domain/transfer/relations.ts";
import { DEAL_STATES, createDealInState, offerInput, type TransferWorld } from "#tests/support/transfer-factories.ts";

const DAY = 86_400_000;

/**
 * 成果转化 demo data: 昆明理工大学 (gaoxiao@) lists offers in every mode and state; 昆明云岭智能装备
 * (shouyi@) buys through the broker 赵志强 (jingjiren@), with a deal in every state; 昆明春城数字农业
 * (fabang@) is a declared related party of the university, so its deal carries the flag.
 */
export async function seedTransfer(options: {
  db: Db;
  world: TransferWorld;
  relatedBuyer: { organisationId: string; actor: Actor };
  log?: { info(message: string): void };
}): Promise<void> {
  const { db, world } = options;
  const now = new Date();
  await upsertBrokerProfile({
    db,
    actor: world.broker,
    input: {
      credentialNumber: "JSJJ-53-2026-00118",
      level: "senior",
      fields: ["新材料", "锂电池", "生物医药", "数字农业"],
      zoneId: world.zoneId,
      agencyOrganisationId: null,
      bio: "从事高校科技成果转移转化八年，熟悉新材料与锂电池领域的专利许可与作价投资。",
    },
  });
  // A changed credential waits for the zone officer again; the demo broker's is checked (ADR 0022).
  await reviewBrokerProfile({ db, actor: world.officer, brokerUserId: world.broker.userId, decision: "confirm" });

  // Deals in every state (each on its own offer, introduced by the broker, 5 % commission paid by the seller).
  let price = 80_000_000n;
  for (const state of DEAL_STATES) {
    await createDealInState({ db, world, state, price, now });
    price += 12_000_000n;
  }
  // An exclusive licence completed: the offer becomes 已许可.
  await createDealInState({
    db,
    world,
    state: "completed",
    price: 60_000_000n,
    mode: "licence",
    licenceKind: "exclusive",
    now,
  });

  const list = async (input: Parameters<typeof offerInput>[0], publish = true) => {
    const offer = await createOffer({
      db,
      actor: world.seller,
      organisationId: world.university.id,
      input: offerInput(input),
    });
    return publish ? publishOffer({ db, actor: world.seller, offerId: offer.id, now }) : offer;
  };
  // Offers in every mode (licences of each kind, equity, joint development) and pricing.
  await list({
    title: "三七总皂苷膜分离纯化工艺（普通许可）",
    industry: "biomedicine",
    fieldTags: ["生物医药"],
    dealModes: ["licence"],
    licenceKinds: ["ordinary"],
    priceFen: 30_000_000n,
  });
  await list({
    title: "高原特色作物病害图像识别系统（排他许可）",
    industry: "digital_economy",
    fieldTags: ["数字农业", "人工智能"],
    dealModes: ["licence"],
    licenceKinds: ["sole"],
    pricing: "negotiable",
    priceFen: null,
    rights: [{ kind: "software_copyright", number: "2024SR0123456", legalStatus: "granted" }],
  });
  await list({
    title: "稀土永磁材料晶界扩散技术（作价投资）",
    dealModes: ["equity"],
    licenceKinds: [],
    priceFen: 500_000_000n,
    trl: 7,
  });
  await list({
    title: "固态电解质界面改性技术（合作开发）",
    dealModes: ["joint_development"],
    licenceKinds: [],
    pricing: "negotiable",
    priceFen: null,
    trl: 4,
  });
  // Offers in the remaining states: draft, withdrawn, expired.
  await list({ title: "铝合金半固态压铸工艺（草稿）", industry: "advanced_manufacturing" }, false);
  const withdrawn = await list({ title: "低温烧结银浆配方（已撤回）" });
  await withdrawOffer({ db, actor: world.seller, offerId: withdrawn.id, reason: "专利权属正在变更。", now });
  await list({ title: "锂电池回收湿法冶金工艺（已过期）", expiresAt: new Date(now.getTime() + DAY) });
  await expireDueOffers({ db, now: new Date(now.getTime() + 2 * DAY) });

  // One related-party declaration (昆明春城数字农业 and the university), then a deal between them: flagged.
  await declareRelation({
    db,
    actor: options.relatedBuyer.actor,
    fromOrganisationId: options.relatedBuyer.organisationId,
    toOrganisationId: world.university.id,
    kind: "same_legal_representative",
    note: "双方法定代表人为同一人（演示数据）。",
  });
  await createDealInState({
    db,
    world: { ...world, enterprise: { id: options.relatedBuyer.organisationId }, buyer: options.relatedBuyer.actor },
    state: "negotiating",
    price: 45_000_000n,
    offerInput: { title: "高原蓝莓保鲜冷链技术", industry: "food_consumer_goods", fieldTags: ["数字农业"] },
    now,
  });
  options.log?.info(`seeded ${DEAL_STATES.length + 2} technology deals and offers in every mode and state`);
}
