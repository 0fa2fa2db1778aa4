import { z } from "zod";
import { closeDueBidding, endDuePublicNotices } from "#domain/challenges/challenges.ts";
import { recordNotifications } from "#domain/notifications/notifications.ts";
import { defineJob } from "../jobs.ts";

/**
 * challenge.notify {event, challengeId, userIds, …}: written by domain/challenges/notify.ts in the
 * transaction of the change; recorded as in-app notifications, once per recipient however often
 * the job runs.
 */
export const challengeNotify = defineJob({
  name: "challenge.notify",
  payload: z
    .object({
      event: z.string().min(1).max(60),
      challengeId: z.string().min(1),
      userIds: z.array(z.string().min(1)).max(10_000),
    })
    .passthrough(),
  async process(payload, ctx) {
    const { event, challengeId, userIds, ...params } = payload;
    const written = await recordNotifications({
      db: ctx.db,
      dedupeKey: ctx.idempotencyKey,
      userIds,
      event: `challenge.${event}`,
      entityType: "challenge",
      entityId: challengeId,
      params: params as Record<string, string>,
    });
    ctx.log.debug({ event, challengeId, written }, "challenge notifications recorded");
  },
});

/** Closes bidding on every published challenge whose deadline has passed (each exactly once). */
export const challengeCloseDue = defineJob({
  name: "challenge.closeDue",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const { closed, failed } = await closeDueBidding({ db: ctx.db, now: ctx.now() });
    if (closed.length > 0) ctx.log.info({ closed: closed.length }, "bidding closed at the deadline");
    if (failed.length > 0)
      throw new Error(`closing bidding failed for ${failed.length} challenge(s): ${failed.join(", ")}`);
  },
});

/** Ends 公示 periods whose working days have run out and whose objections are all answered. */
export const challengeNoticesEnd = defineJob({
  name: "challenge.noticesEnd",
  payload: z.object({}).passthrough(),
  async process(_payload, ctx) {
    const { ended } = await endDuePublicNotices({ db: ctx.db, now: ctx.now() });
    if (ended.length > 0) ctx.log.info({ ended: ended.length }, "public notices ended");
  },
});
