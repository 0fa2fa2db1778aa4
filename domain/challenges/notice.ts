import type { Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { canSeeChallenge, isZoneOfficer, lockChallenge, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";
import { notify } from "./notify.ts";

/**
 * 公示 objections: anyone signed in may object while the notice runs; the zone answers each one,
 * and the notice cannot end while one is unanswered (process.ts endPublicNotice).
 */
function text(value: unknown, field: string): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (v.length < 5 || v.length > 5000)
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { [field]: `errors.objection.field.${field}` },
    });
  return v;
}

export async function fileObjection(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  body: string;
  now?: Date;
}): Promise<{ objectionId: string }> {
  if (!options.actor) throw new AppError("unauthenticated", "errors.unauthenticated");
  const body = text(options.body, "body");
  const now = options.now ?? new Date();
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    if (!(await canSeeChallenge(tx, options.actor, challenge)))
      throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
    if (challenge.status !== "public_notice" || (challenge.publicNoticeEndsAt && now >= challenge.publicNoticeEndsAt)) {
      throw new AppError("conflict", "errors.process.transitionNotAllowed", {
        params: { process: "challenge", transition: "object", status: challenge.status },
      });
    }
    const o = await tx.publicNoticeObjection.create({
      data: { challengeId: challenge.id, filedById: options.actor.userId, body, createdAt: now },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.fileObjection",
      entityType: "PublicNoticeObjection",
      entityId: o.id,
      zoneId: challenge.zoneId,
      after: { challengeId: challenge.id, at: now },
    });
    const officers = await tx.membership.findMany({
      where: { organisation: { zoneId: challenge.zoneId, type: "zone_administration" } },
      select: { userId: true },
    });
    await notify(tx, "objection_filed", {
      challengeId: challenge.id,
      userIds: officers.map((m) => m.userId),
      objectionId: o.id,
    });
    return { objectionId: o.id };
  });
}

/** The zone answers an objection (the answer is public with the notice). */
export async function answerObjection(options: {
  db: Db;
  actor: Actor;
  objectionId: string;
  answer: string;
  now?: Date;
}): Promise<void> {
  const answer = text(options.answer, "answer");
  const now = options.now ?? new Date();
  await options.db.$transaction(async (tx) => {
    const found = await tx.publicNoticeObjection.findUnique({ where: { id: options.objectionId } });
    if (!found) throw new AppError("not_found", CHALLENGE_ERRORS.objectionNotFound);
    const challenge = await lockChallenge(tx, found.challengeId);
    if (!isZoneOfficer(options.actor, challenge))
      throw new AppError("forbidden", "errors.forbidden", { params: { permission: "approve:challenge:zone" } });
    if (found.answeredAt) throw new AppError("conflict", CHALLENGE_ERRORS.objectionAnswered);
    await tx.publicNoticeObjection.update({
      where: { id: found.id },
      data: { answer, answeredById: options.actor.userId, answeredAt: now },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.answerObjection",
      entityType: "PublicNoticeObjection",
      entityId: found.id,
      zoneId: challenge.zoneId,
      after: { at: now },
    });
    await notify(tx, "objection_answered", {
      challengeId: challenge.id,
      userIds: [found.filedById],
      objectionId: found.id,
    });
  });
}
