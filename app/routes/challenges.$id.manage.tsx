import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FEEDBACK_CATEGORIES } from "#domain/challenges/constants.ts";
import { AppError, isAppError } from "#domain/errors.ts";
import { formatYuan } from "#domain/money/money.ts";
import {
  acceptMilestone,
  answerObjection,
  approveChallenge,
  arbitrateDispute,
  cancelChallenge,
  challengeStatistics,
  closeBidding,
  closeChallenge,
  confirmContract,
  declareConflict,
  decideWithdrawal,
  deliverMilestone,
  endPublicNotice,
  failChallenge,
  getChallengeDetail,
  inviteReviewer,
  listBids,
  listExperts,
  myScores,
  openDispute,
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
  reviewRanking,
  reviewSetup,
  scoreBid,
  setReviewCriteria,
  startPublicNotice,
  startReview,
  startWork,
  submitChallenge,
  withdrawChallenge,
  writeFeedback,
} from "../domain.server.ts";
import { Control, StatusBadge, failureOf } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import styles from "../styles/challenges.css";
import { requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, failureResponse, parseForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

/** Reads that the domain refuses in some states (sealed bids, no ranking yet) are simply absent. */
async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error) && ["forbidden", "conflict", "not_found"].includes(error.code)) return null;
    throw error;
  }
}

/** Transitions the manage page offers as buttons; those with a reason show a text field. */
const BUTTONS = [
  "submit",
  "approve",
  "publish",
  "withdraw",
  "closeBidding",
  "startReview",
  "startPublicNotice",
  "endPublicNotice",
  "startWork",
  "close",
  "approveWithdrawal",
  "republish",
] as const;
const WITH_REASON = [
  "return",
  "requestWithdrawal",
  "rejectWithdrawal",
  "fail",
  "cancel",
  "rejectProposal",
  "reopenReview",
] as const;

// The workspace of one challenge: the enterprise (drafts, bids after the deadline, review,
// contract, milestones, statistics), the zone (approval, notice, objections, disputes), the
// reviewers (scores, conflicts) and the winning solver (contract, deliveries).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await requireUser(request, context);
  const actor = current.actor;
  const challengeId = params.id ?? "";
  const d = db(context);
  const detail = await domainCall(() => getChallengeDetail({ db: d, actor, challengeId, now: now() }));
  const v = detail.viewer;
  if (!v.isSeeker && !v.isZoneOfficer && !v.isReviewer && !v.isWinner)
    throw Response.json({ permission: "post:challenge:own" }, { status: 403 });
  const organiser = v.isSeeker || v.isZoneOfficer;
  const [bids, ranking, setup, experts, stats, scores, dispute] = await Promise.all([
    optional(() => listBids({ db: d, actor, challengeId, now: now() })),
    optional(() => reviewRanking({ db: d, actor, challengeId })),
    organiser ? reviewSetup({ db: d, challengeId }) : Promise.resolve(null),
    v.isSeeker || v.isZoneOfficer ? listExperts({ db: d }) : Promise.resolve([]),
    organiser ? optional(() => challengeStatistics({ db: d, actor, challengeId })) : Promise.resolve(null),
    v.isReviewer ? myScores({ db: d, actor, challengeId }) : Promise.resolve({}),
    v.isZoneOfficer ? openDispute({ db: d, challengeId }) : Promise.resolve(null),
  ]);
  const me = ranking?.reviewers.find((r) => r.userId === actor.userId) ?? null;
  return {
    challenge: plain(detail),
    bids: bids ? plain(bids) : null,
    ranking: ranking ? plain(ranking) : null,
    setup,
    experts: experts
      .filter((e) => !setup?.reviewers.some((r) => r.userId === e.id))
      .map((e) => ({ id: e.id, name: e.name })),
    stats,
    scores,
    dispute: dispute ? plain(dispute) : null,
    myRecusal: me?.recused ?? null,
    userId: actor.userId,
  };
}

const id = z.string().min(1);
const text = (key: string) => z.string({ error: key });
const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("transition"), target: z.string(), reason: z.string().optional() }),
  z.object({
    intent: z.literal("criteria"),
    names: z.array(z.string()).default([]),
    weights: z.array(z.string()).default([]),
  }),
  z.object({ intent: z.literal("invite"), userId: text("form.required") }),
  z.object({
    intent: z.literal("feedback"),
    target: id,
    categories: z.array(z.string()).default([]),
    text: text("errors.feedback.field.text"),
  }),
  z.object({ intent: z.literal("propose"), target: id }),
  z.object({ intent: z.literal("contract"), terms: text("errors.challenge.field.terms") }),
  z.object({ intent: z.literal("accept"), target: id }),
  z.object({ intent: z.literal("reject"), target: id, reason: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("deliver"), target: id, note: text("errors.challenge.reasonRequired") }),
  z.object({ intent: z.literal("dispute"), target: id, reason: text("errors.challenge.reasonRequired") }),
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

type Done = { ok: true; intent: string; target?: string; paid?: string; fee?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  const base = { db: db(context), actor: current.actor, challengeId: params.id ?? "", now: now() };
  const done: Done = { ok: true, intent: v.intent };
  try {
    switch (v.intent) {
      case "transition": {
        const reason = v.reason ?? "";
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
        const verb = run[v.target];
        if (!verb) throw new AppError("bad_request", "errors.process.unknownTransition");
        await verb();
        done.target = v.target;
        break;
      }
      case "criteria": {
        const criteria = v.names.map((name, i) => ({ name, weight: Number.parseInt(v.weights[i] ?? "", 10) }));
        await setReviewCriteria({ ...base, criteria: criteria.filter((c) => c.name.trim() !== "") });
        break;
      }
      case "invite":
        await inviteReviewer({ ...base, userId: v.userId });
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
        const paid = await acceptMilestone({ ...base, index: Number(v.target) });
        Object.assign(done, { target: v.target, paid: paid.paid.toString(), fee: paid.fee.toString() });
        break;
      }
      case "reject":
        await rejectMilestone({ ...base, index: Number(v.target), reasons: v.reason });
        done.target = v.target;
        break;
      case "deliver":
        await deliverMilestone({ ...base, index: Number(v.target), note: v.note });
        done.target = v.target;
        break;
      case "dispute":
        await raiseDispute({ ...base, index: Number(v.target), reason: v.reason });
        break;
      case "score": {
        const raw = v as unknown as Record<string, unknown>;
        const scores = Object.entries(raw)
          .filter(([k]) => k.startsWith("score_"))
          .map(([k, value]) => ({ criterionId: k.slice("score_".length), score: Number(value) }));
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
  } catch (error) {
    // Not enough money to sign: say how much is needed and link to the wallet to deposit.
    if (isAppError(error) && error.messageKey === "errors.challenge.insufficientFundsToSign") {
      const required = String(error.params.required ?? "0");
      const available = String(error.params.available ?? "0");
      return failureResponse(
        {
          ok: false,
          formError: {
            key: "manage.insufficientFunds",
            params: { required: formatYuan(BigInt(required)), available: formatYuan(BigInt(available)) },
          },
          fieldErrors: {},
          values: { ...parsed.values, insufficientFunds: "1" },
        },
        409,
      );
    }
    return appErrorResponse(error, parsed.values);
  }
  return done;
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Manage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | Done>();
  const ok = result && "ok" in result && result.ok === true ? (result as Done) : undefined;
  const failure = ok ? undefined : (result as FailureLike | undefined);
  const [params] = useSearchParams();
  const t = useT();
  const c = data.challenge;
  const v = c.viewer;
  const buttons = BUTTONS.filter(
    (b) => c.actions.includes(b) || (b === "closeBidding" && c.actions.includes("closeBiddingWithoutBids")),
  );
  const reasons = WITH_REASON.filter((b) => c.actions.includes(b));
  const transitionFailure = failureOf(failure, "transition");
  return (
    <>
      <p className="small">
        <Link to={`/challenges/${c.id}`}>← {t("manage.publicPage")}</Link> ·{" "}
        <Link to="/challenges/mine">{t("challenges.mine")}</Link>
      </p>
      <h1>{c.title}</h1>
      <div className="meta">
        <StatusBadge status={c.status} />
        <span>
          {t("challenges.bounty")}: <Money value={c.bounty} />
        </span>
        <span>
          {t("challenges.deadline")}: <DateTime value={c.bidDeadline} />
        </span>
        <span>
          {[
            v.isSeeker ? t("manage.roleSeeker") : null,
            v.isZoneOfficer ? t("manage.roleZone") : null,
            v.isReviewer ? t("manage.roleReviewer") : null,
            v.isWinner ? t("manage.roleWinner") : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
      </div>
      {params.get("created") === "1" ? (
        <div className="mt alert success" role="status">
          {t("manage.created")}
        </div>
      ) : null}
      {ok ? (
        <div className="mt alert success" role="status" data-testid="done">
          {ok.intent === "transition" && ok.target
            ? t("manage.doneTransition", { action: t(`challenge.transition.${ok.target}`) })
            : ok.intent === "accept"
              ? t("manage.donePaid", {
                  paid: formatYuan(BigInt(ok.paid ?? "0")),
                  fee: formatYuan(BigInt(ok.fee ?? "0")),
                })
              : t(`manage.done.${ok.intent}`)}
        </div>
      ) : null}
      {c.statusReason ? (
        <div className="mt alert info" role="note">
          {t("challenges.statusReason")}: {c.statusReason}
        </div>
      ) : null}

      {buttons.length + reasons.length > 0 ? (
        <section className="mt panel" aria-labelledby="next-heading">
          <h2 id="next-heading">{t("manage.nextSteps")}</h2>
          <FormAlert failure={transitionFailure} />
          <div className="actions">
            {(c.status === "draft" || c.status === "returned") && v.isSeeker ? (
              <Link to={`/challenges/${c.id}/edit`} className="button secondary">
                {t("manage.edit")}
              </Link>
            ) : null}
            {buttons.map((b) => (
              <Form method="post" key={b}>
                <CsrfInput />
                <input type="hidden" name="intent" value="transition" />
                <input type="hidden" name="target" value={b} />
                <button type="submit" className={b === "withdraw" ? "button secondary" : "button"}>
                  {t(`challenge.transition.${b}`)}
                </button>
              </Form>
            ))}
          </div>
          {reasons.map((b) => (
            <Form method="post" key={b} className="stack sub-panel" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="transition" />
              <input type="hidden" name="target" value={b} />
              <Control
                id={`reason-${b}`}
                name="reason"
                as="textarea"
                label={t("manage.reasonFor", { action: t(`challenge.transition.${b}`) })}
                failure={failureOf(transitionFailure, "transition", b)}
              />
              <div>
                <button type="submit" className="button secondary">
                  {t(`challenge.transition.${b}`)}
                </button>
              </div>
            </Form>
          ))}
        </section>
      ) : null}

      {data.setup ? <ReviewSetup data={data} failure={failure} /> : null}
      {data.bids ? (
        <Bids data={data} failure={failure} />
      ) : v.isSeeker ? (
        <div className="empty">{t("manage.bidsSealed")}</div>
      ) : null}
      {v.isReviewer ? <Reviewer data={data} failure={failure} /> : null}
      {v.isZoneOfficer && c.notice ? <Objections data={data} failure={failure} /> : null}
      {c.contract && (c.status === "contracting" || c.contract.terms) ? (
        <Contract data={data} failure={failure} />
      ) : null}
      {c.money || c.status === "in_progress" ? <Milestones data={data} failure={failure} done={ok} /> : null}
      {v.isZoneOfficer && data.dispute ? <Arbitration data={data} failure={failure} /> : null}
      {data.stats ? <Statistics data={data} /> : null}
    </>
  );
}

function ReviewSetup({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const setup = data.setup!;
  const locked = ![
    "draft",
    "submitted",
    "returned",
    "approved",
    "published",
    "bidding_closed",
    "under_review",
  ].includes(data.challenge.status);
  const criteriaFailure = failureOf(failure, "criteria");
  const rows = [
    ...setup.criteria,
    ...Array.from({ length: Math.max(0, 6 - setup.criteria.length) }, () => ({ id: "", name: "", weight: 0 })),
  ];
  return (
    <section className="panel" aria-labelledby="review-heading">
      <h2 id="review-heading">{t("manage.review")}</h2>
      <div className="columns two-col">
        <div>
          <h3>{t("manage.criteria")}</h3>
          {locked ? (
            <ul>
              {setup.criteria.map((c) => (
                <li key={c.id}>
                  {t(`challenge.criterion.${c.name}`)} · {c.weight}
                </li>
              ))}
            </ul>
          ) : (
            <Form method="post" className="stack" noValidate aria-label={t("manage.criteria")}>
              <CsrfInput />
              <input type="hidden" name="intent" value="criteria" />
              <FormAlert failure={criteriaFailure} />
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t("manage.criterionName")}</th>
                      <th scope="col">{t("manage.criterionWeight")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((c, i) => (
                      <tr key={i}>
                        <td>
                          <input
                            aria-label={t("manage.criterionNameN", { n: i + 1 })}
                            name={`names[${i}]`}
                            defaultValue={c.name}
                          />
                        </td>
                        <td>
                          <input
                            aria-label={t("manage.criterionWeightN", { n: i + 1 })}
                            name={`weights[${i}]`}
                            type="number"
                            min={0}
                            max={100}
                            defaultValue={c.name ? String(c.weight) : ""}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="small muted">{t("manage.criteriaHint")}</p>
              <div>
                <button type="submit" className="button secondary">
                  {t("manage.saveCriteria")}
                </button>
              </div>
            </Form>
          )}
        </div>
        <div>
          <h3>{t("manage.reviewers")}</h3>
          {setup.reviewers.length === 0 ? (
            <p className="muted">{t("manage.noReviewers")}</p>
          ) : (
            <ul data-testid="reviewers">
              {setup.reviewers.map((r) => {
                const recused = data.ranking?.reviewers.find((x) => x.userId === r.userId)?.recused;
                return (
                  <li key={r.userId}>
                    {r.name}{" "}
                    {recused ? (
                      <span className="badge">
                        {t("manage.recused", { reason: t(`challenge.recusal.${recused}`) })}
                      </span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
          {data.experts.length > 0 && !locked ? (
            <Form method="post" className="stack" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="invite" />
              <FormAlert failure={failureOf(failure, "invite")} />
              <Control
                id="invite-user"
                name="userId"
                as="select"
                label={t("manage.inviteExpert")}
                options={data.experts.map((e) => ({ value: e.id, label: e.name }))}
                failure={failureOf(failure, "invite")}
              />
              <div>
                <button type="submit" className="button secondary">
                  {t("manage.invite")}
                </button>
              </div>
            </Form>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function Bids({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const c = data.challenge;
  const bids = data.bids!;
  const ranking = data.ranking;
  const canDecide = c.viewer.isSeeker && c.status === "under_review";
  return (
    <section className="panel" aria-labelledby="bids-heading">
      <h2 id="bids-heading">{t("manage.bids", { count: bids.length })}</h2>
      {ranking ? (
        <div className="mb table-wrap">
          <table className="data" data-testid="ranking">
            <caption className="caption small muted">{t("manage.rankingCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("manage.rank")}</th>
                <th scope="col">{t("manage.bidder")}</th>
                <th scope="col">{t("manage.total")}</th>
                <th scope="col">{t("manage.spread")}</th>
                {ranking.criteria.map((cr) => (
                  <th scope="col" key={cr.id}>
                    {t(`challenge.criterion.${cr.name}`)} ({cr.weight})
                  </th>
                ))}
                <th scope="col">{t("manage.reviewersCounted")}</th>
              </tr>
            </thead>
            <tbody>
              {ranking.ranking.map((r) => {
                const bid = bids.find((b) => b.id === r.bidId);
                return (
                  <tr key={r.bidId}>
                    <td>{r.rank}</td>
                    <td>{bid ? `${bid.leadName}${bid.organisation ? ` · ${bid.organisation.name}` : ""}` : r.bidId}</td>
                    <td>{(r.total / 100).toFixed(2)}</td>
                    <td>{(r.spread / 100).toFixed(2)}</td>
                    {ranking.criteria.map((cr) => {
                      const a = r.averages.find((x) => x.criterionId === cr.id);
                      return <td key={cr.id}>{a?.average == null ? "—" : a.average.toFixed(1)}</td>;
                    })}
                    <td>
                      {r.reviewers}
                      {r.complete ? "" : ` · ${t("manage.incomplete")}`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {bids.map((b) => {
        const fb = failureOf(failure, "feedback", b.id);
        return (
          <article key={b.id} className="mb card" data-testid={`bid-${b.leadName}`}>
            <h3>
              {b.leadName}
              {b.organisation ? ` · ${b.organisation.name}` : ` · ${t("bidForm.asIndividual")}`}{" "}
              <StatusBadge kind="bid" status={b.status} />
            </h3>
            <dl className="facts small">
              <dt>{t("bidForm.price")}</dt>
              <dd>
                <Money value={b.price} />
              </dd>
              <dt>{t("bidForm.serverTime")}</dt>
              <dd>
                <DateTime value={b.submittedAt} />
              </dd>
              <dt>{t("bidForm.commitment")}</dt>
              <dd className="receipt">
                <code>{b.commitment}</code>
              </dd>
            </dl>
            <p className="pre-wrap">{b.approach}</p>
            {b.feedback ? (
              <p className="small">
                <strong>{t("manage.feedbackWritten")}</strong>{" "}
                {b.feedback.categories.map((k) => t(`challenge.feedback.${k}`)).join("、")} — {b.feedback.text}
              </p>
            ) : null}
            {canDecide ? (
              <div className="columns two-col sub-panel">
                <Form
                  method="post"
                  className="stack"
                  noValidate
                  aria-label={t("manage.feedbackFor", { name: b.leadName })}
                >
                  <CsrfInput />
                  <input type="hidden" name="intent" value="feedback" />
                  <input type="hidden" name="target" value={b.id} />
                  <FormAlert failure={fb} />
                  <fieldset>
                    <legend>{t("manage.feedbackCategories")}</legend>
                    {FEEDBACK_CATEGORIES.map((k) => (
                      <label className="choice" key={k}>
                        <input
                          type="checkbox"
                          name="categories"
                          value={k}
                          defaultChecked={b.feedback?.categories.includes(k)}
                        />{" "}
                        {t(`challenge.feedback.${k}`)}
                      </label>
                    ))}
                    {fb?.fieldErrors?.categories ? <span className="error">{t(fb.fieldErrors.categories)}</span> : null}
                  </fieldset>
                  <Control
                    id={`feedback-${b.id}`}
                    name="text"
                    as="textarea"
                    label={t("manage.feedbackText", { name: b.leadName })}
                    defaultValue={b.feedback?.text}
                    failure={fb}
                  />
                  <div>
                    <button type="submit" className="button secondary">
                      {t("manage.saveFeedback")}
                    </button>
                  </div>
                </Form>
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="propose" />
                  <input type="hidden" name="target" value={b.id} />
                  <FormAlert failure={failureOf(failure, "propose", b.id)} />
                  <button type="submit" className="button">
                    {t("manage.proposeWinner", { name: b.leadName })}
                  </button>
                  <p className="small muted">{t("manage.proposeHint")}</p>
                </Form>
              </div>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}

function Reviewer({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const c = data.challenge;
  const criteria = data.ranking?.criteria ?? [];
  return (
    <section className="panel" aria-labelledby="reviewer-heading">
      <h2 id="reviewer-heading">{t("manage.myReview")}</h2>
      {data.myRecusal ? (
        <div className="alert info" role="status" data-testid="recused">
          {t("manage.youAreRecused", { reason: t(`challenge.recusal.${data.myRecusal}`) })}
        </div>
      ) : (
        <>
          {c.status === "under_review" && data.bids ? (
            data.bids.map((b) => {
              const f = failureOf(failure, "score", b.id);
              const mine = (data.scores as Record<string, Record<string, number>>)[b.id] ?? {};
              return (
                <Form
                  method="post"
                  key={b.id}
                  className="mb card stack"
                  noValidate
                  aria-label={t("manage.scoreFor", { name: b.leadName })}
                >
                  <CsrfInput />
                  <input type="hidden" name="intent" value="score" />
                  <input type="hidden" name="target" value={b.id} />
                  <h3>
                    {b.leadName}
                    {b.organisation ? ` · ${b.organisation.name}` : ""} · <Money value={b.price} />
                  </h3>
                  <p className="pre-wrap">{b.approach}</p>
                  <FormAlert failure={f} />
                  <div className="filter-bar">
                    {criteria.map((cr) => (
                      <Control
                        key={cr.id}
                        id={`score-${b.id}-${cr.id}`}
                        name={`score_${cr.id}`}
                        type="number"
                        label={`${t(`challenge.criterion.${cr.name}`)}（${t("manage.weight")} ${cr.weight}）`}
                        defaultValue={mine[cr.id] !== undefined ? String(mine[cr.id]) : ""}
                        failure={f}
                      />
                    ))}
                  </div>
                  <div>
                    <button type="submit" className="button secondary">
                      {Object.keys(mine).length > 0 ? t("manage.updateScores") : t("manage.saveScores")}
                    </button>
                  </div>
                </Form>
              );
            })
          ) : (
            <p className="muted">{t("manage.reviewNotStarted")}</p>
          )}
          <Form method="post" className="stack sub-panel" noValidate>
            <CsrfInput />
            <input type="hidden" name="intent" value="conflict" />
            <FormAlert failure={failureOf(failure, "conflict")} />
            <Control
              id="conflict-note"
              name="note"
              as="textarea"
              label={t("manage.conflictNote")}
              hint={t("manage.conflictHint")}
              failure={failureOf(failure, "conflict")}
            />
            <div>
              <button type="submit" className="button secondary">
                {t("manage.declareConflict")}
              </button>
            </div>
          </Form>
        </>
      )}
    </section>
  );
}

function Objections({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const open = data.challenge.notice!.objections.filter((o) => !o.answer);
  return (
    <section className="panel" aria-labelledby="objections-heading">
      <h2 id="objections-heading">{t("manage.objectionsToAnswer", { count: open.length })}</h2>
      {open.length === 0 ? <p className="muted">{t("manage.noOpenObjections")}</p> : null}
      {open.map((o) => (
        <Form method="post" key={o.id} className="mb card stack" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="answerObjection" />
          <input type="hidden" name="target" value={o.id} />
          <p className="m0">{o.body}</p>
          <FormAlert failure={failureOf(failure, "answerObjection", o.id)} />
          <Control
            id={`objection-answer-${o.id}`}
            name="answer"
            as="textarea"
            label={t("manage.objectionAnswer")}
            failure={failureOf(failure, "answerObjection", o.id)}
          />
          <div>
            <button type="submit" className="button secondary">
              {t("manage.answerObjection")}
            </button>
          </div>
        </Form>
      ))}
    </section>
  );
}

function Contract({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const c = data.challenge;
  const k = c.contract!;
  const f = failureOf(failure, "contract");
  const mySide = c.viewer.isSeeker ? k.seekerConfirmedAt : c.viewer.isWinner ? k.solverConfirmedAt : null;
  const defaultTerms = k.terms ?? t("manage.defaultTerms", { title: c.title });
  return (
    <section className="panel" aria-labelledby="contract-heading">
      <h2 id="contract-heading">{t("manage.contract")}</h2>
      <dl className="facts">
        <dt>{t("manage.seekerConfirmed")}</dt>
        <dd data-testid="seeker-confirmed">
          {k.seekerConfirmedAt ? <DateTime value={k.seekerConfirmedAt} /> : t("manage.notYet")}
        </dd>
        <dt>{t("manage.solverConfirmed")}</dt>
        <dd data-testid="solver-confirmed">
          {k.solverConfirmedAt ? <DateTime value={k.solverConfirmedAt} /> : t("manage.notYet")}
        </dd>
        {k.feeBasisPoints !== null ? (
          <>
            <dt>{t("manage.fee")}</dt>
            <dd>{(k.feeBasisPoints / 100).toFixed(2)}%</dd>
          </>
        ) : null}
      </dl>
      {c.status === "contracting" && (c.viewer.isSeeker || c.viewer.isWinner) ? (
        <Form method="post" className="stack sub-panel" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="contract" />
          {f?.values?.insufficientFunds ? (
            <div className="alert error" role="alert" data-testid="insufficient-funds">
              {t(f.formError!.key, f.formError!.params)} <Link to="/wallet">{t("manage.goDeposit")}</Link>
            </div>
          ) : (
            <FormAlert failure={f} />
          )}
          <Control
            id="contract-terms"
            name="terms"
            as="textarea"
            label={t("manage.terms")}
            hint={t("manage.termsHint")}
            defaultValue={defaultTerms}
            failure={f}
          />
          {c.viewer.isSeeker ? <p className="small muted">{t("manage.escrowNote", { amount: "" })}</p> : null}
          <div>
            <button type="submit" className="button">
              {mySide ? t("manage.confirmAgain") : t("manage.confirmContract")}
            </button>
          </div>
        </Form>
      ) : k.terms ? (
        <p className="pre-wrap">{k.terms}</p>
      ) : null}
    </section>
  );
}

function Milestones({ data, failure, done }: { data: Data; failure: FailureLike | undefined; done: Done | undefined }) {
  const t = useT();
  const c = data.challenge;
  const money = c.money;
  return (
    <section className="panel" aria-labelledby="ms-heading">
      <h2 id="ms-heading">{t("manage.milestones")}</h2>
      {money ? (
        <p className="small muted">
          {t("challenges.escrowFunded")} <Money value={money.funded} /> · {t("challenges.escrowSettled")}{" "}
          <Money value={money.settled} /> · {t("challenges.escrowHeld")} <Money value={money.held} />
        </p>
      ) : null}
      {c.milestones.map((m) => {
        const target = String(m.index);
        const held = money?.milestones.find((x) => x.index === m.index)?.held ?? "0";
        return (
          <article key={m.index} className="mb card" data-testid={`milestone-${m.index}`}>
            <h3>
              {m.index}. {m.name} <StatusBadge kind="milestone" status={m.status} />
            </h3>
            <p className="small">
              {t("challenges.amount")}: <Money value={m.amount} /> · {t("challenges.escrowHeld")}:{" "}
              <Money value={held} /> · {t("challenges.dueDate")}: <DateTime value={m.dueDate} />
            </p>
            {m.revisionReasons ? (
              <p className="small">
                {t("manage.revisionReasons")}: {m.revisionReasons}
              </p>
            ) : null}
            {c.viewer.isWinner &&
            c.status === "in_progress" &&
            (m.status === "funded" || m.status === "revision_requested") ? (
              <Form method="post" className="stack" noValidate>
                <CsrfInput />
                <input type="hidden" name="intent" value="deliver" />
                <input type="hidden" name="target" value={target} />
                <FormAlert failure={failureOf(failure, "deliver", target)} />
                <Control
                  id={`deliver-${target}`}
                  name="note"
                  as="textarea"
                  label={t("manage.deliveryNote")}
                  failure={failureOf(failure, "deliver", target)}
                />
                <div>
                  <button type="submit" className="button">
                    {t("milestone.transition.deliver")}
                  </button>
                </div>
              </Form>
            ) : null}
            {c.viewer.isSeeker && m.status === "delivered" ? (
              <div className="columns two-col">
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="accept" />
                  <input type="hidden" name="target" value={target} />
                  <FormAlert failure={failureOf(failure, "accept", target)} />
                  <button type="submit" className="button">
                    {t("milestone.transition.accept")}
                  </button>
                  <p className="small muted">
                    {t("manage.acceptHint", { fee: ((c.contract?.feeBasisPoints ?? 0) / 100).toFixed(2) })}
                  </p>
                </Form>
                <Form method="post" className="stack" noValidate>
                  <CsrfInput />
                  <input type="hidden" name="intent" value="reject" />
                  <input type="hidden" name="target" value={target} />
                  <FormAlert failure={failureOf(failure, "reject", target)} />
                  <Control
                    id={`reject-${target}`}
                    name="reason"
                    as="textarea"
                    label={t("manage.rejectReasons")}
                    failure={failureOf(failure, "reject", target)}
                  />
                  <div>
                    <button type="submit" className="button secondary">
                      {t("milestone.transition.requestRevision")}
                    </button>
                  </div>
                </Form>
              </div>
            ) : null}
            {(c.viewer.isSeeker || c.viewer.isWinner) &&
            c.status === "in_progress" &&
            ["funded", "delivered", "revision_requested"].includes(m.status) ? (
              <details className="sub-panel">
                <summary>{t("challenge.transition.raiseDispute")}</summary>
                <Form method="post" className="stack" noValidate>
                  <CsrfInput />
                  <input type="hidden" name="intent" value="dispute" />
                  <input type="hidden" name="target" value={target} />
                  <FormAlert failure={failureOf(failure, "dispute", target)} />
                  <Control
                    id={`dispute-${target}`}
                    name="reason"
                    as="textarea"
                    label={t("manage.disputeReason")}
                    failure={failureOf(failure, "dispute", target)}
                  />
                  <div>
                    <button type="submit" className="button secondary">
                      {t("challenge.transition.raiseDispute")}
                    </button>
                  </div>
                </Form>
              </details>
            ) : null}
            {done?.intent === "accept" && done.target === target ? null : null}
          </article>
        );
      })}
    </section>
  );
}

function Arbitration({ data, failure }: { data: Data; failure: FailureLike | undefined }) {
  const t = useT();
  const d = data.dispute!;
  const f = failureOf(failure, "arbitrate");
  return (
    <section className="panel" aria-labelledby="arbitration-heading">
      <h2 id="arbitration-heading">{t("manage.arbitration")}</h2>
      <p>
        {t("manage.disputeOn", { n: d.milestoneIndex })}: {d.reason}
      </p>
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value="arbitrate" />
        <FormAlert failure={f} />
        <Control
          id="arb-outcome"
          name="outcome"
          as="select"
          label={t("manage.outcome")}
          options={(["release", "partial_release", "refund"] as const).map((o) => ({
            value: o,
            label: t(`challenge.disputeOutcome.${o}`),
          }))}
          failure={f}
        />
        <Control
          id="arb-amount"
          name="amount"
          label={t("manage.releaseAmount")}
          hint={t("manage.releaseAmountHint")}
          failure={f}
        />
        <Control id="arb-decision" name="decision" as="textarea" label={t("manage.decision")} failure={f} />
        <div>
          <button type="submit" className="button">
            {t("manage.arbitrate")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function Statistics({ data }: { data: Data }) {
  const t = useT();
  const s = data.stats!;
  return (
    <section className="panel" aria-labelledby="stats-heading">
      <h2 id="stats-heading">{t("manage.statistics")}</h2>
      <dl className="facts" data-testid="statistics">
        <dt>{t("manage.views")}</dt>
        <dd>{s.views}</dd>
        <dt>{t("manage.registeredBidders")}</dt>
        <dd>{s.registeredBidders}</dd>
        <dt>{t("manage.activeBids")}</dt>
        <dd>{s.activeBids}</dd>
        <dt>{t("manage.bidsOverTime")}</dt>
        <dd>
          {s.bidsOverTime.length === 0
            ? "—"
            : s.bidsOverTime
                .map((d) => `${d.date}: ${d.count}（${t("manage.cumulative")} ${d.cumulative}）`)
                .join("；")}
        </dd>
        <dt>{t("manage.orgTypes")}</dt>
        <dd>
          {s.orgTypes.length === 0
            ? "—"
            : s.orgTypes
                .map((o) => `${o.key === "individual" ? t("manage.individual") : t(`orgType.${o.key}`)} ${o.count}`)
                .join("；")}
        </dd>
        <dt>{t("manage.countries")}</dt>
        <dd>{s.countries.length === 0 ? "—" : s.countries.map((o) => `${o.key} ${o.count}`).join("；")}</dd>
      </dl>
    </section>
  );
}
