import type { Actor } from "../access/permissions.ts";
import type { Bid, Challenge } from "#db/generated/client/client.ts";
import type { AttachmentOwnerPolicy } from "../attachments/owners.ts";
import { canSeeChallenge, isBidSide, isReviewer, isSeeker, isZoneOfficer } from "./access.ts";
import { recusals } from "./review.ts";

const EDITABLE = new Set(["draft", "returned"]);
/** The statuses in which bids are still sealed from the enterprise and zone (as in listBids). */
const SEALED = new Set(["draft", "submitted", "returned", "approved", "published", "withdrawal_requested"]);

/** A challenge's files: read by whoever may see the challenge, changed by its enterprise while it is a draft. */
export const challengeAttachments: AttachmentOwnerPolicy = {
  async find(tx, id) {
    const c = await tx.challenge.findUnique({ where: { id } });
    return c ? { zoneId: c.zoneId, record: c } : null;
  },
  async canRead(tx, actor, { record }) {
    return canSeeChallenge(tx, actor, record as Parameters<typeof canSeeChallenge>[2]);
  },
  async canChange(_tx, actor, { record }) {
    const c = record as { organisationId: string; status: string };
    return isSeeker(actor, c) && EDITABLE.has(c.status);
  },
};

/**
 * A bid's files are sealed like the bid: the bidder's side always; the enterprise and zone only
 * after the deadline once bidding is closed, reviewers once the review has started (unless
 * recused) — the rule of listBids. The lead changes them while the bid is editable.
 */
export const bidAttachments: AttachmentOwnerPolicy = {
  async find(tx, id) {
    const bid = await tx.bid.findUnique({ where: { id }, include: { challenge: true } });
    return bid ? { zoneId: bid.challenge.zoneId, record: bid } : null;
  },
  async canRead(tx, actor, { record }, now) {
    const bid = record as BidWithChallenge;
    if (isBidSide(actor, bid)) return true;
    if (!actor) return false;
    const c = bid.challenge;
    if (now < c.bidDeadline || SEALED.has(c.status) || bid.round !== c.round) return false;
    if (!["submitted", "won", "lost"].includes(bid.status)) return false;
    if (isSeeker(actor, c) || isZoneOfficer(actor, c)) return true;
    if (c.status === "bidding_closed" || c.status === "failed") return false;
    if (!(await isReviewer(tx, actor, c.id))) return false;
    return !(await recusals(tx, c)).has(actor.userId);
  },
  async canChange(_tx, actor: Actor | null, { record }, now) {
    const bid = record as BidWithChallenge;
    const c = bid.challenge;
    return (
      !!actor &&
      bid.leadUserId === actor.userId &&
      bid.status === "submitted" &&
      bid.round === c.round &&
      c.status === "published" &&
      now < c.bidDeadline
    );
  },
};

type BidWithChallenge = Bid & { challenge: Challenge };
