import type { Bid, Challenge } from "#db/generated/client/client.ts";
import { can, type Actor } from "../access/permissions.ts";
import type { DbOrTx, Tx } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { inLedgerTransaction } from "../ledger/sql.ts";
import type { Db } from "../db/client.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";

/** A member of the seeking enterprise (发榜方) who may post and manage its challenges. */
export function isSeeker(actor: Actor | null, challenge: Pick<Challenge, "organisationId">): boolean {
  return (
    !!actor &&
    can(actor, "post:challenge:own", { organisationId: challenge.organisationId }) &&
    memberOf(actor, challenge.organisationId)
  );
}

/** A manager of the seeking enterprise: signs (funds escrow) and accepts milestones (releases money). */
export function isSeekerManager(actor: Actor | null, challenge: Pick<Challenge, "organisationId">): boolean {
  return (
    !!actor &&
    can(actor, "fund:challenge:own", { organisationId: challenge.organisationId }) &&
    memberOf(actor, challenge.organisationId)
  );
}

/** An officer of the challenge's zone (or a platform admin, who holds approve:challenge:any). */
export function isZoneOfficer(actor: Actor | null, challenge: Pick<Challenge, "zoneId">): boolean {
  return !!actor && can(actor, "approve:challenge:zone", { zoneId: challenge.zoneId });
}

export function memberOf(actor: Actor, organisationId: string): boolean {
  return actor.memberships.some((m) => m.organisationId === organisationId);
}

/** The bid's lead, or a member of the lead's organisation: the solver side of a bid. */
export function isBidSide(actor: Actor | null, bid: Pick<Bid, "leadUserId" | "organisationId">): boolean {
  if (!actor) return false;
  return actor.userId === bid.leadUserId || (!!bid.organisationId && memberOf(actor, bid.organisationId));
}

/** The solver side of the challenge's winning bid. */
export async function isWinningSolver(
  tx: DbOrTx,
  actor: Actor | null,
  challenge: Pick<Challenge, "winnerBidId">,
): Promise<boolean> {
  if (!actor || !challenge.winnerBidId) return false;
  const bid = await tx.bid.findUnique({
    where: { id: challenge.winnerBidId },
    select: { leadUserId: true, organisationId: true },
  });
  return !!bid && isBidSide(actor, bid);
}

export async function isReviewer(tx: DbOrTx, actor: Actor | null, challengeId: string): Promise<boolean> {
  if (!actor || !can(actor, "review:bid:assigned")) return false;
  const row = await tx.challengeReviewer.findUnique({
    where: { challengeId_userId: { challengeId, userId: actor.userId } },
    select: { userId: true },
  });
  return !!row;
}

/** Locks the challenge row (every change to a challenge and its bids is serialised on it) and reads it. */
export async function lockChallenge(tx: Tx, challengeId: string): Promise<Challenge> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "Challenge" WHERE "id" = $1 FOR UPDATE`,
    String(challengeId),
  );
  if (rows.length === 0) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  return tx.challenge.findUniqueOrThrow({ where: { id: challengeId } });
}

/**
 * Runs `work` in one database transaction holding the challenge's row lock. Read committed plus
 * the lock is enough (the ledger functions lock their accounts); the whole of it is retried on a
 * deadlock, a serialization failure or a concurrent first use of an idempotency key.
 */
export function withChallenge<T>(
  db: Db,
  challengeId: string,
  work: (tx: Tx, challenge: Challenge) => Promise<T>,
): Promise<T> {
  return inLedgerTransaction(db, async (tx) => work(tx, await lockChallenge(tx, challengeId)));
}

export const PUBLIC = new Set<string>([
  "published",
  "bidding_closed",
  "under_review",
  "winner_proposed",
  "public_notice",
  "contracting",
  "contracted",
  "in_progress",
  "disputed",
  "accepted",
  "closed",
  "failed",
]);

/** Whether an invited-only challenge lists the actor (as a user or through an organisation). */
export async function isInvitee(tx: DbOrTx, actor: Actor | null, challengeId: string): Promise<boolean> {
  if (!actor) return false;
  const orgIds = actor.memberships.map((m) => m.organisationId);
  const row = await tx.challengeInvitee.findFirst({
    where: {
      challengeId,
      OR: [{ userId: actor.userId }, ...(orgIds.length ? [{ organisationId: { in: orgIds } }] : [])],
    },
    select: { id: true },
  });
  return !!row;
}

/**
 * Who may see a challenge at all: its enterprise and zone always; others once it is published —
 * everyone for a public one, the invitees and anyone who bid for an invited one. While a
 * withdrawal request (撤榜申请) waits for the zone the challenge is off the market, but those
 * who bid on it or review it keep sight of it, and so of their own bid.
 */
export async function canSeeChallenge(
  tx: DbOrTx,
  actor: Actor | null,
  challenge: Pick<Challenge, "id" | "status" | "visibility" | "organisationId" | "zoneId">,
): Promise<boolean> {
  if (isSeeker(actor, challenge) || isZoneOfficer(actor, challenge)) return true;
  if (challenge.status === "withdrawal_requested")
    return !!actor && ((await hasBid(tx, actor, challenge.id)) || (await isReviewer(tx, actor, challenge.id)));
  if (!PUBLIC.has(challenge.status)) return false;
  if (challenge.visibility === "public") return true;
  if (!actor) return false;
  if (await isInvitee(tx, actor, challenge.id)) return true;
  if (await isReviewer(tx, actor, challenge.id)) return true;
  return hasBid(tx, actor, challenge.id);
}

async function hasBid(tx: DbOrTx, actor: Actor, challengeId: string): Promise<boolean> {
  return (await tx.bid.count({ where: { challengeId, leadUserId: actor.userId } })) > 0;
}

export async function requireVisible(
  tx: DbOrTx,
  actor: Actor | null,
  challenge: Pick<Challenge, "id" | "status" | "visibility" | "organisationId" | "zoneId">,
): Promise<void> {
  if (!(await canSeeChallenge(tx, actor, challenge))) throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
}
