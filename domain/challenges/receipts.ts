import crypto from "node:crypto";
import type { Bid } from "#db/generated/client/client.ts";
import { canonicalJson } from "../ledger/submit.ts";

/**
 * Bid receipts (揭榜回执). On every submission or edit the bidder gets a commitment:
 *   sha256( canonical JSON of { v: 1, bidId, challengeId, content, serverTime, nonce } )
 * in hex, where `content` is the bid's canonical content (below) and `serverTime` the server's
 * clock at submission (ISO 8601, milliseconds, UTC). The random nonce makes the commitment reveal
 * nothing about a short bid; once the bid is disclosed, anyone holding the receipt (commitment,
 * server time, nonce) can recompute it: `verifyBidReceipt`. Canonical JSON sorts keys and writes
 * amounts as decimal strings of fen (domain/ledger/submit.ts canonicalJson).
 */

export const RECEIPT_VERSION = 1;

export interface BidContent {
  approach: string;
  price: string;
  members: unknown;
  teamOrganisations: string[];
  schedule: unknown;
  credentials: string;
}

export function bidContent(
  bid: Pick<Bid, "approach" | "price" | "members" | "teamOrganisations" | "schedule" | "credentials">,
): BidContent {
  return {
    approach: bid.approach,
    price: bid.price.toString(),
    members: bid.members,
    teamOrganisations: [...bid.teamOrganisations],
    schedule: bid.schedule,
    credentials: bid.credentials,
  };
}

export interface BidReceiptData {
  bidId: string;
  challengeId: string;
  commitment: string;
  serverTime: Date;
  nonce: string;
}

export function computeCommitment(input: {
  bidId: string;
  challengeId: string;
  content: BidContent;
  serverTime: Date;
  nonce: string;
}): string {
  const text = canonicalJson({
    v: RECEIPT_VERSION,
    bidId: input.bidId,
    challengeId: input.challengeId,
    content: input.content,
    serverTime: input.serverTime.toISOString(),
    nonce: input.nonce,
  });
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

export function newNonce(): string {
  return crypto.randomBytes(16).toString("hex");
}

/** Whether the disclosed bid content matches the receipt (constant-time comparison of the digests). */
export function verifyBidReceipt(options: { receipt: BidReceiptData; content: BidContent }): boolean {
  const { receipt } = options;
  if (!/^[0-9a-f]{64}$/.test(receipt.commitment)) return false;
  const expected = computeCommitment({ ...receipt, content: options.content });
  return crypto.timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(receipt.commitment, "hex"));
}
