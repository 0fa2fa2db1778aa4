import type { Tx } from "../db/client.ts";
import { enqueue } from "../jobs/outbox.ts";

/**
 * The events a challenge notifies people of. One outbox job per event, `challenge.notify`, with
 * the recipients' user ids; its processor (workers/) renders the mail in each user's locale from
 * the translation key `notifications.challenge.<event>`.
 */
export type ChallengeEvent =
  | "returned"
  | "approved"
  | "withdrawn"
  | "cancelled"
  | "failed"
  | "question_asked"
  | "question_answered"
  | "public_notice_started"
  | "objection_filed"
  | "objection_answered"
  | "result"
  | "contract_confirmed"
  | "contracted"
  | "milestone_delivered"
  | "milestone_accepted"
  | "milestone_revision"
  | "dispute_raised"
  | "dispute_decided";

export async function notify(
  tx: Tx,
  event: ChallengeEvent,
  payload: {
    challengeId: string;
    userIds: string[];
    reason?: string;
    [key: string]: string | number | string[] | undefined;
  },
): Promise<void> {
  const userIds = [...new Set(payload.userIds)];
  if (userIds.length === 0) return;
  const clean = Object.fromEntries(
    Object.entries({ ...payload, userIds, event }).filter(([, v]) => v !== undefined),
  ) as Record<string, string | number | string[]>;
  await enqueue(tx, "challenge.notify", clean);
}

/** The leads of the current round's bids that are still in the running (or all of them). */
export async function bidderIds(
  tx: Tx,
  challenge: { id: string; round: number },
  statuses: ("submitted" | "won" | "lost")[] = ["submitted"],
): Promise<string[]> {
  const bids = await tx.bid.findMany({
    where: { challengeId: challenge.id, round: challenge.round, status: { in: statuses } },
    select: { leadUserId: true },
  });
  return bids.map((b) => b.leadUserId);
}

/** The seeking enterprise's members (who receive the seeker's notifications). */
export async function seekerIds(tx: Tx, organisationId: string): Promise<string[]> {
  const members = await tx.membership.findMany({ where: { organisationId }, select: { userId: true } });
  return members.map((m) => m.userId);
}
