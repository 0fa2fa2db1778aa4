import type {
  ChallengeIndustry,
  TransferDealMode,
  TransferLicenceKind,
  TransferOffer,
  TransferOfferVisibility,
  TransferPricing,
  TransferRightKind,
  TransferRightStatus,
} from "#db/generated/client/client.ts";
import { requirePermission, type Actor } from "../access/permissions.ts";
import type { Db, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { enqueue } from "../jobs/outbox.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import { MAX_INPUT_FEN } from "../money/money.ts";
import { isOfferOwner, memberOf, withOffer } from "./access.ts";
import {
  DEAL_MODES,
  INDUSTRIES,
  LICENCE_KINDS,
  MAX_FIELD_TAGS,
  MAX_RIGHTS,
  MAX_SUMMARY,
  MAX_TITLE,
  OFFER_VISIBILITIES,
  PRICINGS,
  RIGHT_KINDS,
  RIGHT_STATUSES,
  TRANSFER_ERRORS,
} from "./constants.ts";
import { transitionDeal, transitionOffer } from "./process.ts";
import { recordAudit } from "../audit/record.ts";
import { hasContactDetails } from "./rules.ts";

/** Offers (科技成果): create, edit, publish, withdraw, expire. Each verb is one DB transaction. */

export interface OfferRightInput {
  kind: TransferRightKind;
  /** Patent or registration number; may be empty for 技术秘密. */
  number: string;
  title?: string;
  legalStatus: TransferRightStatus;
  expiresOn?: Date | null;
}

export interface OfferInput {
  title: string;
  summary: string;
  trl: number;
  industry: ChallengeIndustry;
  fieldTags: string[];
  dealModes: TransferDealMode[];
  /** Required (non-empty) when dealModes has "licence". */
  licenceKinds: TransferLicenceKind[];
  pricing: TransferPricing;
  /** Listed price or the auction's reference price; null when negotiable. */
  priceFen: bigint | null;
  visibility?: TransferOfferVisibility;
  expiresAt?: Date | null;
  attachments?: { name: string; url: string }[];
  rights: OfferRightInput[];
}

function bad(key: string, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, fieldErrors: { [field]: key } });
}

/** Checks and normalises an offer's fields; throws a bad_request AppError naming the field. */
export function validateOfferInput(input: OfferInput): OfferInput {
  const title = String(input.title ?? "").trim();
  if (!title || title.length > MAX_TITLE) throw bad(TRANSFER_ERRORS.titleRequired, "title", { max: MAX_TITLE });
  const summary = String(input.summary ?? "").trim();
  if (!summary || summary.length > MAX_SUMMARY)
    throw bad(TRANSFER_ERRORS.summaryRequired, "summary", { max: MAX_SUMMARY });
  if (hasContactDetails(title) || hasContactDetails(summary)) throw bad(TRANSFER_ERRORS.contactInSummary, "summary");
  if (!Number.isInteger(input.trl) || input.trl < 1 || input.trl > 9) throw bad(TRANSFER_ERRORS.trlRange, "trl");
  if (!(INDUSTRIES as readonly string[]).includes(input.industry)) throw bad(TRANSFER_ERRORS.industry, "industry");
  const fieldTags = [...new Set((input.fieldTags ?? []).map((t) => String(t).trim()).filter(Boolean))]
    .slice(0, MAX_FIELD_TAGS)
    .map((t) => t.slice(0, 40));
  const dealModes = [...new Set(input.dealModes ?? [])].filter((m) => (DEAL_MODES as readonly string[]).includes(m));
  if (dealModes.length === 0) throw bad(TRANSFER_ERRORS.dealModesRequired, "dealModes");
  const licenceKinds = dealModes.includes("licence")
    ? [...new Set(input.licenceKinds ?? [])].filter((k) => (LICENCE_KINDS as readonly string[]).includes(k))
    : [];
  if (dealModes.includes("licence") && licenceKinds.length === 0)
    throw bad(TRANSFER_ERRORS.licenceKindsRequired, "licenceKinds");
  if (!(PRICINGS as readonly string[]).includes(input.pricing)) throw bad(TRANSFER_ERRORS.invalid, "pricing");
  let priceFen: bigint | null = null;
  if (input.pricing === "negotiable") {
    if (input.priceFen != null) throw bad(TRANSFER_ERRORS.priceNotAllowed, "price");
  } else {
    if (typeof input.priceFen !== "bigint" || input.priceFen <= 0n || input.priceFen > MAX_INPUT_FEN)
      throw bad(TRANSFER_ERRORS.priceRequired, "price");
    priceFen = input.priceFen;
  }
  const visibility = input.visibility ?? "public";
  if (!(OFFER_VISIBILITIES as readonly string[]).includes(visibility)) throw bad(TRANSFER_ERRORS.invalid, "visibility");
  const rights = input.rights ?? [];
  if (rights.length > MAX_RIGHTS) throw bad(TRANSFER_ERRORS.tooManyRights, "rights", { max: MAX_RIGHTS });
  const cleanRights = rights.map((r, i) => {
    if (!(RIGHT_KINDS as readonly string[]).includes(r.kind)) throw bad(TRANSFER_ERRORS.invalid, `rights.${i}.kind`);
    if (!(RIGHT_STATUSES as readonly string[]).includes(r.legalStatus))
      throw bad(TRANSFER_ERRORS.invalid, `rights.${i}.legalStatus`);
    const number = String(r.number ?? "")
      .trim()
      .toUpperCase()
      .slice(0, 60);
    if (!number && r.kind !== "know_how")
      throw bad(TRANSFER_ERRORS.rightNumberRequired, `rights.${i}.number`, { index: i + 1 });
    return {
      kind: r.kind,
      number,
      title: String(r.title ?? "")
        .trim()
        .slice(0, 200),
      legalStatus: r.kind === "know_how" ? ("not_applicable" as const) : r.legalStatus,
      expiresOn: r.expiresOn ?? null,
    };
  });
  const attachments = (input.attachments ?? [])
    .slice(0, 20)
    .map((a) => ({ name: String(a.name).slice(0, 200), url: String(a.url).slice(0, 500) }));
  return {
    title,
    summary,
    trl: input.trl,
    industry: input.industry,
    fieldTags,
    dealModes,
    licenceKinds,
    pricing: input.pricing,
    priceFen,
    visibility,
    expiresAt: input.expiresAt ?? null,
    attachments,
    rights: cleanRights,
  };
}

function offerData(input: OfferInput) {
  return {
    title: input.title,
    summary: input.summary,
    trl: input.trl,
    industry: input.industry,
    fieldTags: input.fieldTags,
    dealModes: input.dealModes,
    licenceKinds: input.licenceKinds,
    pricing: input.pricing,
    priceFen: input.priceFen,
    visibility: input.visibility ?? "public",
    expiresAt: input.expiresAt ?? null,
    attachments: input.attachments ?? [],
  };
}

async function writeRights(tx: Tx, offerId: string, rights: OfferRightInput[]) {
  await tx.transferOfferRight.deleteMany({ where: { offerId } });
  if (rights.length > 0)
    await tx.transferOfferRight.createMany({
      data: rights.map((r, i) => ({
        offerId,
        position: i + 1,
        kind: r.kind,
        number: r.number,
        title: r.title ?? "",
        legalStatus: r.legalStatus,
        expiresOn: r.expiresOn ?? null,
      })),
    });
}

export function syncOffer(tx: Tx, offerId: string) {
  return enqueue(tx, "search.sync", { index: "offers", id: offerId });
}

/** A member of a university, institute (publish:offer:own) lists a draft offer for its organisation. */
export async function createOffer(options: {
  db: Db;
  actor: Actor;
  organisationId: string;
  input: OfferInput;
}): Promise<TransferOffer> {
  const { db, actor, organisationId } = options;
  requirePermission(actor, "publish:offer:own", { organisationId });
  if (!memberOf(actor, organisationId)) throw new AppError("forbidden", "errors.forbidden");
  const input = validateOfferInput(options.input);
  return inLedgerTransaction(db, async (tx) => {
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { zoneId: true } });
    const offer = await tx.transferOffer.create({
      data: { ...offerData(input), zoneId: org.zoneId, ownerOrganisationId: organisationId, createdById: actor.userId },
    });
    await writeRights(tx, offer.id, input.rights);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "offer.create",
      entityType: "TransferOffer",
      entityId: offer.id,
      zoneId: org.zoneId,
      after: { title: offer.title },
    });
    return offer;
  });
}

/** Edits a draft or published offer (not once a deal holds it: under negotiation or later). */
export async function updateOffer(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  input: OfferInput;
}): Promise<TransferOffer> {
  const input = validateOfferInput(options.input);
  return withOffer(options.db, options.offerId, async (tx, offer) => {
    if (!isOfferOwner(options.actor, offer)) throw new AppError("forbidden", "errors.forbidden");
    if (offer.status !== "draft" && offer.status !== "published")
      throw new AppError("conflict", TRANSFER_ERRORS.notEditable);
    const updated = await tx.transferOffer.update({ where: { id: offer.id }, data: offerData(input) });
    await writeRights(tx, offer.id, input.rights);
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "offer.edit",
      entityType: "TransferOffer",
      entityId: offer.id,
      zoneId: offer.zoneId,
      after: { title: updated.title },
    });
    if (offer.status === "published") await syncOffer(tx, offer.id);
    return updated;
  });
}

export async function publishOffer(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  now?: Date;
}): Promise<TransferOffer> {
  const now = options.now ?? new Date();
  return withOffer(options.db, options.offerId, async (tx, offer) => {
    await transitionOffer({ tx, offer, transition: "publish", actor: options.actor, now });
    const updated = await tx.transferOffer.update({ where: { id: offer.id }, data: { publishedAt: now } });
    await syncOffer(tx, offer.id);
    return updated;
  });
}

export async function withdrawOffer(options: {
  db: Db;
  actor: Actor;
  offerId: string;
  reason: string;
  now?: Date;
}): Promise<TransferOffer> {
  const reason = String(options.reason ?? "")
    .trim()
    .slice(0, 1000);
  if (!reason) throw bad(TRANSFER_ERRORS.reasonRequired, "reason");
  const now = options.now ?? new Date();
  return withOffer(options.db, options.offerId, async (tx, offer) => {
    await transitionOffer({ tx, offer, transition: "withdraw", actor: options.actor, now, input: { reason } });
    const updated = await tx.transferOffer.update({ where: { id: offer.id }, data: { statusReason: reason } });
    // Open negotiations on the offer end with it.
    const open = await tx.transferDeal.findMany({
      where: { offerId: offer.id, status: { in: ["inquiry", "negotiating", "terms_agreed"] } },
    });
    for (const deal of open)
      await transitionDeal({
        tx,
        deal,
        transition: "cancel",
        actor: { system: "offer.withdraw" },
        now,
        input: { reason },
      });
    await syncOffer(tx, offer.id);
    return updated;
  });
}

/** Scheduler: published offers whose listing ended become expired. Returns how many. */
export async function expireDueOffers(options: { db: Db; now?: Date }): Promise<number> {
  const now = options.now ?? new Date();
  const due = await options.db.transferOffer.findMany({
    where: {
      status: "published",
      expiresAt: { lte: now },
      // An auction under way decides the offer's fate first (ADR 0019).
      OR: [{ auction: null }, { auction: { status: { notIn: ["scheduled", "open", "closed"] } } }],
    },
    select: { id: true },
    take: 500,
  });
  let n = 0;
  for (const { id } of due) {
    await withOffer(options.db, id, async (tx, offer) => {
      if (offer.status !== "published" || !offer.expiresAt || offer.expiresAt > now) return;
      await transitionOffer({ tx, offer, transition: "expire", actor: { system: "offer.expire" }, now });
      await syncOffer(tx, offer.id);
      n += 1;
    });
  }
  return n;
}
