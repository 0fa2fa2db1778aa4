import type {
  ChallengeIndustry,
  Prisma,
  TransferDealMode,
  TransferDealStatus,
  TransferOfferStatus,
  TransferPricing,
} from "#db/generated/client/client.ts";
import type { Actor } from "../access/permissions.ts";
import type { DbOrTx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { canRunTransition, transitionsFrom } from "../process/machine.ts";
import { isDealBroker, isDealZoneOfficer, isOfferOwner, sideOf } from "./access.ts";
import { brokerTrackRecord } from "./brokers.ts";
import { DEAL_STATUSES, LISTED_OFFER_STATUSES, TRANSFER_ERRORS } from "./constants.ts";
import { dealMoney } from "./money.ts";
import { dealProcess } from "./process.ts";

/**
 * Read functions for the transfer pages. Public views never carry contact details or member
 * names beyond the organisation: contact goes through the platform (the deal thread).
 */

export interface OfferFilters {
  mode?: TransferDealMode;
  industry?: ChallengeIndustry;
  /** One field tag, exact. */
  field?: string;
  trlMin?: number;
  trlMax?: number;
  /** Price range in fen (negotiable offers are left out when a range is given). */
  priceMinFen?: bigint;
  priceMaxFen?: bigint;
  pricing?: TransferPricing;
  zoneId?: string;
  q?: string;
}

const publicOfferSelect = {
  id: true,
  title: true,
  summary: true,
  trl: true,
  industry: true,
  fieldTags: true,
  dealModes: true,
  licenceKinds: true,
  pricing: true,
  priceFen: true,
  status: true,
  publishedAt: true,
  expiresAt: true,
  zone: { select: { id: true, code: true, nameZh: true, nameEn: true } },
  ownerOrganisation: { select: { id: true, name: true, type: true } },
  rights: {
    select: { position: true, kind: true, number: true, title: true, legalStatus: true, expiresOn: true },
    orderBy: { position: "asc" as const },
  },
} as const satisfies Prisma.TransferOfferSelect;

export type PublicOffer = Prisma.TransferOfferGetPayload<{ select: typeof publicOfferSelect }>;

function offerWhere(filters: OfferFilters, signedIn: boolean): Prisma.TransferOfferWhereInput {
  const where: Prisma.TransferOfferWhereInput = {
    status: { in: [...LISTED_OFFER_STATUSES] },
    ...(signedIn ? {} : { visibility: "public" }),
  };
  if (filters.mode) where.dealModes = { has: filters.mode };
  if (filters.industry) where.industry = filters.industry;
  if (filters.field) where.fieldTags = { has: filters.field };
  if (filters.pricing) where.pricing = filters.pricing;
  if (filters.zoneId) where.zoneId = filters.zoneId;
  if (filters.trlMin || filters.trlMax)
    where.trl = {
      ...(filters.trlMin ? { gte: filters.trlMin } : {}),
      ...(filters.trlMax ? { lte: filters.trlMax } : {}),
    };
  if (filters.priceMinFen !== undefined || filters.priceMaxFen !== undefined)
    where.priceFen = {
      not: null,
      ...(filters.priceMinFen !== undefined ? { gte: filters.priceMinFen } : {}),
      ...(filters.priceMaxFen !== undefined ? { lte: filters.priceMaxFen } : {}),
    };
  if (filters.q?.trim())
    where.OR = [
      { title: { contains: filters.q.trim(), mode: "insensitive" } },
      { summary: { contains: filters.q.trim(), mode: "insensitive" } },
    ];
  return where;
}

/** The public list (/offers): offers on the market, newest first, paged. */
export async function listOffers(options: {
  db: DbOrTx;
  actor: Actor | null;
  filters?: OfferFilters;
  page?: number;
  pageSize?: number;
}): Promise<{ offers: PublicOffer[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 20, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const where = offerWhere(options.filters ?? {}, !!options.actor);
  const [offers, total] = await Promise.all([
    options.db.transferOffer.findMany({
      where,
      select: publicOfferSelect,
      orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    options.db.transferOffer.count({ where }),
  ]);
  return { offers, total, page, pageSize };
}

/**
 * The detail (/offers/<id>): the public offer, and for the signed-in viewer what they may do:
 * their open deal on it, whether they own it. Drafts and off-market offers only for the owner.
 */
export async function offerDetail(options: { db: DbOrTx; actor: Actor | null; offerId: string }) {
  const row = await options.db.transferOffer.findUnique({
    where: { id: options.offerId },
    select: {
      ...publicOfferSelect,
      visibility: true,
      ownerOrganisationId: true,
      attachments: true,
      statusReason: true,
    },
  });
  if (!row) throw new AppError("not_found", TRANSFER_ERRORS.offerNotFound);
  const owner = isOfferOwner(options.actor, row);
  const listed = (LISTED_OFFER_STATUSES as readonly string[]).includes(row.status);
  if (!owner && (!listed || (row.visibility !== "public" && !options.actor)))
    throw new AppError("not_found", TRANSFER_ERRORS.offerNotFound);
  const orgIds = options.actor?.memberships.map((m) => m.organisationId) ?? [];
  const myDeal = orgIds.length
    ? await options.db.transferDeal.findFirst({
        where: { offerId: row.id, buyerOrganisationId: { in: orgIds }, status: { notIn: ["completed", "cancelled"] } },
        select: { id: true, status: true },
      })
    : null;
  const auction =
    row.pricing === "auction" ? await options.db.transferAuction.findUnique({ where: { offerId: row.id } }) : null;
  return {
    offer: row,
    isOwner: owner,
    myDeal,
    auction,
    canInquire: !!options.actor && !owner && listed && row.pricing !== "auction" && !myDeal,
  };
}

/** The owner organisation's offers, every status (my offers page). */
export function myOffers(options: { db: DbOrTx; actor: Actor; status?: TransferOfferStatus }) {
  const orgIds = options.actor.memberships.map((m) => m.organisationId);
  return options.db.transferOffer.findMany({
    where: { ownerOrganisationId: { in: orgIds }, ...(options.status ? { status: options.status } : {}) },
    select: { ...publicOfferSelect, visibility: true, _count: { select: { deals: true } } },
    orderBy: { updatedAt: "desc" },
  });
}

const dealListSelect = {
  id: true,
  status: true,
  mode: true,
  licenceKind: true,
  priceFen: true,
  relatedParty: true,
  createdAt: true,
  updatedAt: true,
  buyerOrganisationId: true,
  sellerOrganisationId: true,
  brokerUserId: true,
  zoneId: true,
  offer: { select: { id: true, title: true } },
  buyerOrganisation: { select: { id: true, name: true } },
  sellerOrganisation: { select: { id: true, name: true } },
  broker: { select: { id: true, name: true } },
} as const satisfies Prisma.TransferDealSelect;

/** Deals the actor is on, as buyer, seller or broker (my deals page). */
export function myDeals(options: { db: DbOrTx; actor: Actor; status?: TransferDealStatus }) {
  const orgIds = options.actor.memberships.map((m) => m.organisationId);
  return options.db.transferDeal.findMany({
    where: {
      OR: [
        { buyerOrganisationId: { in: orgIds } },
        { sellerOrganisationId: { in: orgIds } },
        { brokerUserId: options.actor.userId },
      ],
      ...(options.status ? { status: options.status } : {}),
    },
    select: dealListSelect,
    orderBy: { updatedAt: "desc" },
  });
}

/**
 * One deal for one of its parties (or the zone): terms, instalments, thread, commission, the
 * money as the ledger has it, and the transitions the viewer may run now. Others get not_found.
 */
export async function dealDetail(options: { db: DbOrTx; actor: Actor; dealId: string }) {
  const deal = await options.db.transferDeal.findUnique({ where: { id: options.dealId } });
  if (!deal) throw new AppError("not_found", TRANSFER_ERRORS.dealNotFound);
  const side = sideOf(options.actor, deal);
  if (!side) throw new AppError("not_found", TRANSFER_ERRORS.dealNotFound);
  const [offer, buyer, seller, broker, instalments, messages, commissions, disputes, money] = await Promise.all([
    options.db.transferOffer.findUniqueOrThrow({ where: { id: deal.offerId }, select: publicOfferSelect }),
    options.db.organisation.findUniqueOrThrow({
      where: { id: deal.buyerOrganisationId },
      select: { id: true, name: true },
    }),
    options.db.organisation.findUniqueOrThrow({
      where: { id: deal.sellerOrganisationId },
      select: { id: true, name: true },
    }),
    deal.brokerUserId
      ? options.db.user.findUnique({
          where: { id: deal.brokerUserId },
          select: { id: true, name: true, brokerProfile: { select: { credentialNumber: true, level: true } } },
        })
      : Promise.resolve(null),
    options.db.transferInstalment.findMany({ where: { dealId: deal.id }, orderBy: { index: "asc" } }),
    options.db.transferMessage.findMany({
      where: { dealId: deal.id },
      orderBy: { createdAt: "asc" },
      select: { id: true, party: true, body: true, createdAt: true, author: { select: { id: true, name: true } } },
    }),
    options.db.commissionAgreement.findMany({
      where: { dealId: deal.id, framework: false },
      orderBy: { proposedAt: "asc" },
    }),
    options.db.transferDealDispute.findMany({ where: { dealId: deal.id }, orderBy: { createdAt: "asc" } }),
    dealMoney({ db: options.db, deal }),
  ]);
  const transitions: string[] = [];
  for (const t of transitionsFrom(dealProcess, deal.status)) {
    const inputs = t === "sign" ? [{ side: "buyer" }, { side: "seller" }] : [undefined];
    for (const input of inputs)
      if (
        await canRunTransition(dealProcess, {
          tx: options.db as never,
          entity: deal,
          transition: t,
          actor: options.actor,
          now: new Date(),
          input,
        })
      )
        transitions.push(input ? `${t}:${(input as { side: string }).side}` : t);
  }
  return {
    deal,
    side,
    offer,
    buyer,
    seller,
    broker,
    instalments,
    messages,
    commissions,
    disputes,
    money,
    transitions,
    isZone: isDealZoneOfficer(options.actor, deal),
  };
}

/** Deals awaiting the zone (disputed) in the actor's zones. */
export function zoneDisputes(options: { db: DbOrTx; zoneIds: string[] }) {
  return options.db.transferDeal.findMany({
    where: { zoneId: { in: options.zoneIds }, status: "disputed" },
    select: { ...dealListSelect, disputes: { where: { outcome: null } } },
    orderBy: { updatedAt: "asc" },
  });
}

/**
 * The broker dashboard: pipeline (deal count and value by stage), commission earned (paid) and
 * agreed (signed, not yet paid), introductions, the track record, and published offers in the
 * broker's fields not yet introduced to their clients (matching by field tag).
 */
export async function brokerDashboard(options: { db: DbOrTx; actor: Actor }) {
  const { db, actor } = options;
  const brokerUserId = actor.userId;
  const [profile, deals, introductions, record] = await Promise.all([
    db.brokerProfile.findUnique({ where: { userId: brokerUserId } }),
    db.transferDeal.findMany({ where: { brokerUserId }, select: dealListSelect, orderBy: { updatedAt: "desc" } }),
    db.brokerIntroduction.findMany({
      where: { brokerUserId },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: {
        id: true,
        createdAt: true,
        note: true,
        consent: true,
        offer: { select: { id: true, title: true, status: true } },
        buyerOrganisation: { select: { id: true, name: true } },
        deals: { select: { id: true, status: true } },
      },
    }),
    brokerTrackRecord(db, brokerUserId),
  ]);
  const pipeline = DEAL_STATUSES.map((status) => {
    const inStage = deals.filter((d) => d.status === status);
    return { status, count: inStage.length, valueFen: inStage.reduce((s, d) => s + (d.priceFen ?? 0n), 0n) };
  });
  const clientIds = [...new Set(introductions.map((i) => i.buyerOrganisation.id))];
  const matches =
    profile && profile.fields.length > 0
      ? await db.transferOffer.findMany({
          where: {
            status: "published",
            fieldTags: { hasSome: profile.fields },
            introductions: { none: { brokerUserId } },
          },
          select: {
            id: true,
            title: true,
            fieldTags: true,
            industry: true,
            ownerOrganisation: { select: { name: true } },
          },
          orderBy: { publishedAt: "desc" },
          take: 20,
        })
      : [];
  return {
    profile,
    pipeline,
    deals: deals.map((d) => ({ ...d, isBroker: isDealBroker(actor, d) })),
    introductions,
    clientIds,
    matches,
    commissionEarnedFen: record.commissionEarnedFen,
    record,
  };
}

/** A broker's public profile with the computed track record. */
export async function brokerProfile(options: { db: DbOrTx; userId: string }) {
  const profile = await options.db.brokerProfile.findUnique({
    where: { userId: options.userId },
    include: {
      user: { select: { id: true, name: true } },
      zone: { select: { code: true, nameZh: true, nameEn: true } },
      agencyOrganisation: { select: { id: true, name: true } },
    },
  });
  if (!profile) throw new AppError("not_found", TRANSFER_ERRORS.brokerProfileRequired);
  return { profile, record: await brokerTrackRecord(options.db, options.userId) };
}
