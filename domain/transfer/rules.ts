import type { OrganisationRelationKind } from "#db/generated/client/enums.ts";
import { AppError } from "../errors.ts";
import { allocate, allocateByBasisPoints } from "../money/money.ts";
import { MAX_INSTALMENTS, RELATED_SHAREHOLDING_BP, TRANSFER_ERRORS } from "./constants.ts";

/**
 * Pure rules of the transfer market (no database): the payment schedule, the payout split, the
 * technology-contract registration number and the related-party decision. ADR 0012 explains each.
 */

export interface InstalmentTerms {
  amountFen: bigint;
  dueDate: Date;
  deliverable: string;
}

/**
 * Checks an agreed payment schedule: 1–24 instalments, each > 0 fen with a deliverable, due dates
 * not in the past and not decreasing, and the amounts summing to the price exactly. Throws a
 * bad_request AppError naming the field (instalments.{i}.amount, …).
 */
export function validateInstalments(priceFen: bigint, instalments: readonly InstalmentTerms[], now: Date): void {
  if (priceFen <= 0n) throw fieldError(TRANSFER_ERRORS.priceRequired, "price");
  if (instalments.length === 0) throw fieldError(TRANSFER_ERRORS.instalmentsRequired, "instalments");
  if (instalments.length > MAX_INSTALMENTS)
    throw fieldError(TRANSFER_ERRORS.tooManyInstalments, "instalments", { max: MAX_INSTALMENTS });
  const today = startOfDay(now);
  let sum = 0n;
  let previous: Date | null = null;
  instalments.forEach((m, i) => {
    if (typeof m.amountFen !== "bigint" || m.amountFen <= 0n)
      throw fieldError(TRANSFER_ERRORS.instalmentAmount, `instalments.${i}.amount`, { index: i + 1 });
    if (!m.deliverable.trim())
      throw fieldError(TRANSFER_ERRORS.deliverableRequired, `instalments.${i}.deliverable`, { index: i + 1 });
    if (!(m.dueDate instanceof Date) || Number.isNaN(m.dueDate.getTime()) || m.dueDate < today)
      throw fieldError(TRANSFER_ERRORS.instalmentDueDate, `instalments.${i}.dueDate`, { index: i + 1 });
    if (previous && m.dueDate < previous)
      throw fieldError(TRANSFER_ERRORS.instalmentOrder, `instalments.${i}.dueDate`, { index: i + 1 });
    previous = m.dueDate;
    sum += m.amountFen;
  });
  if (sum !== priceFen)
    throw fieldError(TRANSFER_ERRORS.instalmentSum, "instalments", {
      sum: sum.toString(),
      price: priceFen.toString(),
    });
}

function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function fieldError(key: string, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, fieldErrors: { [field]: key } });
}

/** A broker's commission on a deal: a rate of each instalment, or a fixed amount spread over them. */
export type CommissionTerms = { basisPoints: number } | { fixedFen: bigint };

/**
 * The commission of each instalment, fixed when both parties sign. A rate applies to each
 * instalment (largest remainder, as releaseEscrow splits); a fixed amount is spread over the instalments in proportion to
 * their amounts by largest remainder, so the parts sum to it exactly.
 */
export function commissionPerInstalment(amounts: readonly bigint[], terms: CommissionTerms | null): bigint[] {
  if (!terms) return amounts.map(() => 0n);
  if ("basisPoints" in terms) {
    if (!Number.isInteger(terms.basisPoints) || terms.basisPoints < 0 || terms.basisPoints > 10_000)
      throw new AppError("bad_request", TRANSFER_ERRORS.commissionAmount);
    return amounts.map((a) => allocateByBasisPoints(a, [terms.basisPoints])[0]!);
  }
  const total = amounts.reduce((s, a) => s + a, 0n);
  if (terms.fixedFen <= 0n || terms.fixedFen > total)
    throw new AppError("bad_request", TRANSFER_ERRORS.commissionTooHigh);
  return allocate(terms.fixedFen, amounts);
}

export interface InstalmentSplit {
  fee: bigint;
  commission: bigint;
  seller: bigint;
}

/**
 * How one instalment's escrow is paid out: the platform fee (basis points of the instalment's
 * price, largest remainder as in releaseEscrow), the broker's commission, the rest to the seller.
 * When the buyer pays the commission it was funded on top of the price, so the seller's part is
 * the price minus the fee; when the seller pays, it comes out of the seller's part. The three
 * parts always sum to what the escrow holds.
 */
export function splitInstalment(options: {
  amountFen: bigint;
  feeBasisPoints: number;
  commissionFen: bigint;
  commissionPayer: "buyer" | "seller" | null;
}): InstalmentSplit {
  const [fee] = allocateByBasisPoints(options.amountFen, [options.feeBasisPoints]) as [bigint, bigint];
  const commission = options.commissionPayer ? options.commissionFen : 0n;
  const seller = options.amountFen - fee - (options.commissionPayer === "seller" ? commission : 0n);
  if (seller < 0n || commission < 0n) throw new AppError("bad_request", TRANSFER_ERRORS.commissionTooHigh);
  return { fee, commission, seller };
}

/** What the buyer puts into an instalment's escrow: the price, plus the commission when the buyer pays it. */
export function instalmentFunding(amountFen: bigint, commissionFen: bigint, payer: "buyer" | "seller" | null): bigint {
  return amountFen + (payer === "buyer" ? commissionFen : 0n);
}

/**
 * Arbitration: `releaseFen` of the instalment's price goes to the seller side (fee and commission
 * taken pro rata to what is released), the rest of the escrow back to the buyer.
 */
export function splitArbitration(options: {
  amountFen: bigint;
  heldFen: bigint;
  releaseFen: bigint;
  feeBasisPoints: number;
  commissionFen: bigint;
  commissionPayer: "buyer" | "seller" | null;
}): InstalmentSplit & { refund: bigint } {
  const { amountFen, heldFen, releaseFen } = options;
  if (releaseFen < 0n || releaseFen > amountFen) throw new AppError("bad_request", TRANSFER_ERRORS.releaseAmount);
  if (releaseFen === 0n) return { fee: 0n, commission: 0n, seller: 0n, refund: heldFen };
  const commission =
    releaseFen === amountFen
      ? options.commissionFen
      : (allocate(options.commissionFen, [releaseFen, amountFen - releaseFen])[0] ?? 0n);
  const split = splitInstalment({
    amountFen: releaseFen,
    feeBasisPoints: options.feeBasisPoints,
    commissionFen: commission,
    commissionPayer: options.commissionPayer,
  });
  const paid = split.fee + split.seller + split.commission;
  return { ...split, refund: heldFen - paid };
}

// ---------------------------------------------------------------------------------------------
// 技术合同登记号

/** Province codes of GB/T 2260 (the first two digits of an administrative division code). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82,
]);

/**
 * Normalises and checks a technology-contract registration number (技术合同登记编号) against the
 * registration date. Accepted (ADR 0012): digits only once spaces and hyphens are removed, either
 * the 14-digit form of the Ministry's model contracts (YY + province 2 + city 2 + registration
 * point 2 + serial 6) or the current form with a four-digit year (YYYY + 6-digit division code or
 * province/city/point + a 6–8 digit serial: 16–18 digits). The year must be the registration
 * date's year and the province a GB/T 2260 province. Returns the normalised number.
 */
export function normaliseRegistrationNumber(input: string, registrationDate: Date): string {
  const raw = String(input ?? "").replace(/[\s-]/g, "");
  const fail = (key: string = TRANSFER_ERRORS.registrationNumber) =>
    new AppError("bad_request", key, { fieldErrors: { registrationNumber: key } });
  if (!/^\d{14}$|^\d{16,18}$/.test(raw)) throw fail();
  const year = registrationDate.getUTCFullYear();
  const fourDigit = raw.length >= 16;
  const printedYear = fourDigit ? Number(raw.slice(0, 4)) : Number(raw.slice(0, 2));
  const province = Number(raw.slice(fourDigit ? 4 : 2, fourDigit ? 6 : 4));
  if (!PROVINCES.has(province)) throw fail();
  if (fourDigit ? printedYear !== year : printedYear !== year % 100) throw fail(TRANSFER_ERRORS.registrationYear);
  if (/^0+$/.test(raw.slice(fourDigit ? 10 : 8))) throw fail();
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Related parties

export interface RelationEdge {
  fromOrganisationId: string;
  toOrganisationId: string;
  kind: OrganisationRelationKind;
  sharePercentBp: number | null;
}

export interface RelatedDecision {
  related: boolean;
  /** The relations that connect the two, in order from a to b (empty when not related). */
  path: RelationEdge[];
}

/** Whether a relation by itself makes its two organisations related. */
export function isRelating(edge: RelationEdge): boolean {
  if (edge.kind === "shareholding") return (edge.sharePercentBp ?? 0) >= RELATED_SHAREHOLDING_BP;
  return true;
}

/**
 * Decides whether organisations a and b are related parties (ADR 0012). Direct relations of
 * every kind count (shareholding from 25 %). Control is followed transitively: parent/subsidiary
 * links and shareholdings of more than 50 % form groups, and two members of one group (siblings,
 * a grandparent and its grandchild) are related. A same-legal-representative or minority link
 * counts only between the two organisations it names. Relations are undirected for the decision.
 */
export function decideRelated(a: string, b: string, edges: readonly RelationEdge[]): RelatedDecision {
  if (a === b) return { related: true, path: [] };
  const relating = edges.filter(isRelating);
  const direct = relating.find(
    (e) =>
      (e.fromOrganisationId === a && e.toOrganisationId === b) ||
      (e.fromOrganisationId === b && e.toOrganisationId === a),
  );
  if (direct) return { related: true, path: [direct] };
  const control = relating.filter(
    (e) => e.kind === "parent" || (e.kind === "shareholding" && (e.sharePercentBp ?? 0) > 5000),
  );
  // Breadth-first search over control links, undirected.
  const previous = new Map<string, RelationEdge | null>([[a, null]]);
  const queue = [a];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const e of control) {
      const next =
        e.fromOrganisationId === node ? e.toOrganisationId : e.toOrganisationId === node ? e.fromOrganisationId : null;
      if (!next || previous.has(next)) continue;
      previous.set(next, e);
      if (next === b) {
        const path: RelationEdge[] = [];
        let at = b;
        while (at !== a) {
          const edge = previous.get(at)!;
          path.unshift(edge);
          at = edge.fromOrganisationId === at ? edge.toOrganisationId : edge.fromOrganisationId;
        }
        return { related: true, path };
      }
      queue.push(next);
    }
  }
  return { related: false, path: [] };
}

// ---------------------------------------------------------------------------------------------
// Contact details: offers and messages never carry them (contact only through the platform).

const CONTACT_PATTERNS = [
  /1[3-9]\d{9}/, // mobile numbers
  /0\d{2,3}-?\d{7,8}/, // landlines
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, // e-mail
  /(微信|wechat|vx|QQ)\s*[:：]?\s*[A-Za-z0-9_-]{5,}/i,
];

/** Whether a public text looks like it carries a phone number, e-mail or messenger id. */
export function hasContactDetails(text: string): boolean {
  return CONTACT_PATTERNS.some((p) => p.test(text));
}
