import { requirePermission, type Actor } from "../access/permissions.ts";
import { recordAudit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { canSeeChallenge, isSeeker, isZoneOfficer, lockChallenge, withChallenge } from "./access.ts";
import { CHALLENGE_ERRORS } from "./constants.ts";
import { bidderIds, notify, seekerIds } from "./notify.ts";

const OPEN_FOR_QUESTIONS = new Set(["published"]);

function text(value: unknown, max: number, field: string): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (v.length < 2 || v.length > max)
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { [field]: `errors.question.field.${field}` },
    });
  return v;
}

/** A signed-in solver asks the enterprise a question while bidding is open; `private` hides it from other bidders. */
export async function askQuestion(options: {
  db: Db;
  actor: Actor;
  challengeId: string;
  body: string;
  private?: boolean;
  now?: Date;
}): Promise<{ questionId: string }> {
  requirePermission(options.actor, "bid:challenge:any");
  const body = text(options.body, 4000, "body");
  return withChallenge(options.db, options.challengeId, async (tx, challenge) => {
    if (!(await canSeeChallenge(tx, options.actor, challenge)))
      throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
    if (!OPEN_FOR_QUESTIONS.has(challenge.status) || challenge.bidDeadline <= (options.now ?? new Date()))
      throw new AppError("conflict", CHALLENGE_ERRORS.bidFrozen);
    const q = await tx.challengeQuestion.create({
      data: {
        challengeId: challenge.id,
        askedById: options.actor.userId,
        body,
        private: options.private ?? false,
        ...(options.now ? { createdAt: options.now } : {}),
      },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.askQuestion",
      entityType: "ChallengeQuestion",
      entityId: q.id,
      zoneId: challenge.zoneId,
      after: { challengeId: challenge.id, private: q.private },
    });
    await notify(tx, "question_asked", {
      challengeId: challenge.id,
      userIds: await seekerIds(tx, challenge.organisationId),
      questionId: q.id,
    });
    return { questionId: q.id };
  });
}

/**
 * The enterprise answers, publicly by default: a public answer notifies every bidder of the round
 * and the asker; a private question answered privately notifies only the asker.
 */
export async function answerQuestion(options: {
  db: Db;
  actor: Actor;
  questionId: string;
  answer: string;
  public?: boolean;
  now?: Date;
}): Promise<void> {
  const answer = text(options.answer, 8000, "answer");
  const now = options.now ?? new Date();
  await options.db.$transaction(async (tx) => {
    const found = await tx.challengeQuestion.findUnique({ where: { id: options.questionId } });
    if (!found) throw new AppError("not_found", CHALLENGE_ERRORS.questionNotFound);
    const challenge = await lockChallenge(tx, found.challengeId);
    if (!isSeeker(options.actor, challenge))
      throw new AppError("forbidden", "errors.forbidden", { params: { permission: "post:challenge:own" } });
    const answerPublic = options.public ?? true;
    await tx.challengeQuestion.update({
      where: { id: found.id },
      data: { answer, answerPublic, answeredById: options.actor.userId, answeredAt: now },
    });
    await recordAudit(tx, {
      actorId: options.actor.userId,
      action: "challenge.answerQuestion",
      entityType: "ChallengeQuestion",
      entityId: found.id,
      zoneId: challenge.zoneId,
      after: { public: answerPublic, at: now },
    });
    const visibleToAll = answerPublic;
    const userIds = visibleToAll ? [...(await bidderIds(tx, challenge)), found.askedById] : [found.askedById];
    await notify(tx, "question_answered", { challengeId: challenge.id, userIds, questionId: found.id });
  });
}

export interface QuestionView {
  id: string;
  body: string;
  private: boolean;
  askedByMe: boolean;
  answer: string | null;
  answeredAt: Date | null;
  createdAt: Date;
}

/**
 * The Q&A a viewer may read: questions asked publicly, or privately questions whose answer was
 * made public; the asker also sees their own private ones; the enterprise and zone see all.
 * Askers are never named to other viewers.
 */
export async function listQuestions(options: {
  db: Db;
  actor: Actor | null;
  challengeId: string;
}): Promise<QuestionView[]> {
  const challenge = await options.db.challenge.findUnique({ where: { id: options.challengeId } });
  if (!challenge || !(await canSeeChallenge(options.db, options.actor, challenge)))
    throw new AppError("not_found", CHALLENGE_ERRORS.notFound);
  const all = isSeeker(options.actor, challenge) || isZoneOfficer(options.actor, challenge);
  const rows = await options.db.challengeQuestion.findMany({
    where: { challengeId: challenge.id },
    orderBy: { createdAt: "asc" },
  });
  return rows
    .filter(
      (q) => all || q.askedById === options.actor?.userId || !q.private || (q.answeredAt !== null && q.answerPublic),
    )
    .map((q) => {
      const mine = q.askedById === options.actor?.userId;
      const answerVisible = all || mine || q.answerPublic;
      return {
        id: q.id,
        body: q.body,
        private: q.private,
        askedByMe: mine,
        answer: answerVisible ? q.answer : null,
        answeredAt: answerVisible ? q.answeredAt : null,
        createdAt: q.createdAt,
      };
    });
}
