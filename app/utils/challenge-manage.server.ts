import { z } from "zod";
import { AppError } from "#domain/errors.ts";
import type { Actor } from "#domain/access/permissions.ts";
import {
  acceptMilestone,
  answerObjection,
  approveChallenge,
  arbitrateDispute,
  cancelChallenge,
  closeBidding,
  closeChallenge,
  confirmContract,
  declareConflict,
  decideWithdrawal,
  deliverMilestone,
  endPublicNotice,
  failChallenge,
  inviteReviewer,
  inviteSolver,
  parseMoney,
  proposeWinner,
  publishChallenge,
  raiseDispute,
  rejectMilestone,
  rejectProposal,
  reopenReview,
  republishChallenge,
  requestChallengeWithdrawal,
  returnChallenge,
  scoreBid,
  setReviewCriteria,
  startPublicNotice,
  startReview,
  startWork,
  submitChallenge,
  uninviteSolver,
  withdrawChallenge,
  writeFeedback,
} from "../domain.server.ts";
import type { ManageDone } from "../components/challenge-manage/types.ts";
import type { db } from "./challenges.server.ts";
import { parseWholeNumber, wholeNumber } from "./form-types.ts";

const id = z.string().min(1);
const text = (key: string) => z.string({ error: key });
/** A milestone's number (1, 2, …) as the buttons send it. */
const milestone = wholeNumber({ min: 1, max: 1000 });

/** The forms of the manage page (/challenges/<id>/manage), one per intent. */
export const manageSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("transition"), target: z.string(), reason: z.string().optional() }),
  z.object({
    intent: z.literal("criteria"),
    names: z.array(z.string()).default([]),
    weights: z.array(z.string()).default([]),
  }),
  z.object({ intent: z.literal("invite"), userId: text("form.required") }),
  z.object({ intent: z.literal("inviteSolver"), userId: z.string().optional(), organisationId: z.string().optional() }),
  z.object({ intent: z.literal("uninviteSolver"), target: id }),
  z.object({
    intent: z.literal("feedback"),
    target: id,
    categories: z.array(z.string()).default([]),
    text: text("errors.feedback.field.text"),
  }),
  z.object({ intent: z.literal("propose"), target: id }),
  z.object({ intent: z.literal("contract"), terms: text("errors.challenge.field.terms") }),
  z.object({ intent: z.literal("accept"), target: milestone }),
  z.object({ intent: z.literal("reject"), target: milestone, reason: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("deliver"), target: milestone, note: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("dispute"), target: milestone, reason: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("score"), target: id }).passthrough(),
  z.object({ intent: z.literal("conflict"), note: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("answerObjection"), target: id, answer: text("errors.objection.field.answer") }),
  z.object({
    intent: z.literal("arbitrate"),
    outcome: z.enum(["release", "partial_release", "refund"], { error: "form.required" }),
    amount: z.string().optional(),
    decision: text("errors.challenge.reasonRequired"),
  }),
]);

export type ManageIntent = z.infer<typeof manageSchema>;

/** Runs the one domain verb an intent of the manage page names; throws the domain's AppError. */
export async function runManageIntent(
  base: { db: ReturnType<typeof db>; actor: Actor; challengeId: string; now: Date },
  v: ManageIntent,
): Promise<ManageDone> {
  const done: ManageDone = { ok: true, intent: v.intent };
  switch (v.intent) {
    case "transition": {
      const reason = v.reason ?? "";
      // Looked up by a name the user sends: own keys only ("constructor" is not a transition).
      const run: Record<string, () => Promise<unknown>> = {
        submit: () => submitChallenge(base),
        approve: () => approveChallenge(base),
        publish: () => publishChallenge(base),
        withdraw: () => withdrawChallenge({ ...base, reason }),
        closeBidding: () => closeBidding(base),
        closeBiddingWithoutBids: () => closeBidding(base),
        startReview: () => startReview(base),
        startPublicNotice: () => startPublicNotice(base),
        endPublicNotice: () => endPublicNotice(base),
        startWork: () => startWork(base),
        close: () => closeChallenge(base),
        republish: () => republishChallenge(base),
        approveWithdrawal: () => decideWithdrawal({ ...base, approve: true }),
        rejectWithdrawal: () => decideWithdrawal({ ...base, approve: false, reason }),
        return: () => returnChallenge({ ...base, reason }),
        requestWithdrawal: () => requestChallengeWithdrawal({ ...base, reason }),
        fail: () => failChallenge({ ...base, reason }),
        cancel: () => cancelChallenge({ ...base, reason }),
        rejectProposal: () => rejectProposal({ ...base, reason }),
        reopenReview: () => reopenReview({ ...base, reason }),
      };
      const verb = Object.hasOwn(run, v.target) ? run[v.target] : undefined;
      if (!verb) throw new AppError("bad_request", "errors.process.unknownTransition");
      await verb();
      done.target = v.target;
      break;
    }
    case "criteria": {
      // A weight that is not a plain whole number reaches the domain as NaN, which it refuses.
      const criteria = v.names.map((name, i) => ({ name, weight: parseWholeNumber(v.weights[i], 0, 1000) ?? NaN }));
      await setReviewCriteria({ ...base, criteria: criteria.filter((c) => c.name.trim() !== "") });
      break;
    }
    case "invite":
      await inviteReviewer({ ...base, userId: v.userId });
      break;
    case "inviteSolver":
      await inviteSolver({ ...base, userId: v.userId || undefined, organisationId: v.organisationId || undefined });
      break;
    case "uninviteSolver":
      await uninviteSolver({ ...base, inviteeId: v.target });
      done.target = v.target;
      break;
    case "feedback":
      await writeFeedback({
        db: base.db,
        actor: base.actor,
        bidId: v.target,
        categories: v.categories,
        text: v.text,
      });
      done.target = v.target;
      break;
    case "propose":
      await proposeWinner({ ...base, bidId: v.target });
      break;
    case "contract":
      await confirmContract({ ...base, terms: v.terms });
      break;
    case "accept": {
      const paid = await acceptMilestone({ ...base, index: v.target });
      Object.assign(done, { target: String(v.target), paid: paid.paid.toString(), fee: paid.fee.toString() });
      break;
    }
    case "reject":
      await rejectMilestone({ ...base, index: v.target, reasons: v.reason });
      done.target = String(v.target);
      break;
    case "deliver":
      await deliverMilestone({ ...base, index: v.target, note: v.note });
      done.target = String(v.target);
      break;
    case "dispute":
      await raiseDispute({ ...base, index: v.target, reason: v.reason });
      break;
    case "score": {
      const raw = v as unknown as Record<string, unknown>;
      const scores = Object.entries(raw)
        .filter(([k]) => k.startsWith("score_"))
        // Not a plain whole number (empty, "0x10", "1e1") → NaN, which the domain refuses.
        .map(([k, value]) => ({
          criterionId: k.slice("score_".length),
          score: parseWholeNumber(value, 0, 1000) ?? NaN,
        }));
      await scoreBid({ db: base.db, actor: base.actor, bidId: v.target, scores });
      done.target = v.target;
      break;
    }
    case "conflict":
      await declareConflict({ ...base, note: v.note });
      break;
    case "answerObjection":
      await answerObjection({
        db: base.db,
        actor: base.actor,
        now: base.now,
        objectionId: v.target,
        answer: v.answer,
      });
      done.target = v.target;
      break;
    case "arbitrate": {
      const releaseAmount =
        v.outcome === "partial_release" ? parseMoney(v.amount ?? "", { field: "amount" }) : undefined;
      await arbitrateDispute({ ...base, outcome: v.outcome, releaseAmount, decision: v.decision });
      break;
    }
  }
  return done;
}
