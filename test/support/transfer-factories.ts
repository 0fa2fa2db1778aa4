/**
 * Transfer-market factories for tests and (phase 2) the demo seed. They drive the real verbs with
 * a controlled clock, so a deal in any state has the thread, signatures, registration number,
 * ledger entries and audit events that state implies.
 */
import type { TransferDeal, TransferDealStatus, TransferOffer } from "#db/generated/client/client.ts";
import type { Actor } from "#domain/access/permissions.ts";
import type { Db } from "#domain/db/client.ts";
import { deposit } from "#domain/ledger/deposits.ts";
import {
  answerIntroduction,
  proposeCommission,
  signCommission,
  introduce,
  upsertBrokerProfile,
} from "#domain/transfer/brokers.ts";
import { reviewBrokerProfile } from "#domain/identity/confirmations.ts";
import { agreeTerms, cancelDeal, inquire, postMessage, recordRegistration, signDeal } from "#domain/transfer/deals.ts";
import {
  confirmInstalment,
  deliverInstalment,
  fundInstalment,
  raiseDealDispute,
} from "#domain/transfer/instalments.ts";
import { createOffer, publishOffer, type OfferInput } from "#domain/transfer/offers.ts";
import { actorOf, createOrganisation, createUser, createZone } from "./factories.ts";

const DAY = 24 * 60 * 60 * 1000;
const FAST_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VlZHNlZWRzZWVk$Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1oYXNo";

export interface TransferWorld {
  zoneId: string;
  university: { id: string };
  enterprise: { id: string };
  /** A manager (owner) of the university: lists offers and signs for the seller. */
  seller: Actor;
  /** A plain member of the university: lists offers, may not sign. */
  sellerMember: Actor;
  /** An owner of the enterprise: inquires, signs, funds, confirms. */
  buyer: Actor;
  /** A plain member of the enterprise: may inquire and write, not sign or pay. */
  buyerMember: Actor;
  /** A broker with a profile in the zone, working for a service agency. */
  broker: Actor;
  agency: { id: string };
  officer: Actor;
  otherOfficer: Actor;
  stranger: Actor;
  finance: Actor;
}

export async function createTransferWorld(options: {
  db: Db;
  zoneId?: string;
  passwordHash?: string;
}): Promise<TransferWorld> {
  const { db } = options;
  const passwordHash = options.passwordHash ?? FAST_HASH;
  const zoneId = options.zoneId ?? (await createZone({ db })).id;
  const university = await createOrganisation({ db, type: "university", zoneId });
  const enterprise = await createOrganisation({ db, type: "enterprise", zoneId });
  const agency = await createOrganisation({ db, type: "service_provider", zoneId });
  const admin =
    (await db.organisation.findFirst({ where: { zoneId, type: "zone_administration" } })) ??
    (await createOrganisation({ db, type: "zone_administration", zoneId }));
  const otherAdmin = await createOrganisation({ db, type: "zone_administration" });
  const user = async (o: Parameters<typeof createUser>[0]) =>
    actorOf({ db, userId: (await createUser({ ...o, passwordHash })).id });
  const seller = await user({ db, memberships: [{ organisationId: university.id, role: "owner" }] });
  const sellerMember = await user({ db, memberships: [{ organisationId: university.id, role: "member" }] });
  const buyer = await user({ db, memberships: [{ organisationId: enterprise.id, role: "owner" }] });
  const buyerMember = await user({ db, memberships: [{ organisationId: enterprise.id, role: "member" }] });
  const broker = await user({ db, roles: ["broker"], memberships: [{ organisationId: agency.id, role: "member" }] });
  await upsertBrokerProfile({
    db,
    actor: broker,
    input: {
      credentialNumber: `JSJJ-53-2026-${broker.userId.slice(-6).toUpperCase()}`,
      level: "intermediate",
      fields: ["新材料", "锂电池"],
      zoneId,
      agencyOrganisationId: agency.id,
    },
  });
  const officer = await user({ db, memberships: [{ organisationId: admin.id, role: "member" }] });
  // The zone's officer checks the broker's credential, as every broker's must be (ADR 0022).
  await reviewBrokerProfile({ db, actor: officer, brokerUserId: broker.userId, decision: "confirm" });
  const otherOfficer = await user({ db, memberships: [{ organisationId: otherAdmin.id, role: "member" }] });
  const stranger = await user({ db });
  const finance = await user({ db, roles: ["finance"] });
  return {
    zoneId,
    university,
    enterprise,
    seller,
    sellerMember,
    buyer,
    buyerMember,
    broker,
    agency,
    officer,
    otherOfficer,
    stranger,
    finance,
  };
}

let counter = 0;
const TITLES = [
  "高镍三元正极材料表面包覆技术",
  "三七总皂苷膜分离纯化工艺",
  "高原特色作物病害图像识别系统",
  "稀土永磁材料晶界扩散技术",
  "铝合金半固态压铸工艺",
];

/** A valid offer: an invention patent and know-how, transfer or licence, listed at 1,000,000 元. */
export function offerInput(overrides: Partial<OfferInput> = {}): OfferInput {
  counter += 1;
  return {
    title: `${TITLES[counter % TITLES.length]}（${counter}）`,
    summary: "已完成中试，具备产业化条件。可提供技术资料与现场指导。",
    trl: 6,
    industry: "new_materials",
    fieldTags: ["新材料", "锂电池"],
    dealModes: ["transfer", "licence"],
    licenceKinds: ["exclusive", "ordinary"],
    pricing: "listed",
    priceFen: 100_000_000n,
    visibility: "public",
    expiresAt: null,
    rights: [
      { kind: "invention_patent", number: `ZL2023105${String(counter).padStart(5, "0")}.X`, legalStatus: "granted" },
      { kind: "know_how", number: "", legalStatus: "not_applicable" },
    ],
    ...overrides,
  };
}

export async function createPublishedOffer(options: {
  db: Db;
  world: TransferWorld;
  input?: Partial<OfferInput>;
  now?: Date;
}): Promise<TransferOffer> {
  const offer = await createOffer({
    db: options.db,
    actor: options.world.seller,
    organisationId: options.world.university.id,
    input: offerInput(options.input),
  });
  return publishOffer({ db: options.db, actor: options.world.seller, offerId: offer.id, now: options.now });
}

/** Terms of two instalments summing to `price` (60 % / 40 %), due in 30 and 90 days. */
export function termsFor(price: bigint, now: Date) {
  const first = (price * 6n) / 10n;
  return {
    priceFen: price,
    terms: "专利权全部转让，让与方提供技术资料与三次现场指导。",
    instalments: [
      { amountFen: first, dueDate: new Date(now.getTime() + 30 * DAY), deliverable: "专利权转移登记、技术资料" },
      { amountFen: price - first, dueDate: new Date(now.getTime() + 90 * DAY), deliverable: "现场指导与验收" },
    ],
  };
}

/** States createDealInState can produce, in process order. */
export const DEAL_STATES: readonly TransferDealStatus[] = [
  "inquiry",
  "negotiating",
  "terms_agreed",
  "signed",
  "registered",
  "in_progress",
  "completed",
  "disputed",
  "cancelled",
];

export interface DrivenDeal {
  offer: TransferOffer;
  deal: TransferDeal;
}

/**
 * Drives a deal to `state` through the verbs: a broker introduces the buyer, the buyer inquires,
 * the broker answers, terms are agreed with a 5 % seller-paid commission, both sign, the
 * registration number is recorded, the buyer funds (its wallet topped up), delivers, confirms.
 */
export async function createDealInState(options: {
  db: Db;
  world: TransferWorld;
  state: TransferDealStatus;
  price?: bigint;
  commission?: { payer: "buyer" | "seller"; rateBasisPoints?: number; fixedFen?: bigint } | null;
  offerInput?: Partial<OfferInput>;
  mode?: "transfer" | "licence";
  licenceKind?: "exclusive" | "sole" | "ordinary";
  now?: Date;
}): Promise<DrivenDeal> {
  const { db, world, state } = options;
  const now = options.now ?? new Date();
  const price = options.price ?? 100_000_000n;
  const offer = await createPublishedOffer({ db, world, input: { priceFen: price, ...options.offerInput }, now });
  const order = DEAL_STATES.indexOf(state === "disputed" || state === "cancelled" ? "in_progress" : state);
  const reached = (s: TransferDealStatus) => DEAL_STATES.indexOf(s) <= order;
  const introduction = await introduce({
    db,
    actor: world.broker,
    offerId: offer.id,
    buyerOrganisationId: world.enterprise.id,
  });
  await answerIntroduction({ db, actor: world.buyer, introductionId: introduction.id, accept: true });
  let deal = await inquire({
    db,
    actor: world.buyer,
    offerId: offer.id,
    buyerOrganisationId: world.enterprise.id,
    mode: options.mode ?? "transfer",
    licenceKind: options.licenceKind ?? null,
    message: "我司希望了解该技术的产业化条件与转让价格。",
  });
  const done = async () => ({
    offer: await db.transferOffer.findUniqueOrThrow({ where: { id: offer.id } }),
    deal: await db.transferDeal.findUniqueOrThrow({ where: { id: deal.id } }),
  });
  if (state === "cancelled") {
    await cancelDeal({ db, actor: world.buyer, dealId: deal.id, reason: "内部立项未通过。", now });
    return done();
  }
  if (!reached("negotiating")) return done();
  await postMessage({ db, actor: world.broker, dealId: deal.id, body: "已转达让与方，建议分两期付款。", now });
  if (!reached("terms_agreed")) return done();
  const commission =
    options.commission === undefined ? { payer: "seller" as const, rateBasisPoints: 500 } : options.commission;
  if (commission) {
    const c = await proposeCommission({ db, actor: world.broker, dealId: deal.id, ...commission, now });
    await signCommission({
      db,
      actor: commission.payer === "seller" ? world.seller : world.buyer,
      commissionId: c.id,
      now,
    });
  }
  deal = await agreeTerms({ db, actor: world.seller, dealId: deal.id, input: termsFor(price, now), now });
  if (!reached("signed")) return done();
  await signDeal({ db, actor: world.buyer, dealId: deal.id, side: "buyer", termsVersion: deal.termsVersion, now });
  await signDeal({ db, actor: world.seller, dealId: deal.id, side: "seller", termsVersion: deal.termsVersion, now });
  if (!reached("registered")) return done();
  await recordRegistration({
    db,
    actor: world.seller,
    dealId: deal.id,
    registrationNumber: registrationNumberFor(now),
    registrationDate: now,
    now,
  });
  if (!reached("in_progress")) return done();
  await deposit({
    db,
    actorId: world.finance.userId,
    orgId: world.enterprise.id,
    amount: price * 2n,
    bankReference: `BANK-${deal.id}`,
  });
  await fundInstalment({ db, actor: world.buyer, dealId: deal.id, index: 1, now });
  if (state === "disputed") {
    await raiseDealDispute({ db, actor: world.buyer, dealId: deal.id, index: 1, reason: "交付资料不完整。", now });
    return done();
  }
  if (!reached("completed")) return done();
  await fundInstalment({ db, actor: world.buyer, dealId: deal.id, index: 2, now });
  for (const index of [1, 2]) {
    await deliverInstalment({ db, actor: world.seller, dealId: deal.id, index, note: "已交付。", now });
    await confirmInstalment({ db, actor: world.buyer, dealId: deal.id, index, now });
  }
  return done();
}

let serial = 0;
/** A valid 技术合同登记号 of the registration date's year (Kunming: 530100, point 01). */
export function registrationNumberFor(date: Date): string {
  serial += 1;
  return `${date.getUTCFullYear()}5301010${String(serial + Math.floor(Math.random() * 9e5)).padStart(7, "0")}`;
}
