import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { can } from "#domain/access/permissions.ts";
import {
  answerQuestion,
  askQuestion,
  fileObjection,
  getChallengeDetail,
  listAttachments,
  listQuestions,
  recordChallengeView,
} from "../domain.server.ts";
import { AttachmentList } from "../components/attachments.tsx";
import { Control, StatusBadge, failureOf } from "../components/challenge.tsx";
import { CsrfInput } from "../components/csrf-input.tsx";
import { DateTime } from "../components/datetime.tsx";
import { FormAlert, type FailureLike } from "../components/form.tsx";
import { Money } from "../components/money.tsx";
import attachmentStyles from "../styles/attachments.css";
import styles from "../styles/challenges.css";
import { attachmentItems } from "../utils/attachments.server.ts";
import { getOptionalUser, requireUser } from "../utils/auth.server.ts";
import { db, plain } from "../utils/challenges.server.ts";
import { now } from "../utils/clock.server.ts";
import { domainCall } from "../utils/domain.server.ts";
import { appErrorResponse, parseForm } from "../utils/forms.server.ts";
import { useLocale, useT } from "../utils/i18n.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: attachmentStyles },
];

// @public A published public challenge is readable by anyone; getChallengeDetail answers 404 for
// drafts, the zone's review and invited-only challenges unless the viewer may see them.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await getOptionalUser(request, context);
  const actor = current?.actor ?? null;
  const challengeId = params.id ?? "";
  const detail = await domainCall(() => getChallengeDetail({ db: db(context), actor, challengeId, now: now() }));
  const questions = await domainCall(() => listQuestions({ db: db(context), actor, challengeId }));
  if (!detail.viewer.isSeeker && !detail.viewer.isZoneOfficer)
    await recordChallengeView({ db: db(context), challengeId });
  const t = now();
  const files = await listAttachments({ db: db(context), actor, ownerType: "challenge", ownerId: challengeId, now: t });
  return {
    attachments: attachmentItems(files.items),
    challenge: plain(detail),
    questions: plain(questions),
    signedIn: !!current,
    canBid: !!current && can(current.actor, "bid:challenge:any") && !detail.viewer.isSeeker,
    biddingOpen: detail.status === "published" && new Date(detail.bidDeadline) > t,
    noticeOpen: detail.status === "public_notice",
    // Workspace of this challenge: the enterprise, the zone, the reviewers and the winner.
    canManage:
      detail.viewer.isSeeker || detail.viewer.isZoneOfficer || detail.viewer.isReviewer || detail.viewer.isWinner,
  };
}

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("ask"),
    body: z.string({ error: "errors.question.field.body" }),
    private: z.string().optional(),
  }),
  z.object({ intent: z.literal("objection"), body: z.string({ error: "errors.objection.field.body" }) }),
  z.object({
    intent: z.literal("answer"),
    target: z.string(),
    answer: z.string({ error: "errors.question.field.answer" }),
    public: z.string().optional(),
  }),
]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const current = await requireUser(request, context);
  const parsed = await parseForm(request, context, schema);
  if ("failure" in parsed) return parsed.failure;
  const v = parsed.value;
  const base = { db: db(context), actor: current.actor, challengeId: params.id ?? "", now: now() };
  try {
    if (v.intent === "ask") await askQuestion({ ...base, body: v.body, private: v.private === "on" });
    if (v.intent === "objection") await fileObjection({ ...base, body: v.body });
    if (v.intent === "answer")
      await answerQuestion({
        db: base.db,
        actor: base.actor,
        now: base.now,
        questionId: v.target,
        answer: v.answer,
        public: v.public === "on",
      });
  } catch (error) {
    return appErrorResponse(error, parsed.values);
  }
  return { ok: true as const, intent: v.intent };
}

export default function ChallengeDetail() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<FailureLike | { ok: true; intent: string }>();
  const failure = result && "ok" in result && result.ok === true ? undefined : (result as FailureLike | undefined);
  const done = result && "ok" in result && result.ok === true ? result.intent : null;
  const t = useT();
  const locale = useLocale();
  const c = data.challenge;
  const indicators = Array.isArray(c.indicators)
    ? (c.indicators as { name: string; target: string; unit?: string }[])
    : [];
  const money = c.money;
  return (
    <>
      <p className="small">
        <Link to="/challenges">← {t("challenges.backToList")}</Link>
      </p>
      <h1>{c.title}</h1>
      <div className="meta">
        <StatusBadge status={c.status} />
        <span>{t(`challenge.industry.${c.industry}`)}</span>
        <span>{locale === "en" ? c.zone.nameEn : c.zone.nameZh}</span>
        <span data-testid="seeker">{c.seeker ? c.seeker.name : t("challenges.anonymousSeeker")}</span>
      </div>
      <div className="my actions">
        {data.biddingOpen && data.canBid ? (
          <Link to={`/challenges/${c.id}/bid`} className="button">
            {c.viewer.myBidId ? t("challenges.editMyBid") : t("challenges.bidNow")}
          </Link>
        ) : null}
        {data.biddingOpen && !data.signedIn ? (
          <Link to={`/login?next=${encodeURIComponent(`/challenges/${c.id}`)}`} className="button secondary">
            {t("challenges.loginToBid")}
          </Link>
        ) : null}
        {data.canManage ? (
          <Link to={`/challenges/${c.id}/manage`} className="button secondary">
            {t("challenges.workspace")}
          </Link>
        ) : null}
      </div>

      <div className="two-col">
        <div>
          <section className="panel" aria-labelledby="problem-heading">
            <h2 id="problem-heading">{t("challenges.problem")}</h2>
            {/* Sanitized by the domain on the way in (domain/challenges/sanitize.ts). */}
            <div className="rich" dangerouslySetInnerHTML={{ __html: c.problemStatement }} />
          </section>
          <section className="panel" aria-labelledby="indicators-heading">
            <h2 id="indicators-heading">{t("challenges.indicators")}</h2>
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("challenges.indicatorName")}</th>
                    <th scope="col">{t("challenges.indicatorTarget")}</th>
                  </tr>
                </thead>
                <tbody>
                  {indicators.map((i, n) => (
                    <tr key={n}>
                      <td>{i.name}</td>
                      <td>
                        {i.target} {i.unit ?? ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {data.attachments.length > 0 ? (
            <section className="panel" aria-labelledby="attachments-heading" data-testid="attachments">
              <h2 id="attachments-heading">{t("attachments.title")}</h2>
              <AttachmentList items={data.attachments} />
            </section>
          ) : null}
          <section className="panel" aria-labelledby="milestones-heading" data-testid="milestones">
            <h2 id="milestones-heading">{t("challenges.milestones")}</h2>
            {money ? (
              <>
                <p className="small muted">{t("challenges.moneyFromLedger")}</p>
                <dl className="facts" data-testid="escrow-totals">
                  <dt>{t("challenges.escrowFunded")}</dt>
                  <dd>
                    <Money value={money.funded} />
                  </dd>
                  <dt>{t("challenges.escrowSettled")}</dt>
                  <dd>
                    <Money value={money.settled} />
                  </dd>
                  <dt>{t("challenges.escrowHeld")}</dt>
                  <dd>
                    <Money value={money.held} />
                  </dd>
                </dl>
                <progress
                  className="progress"
                  aria-label={t("challenges.progress")}
                  value={Number(BigInt(money.settled) / 100n)}
                  max={Math.max(1, Number(BigInt(money.funded) / 100n))}
                />
              </>
            ) : null}
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t("challenges.milestone")}</th>
                    <th scope="col">{t("challenges.dueDate")}</th>
                    <th scope="col" className="num">
                      {t("challenges.amount")}
                    </th>
                    {money ? <th scope="col">{t("challenges.escrowHeld")}</th> : null}
                    <th scope="col">{t("challenges.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.milestones.map((m) => {
                    const row = money?.milestones.find((x) => x.index === m.index);
                    return (
                      <tr key={m.index}>
                        <td>{m.index}</td>
                        <td>
                          <strong>{m.name}</strong>
                          <div className="small">
                            {t("challenges.deliverable")}: {m.deliverable}
                          </div>
                          <div className="small muted">
                            {t("challenges.acceptanceCriteria")}: {m.acceptanceCriteria}
                          </div>
                        </td>
                        <td>
                          <DateTime value={m.dueDate} />
                        </td>
                        <td className="num">
                          <Money value={m.amount} wan={false} />
                        </td>
                        {money ? (
                          <td>
                            <Money value={row?.held ?? "0"} wan={false} />
                          </td>
                        ) : null}
                        <td>
                          {c.status === "draft" || m.status === "pending" ? (
                            "—"
                          ) : (
                            <StatusBadge kind="milestone" status={m.status} />
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>

          {c.notice ? (
            <section className="panel" aria-labelledby="notice-heading" id="notice">
              <h2 id="notice-heading">{t("challenges.notice")}</h2>
              <dl className="facts">
                <dt>{t("challenges.noticeWinner")}</dt>
                <dd data-testid="notice-winner">
                  {c.notice.winner?.leadName}
                  {c.notice.winner?.organisationName ? ` · ${c.notice.winner.organisationName}` : ""}
                </dd>
                {c.notice.startedAt ? (
                  <>
                    <dt>{t("challenges.noticePeriod")}</dt>
                    <dd>
                      <DateTime value={c.notice.startedAt} /> –{" "}
                      {c.notice.endsAt ? <DateTime value={c.notice.endsAt} /> : "—"}
                    </dd>
                  </>
                ) : null}
              </dl>
              <h3>{t("challenges.objections")}</h3>
              {c.notice.objections.length === 0 ? (
                <p className="muted">{t("challenges.noObjections")}</p>
              ) : (
                <ul className="qa" data-testid="objections">
                  {c.notice.objections.map((o) => (
                    <li key={o.id}>
                      <p className="m0">{o.body}</p>
                      <p className="m0 small muted">
                        <DateTime value={o.createdAt} />
                      </p>
                      {o.answer ? (
                        <p className="m0 answer">
                          {t("challenges.zoneAnswer")}: {o.answer}
                        </p>
                      ) : (
                        <p className="small muted">{t("challenges.awaitingAnswer")}</p>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {data.noticeOpen && data.signedIn ? (
                <div className="sub-panel">
                  {done === "objection" ? (
                    <div className="alert success" role="status">
                      {t("challenges.objectionFiled")}
                    </div>
                  ) : null}
                  <FormAlert failure={failureOf(failure, "objection")} />
                  <Form method="post" className="stack" noValidate>
                    <CsrfInput />
                    <input type="hidden" name="intent" value="objection" />
                    <Control
                      id="objection-body"
                      name="body"
                      as="textarea"
                      label={t("challenges.objectionBody")}
                      hint={t("challenges.objectionHint")}
                      failure={failureOf(failure, "objection")}
                    />
                    <div>
                      <button type="submit" className="button secondary">
                        {t("challenges.fileObjection")}
                      </button>
                    </div>
                  </Form>
                </div>
              ) : null}
            </section>
          ) : null}

          <section className="panel" aria-labelledby="qa-heading">
            <h2 id="qa-heading">{t("challenges.qa")}</h2>
            {data.questions.length === 0 ? (
              <p className="muted">{t("challenges.noQuestions")}</p>
            ) : (
              <ul className="qa">
                {data.questions.map((q) => (
                  <li key={q.id}>
                    <p className="m0">
                      {t("challenges.question")}: {q.body}{" "}
                      {q.private ? <span className="badge">{t("challenges.private")}</span> : null}
                    </p>
                    {q.answer ? (
                      <p className="m0 answer">
                        {t("challenges.answer")}: {q.answer}
                      </p>
                    ) : c.viewer.isSeeker ? (
                      <Form method="post" className="stack" noValidate>
                        <CsrfInput />
                        <input type="hidden" name="intent" value="answer" />
                        <input type="hidden" name="target" value={q.id} />
                        <Control
                          id={`answer-${q.id}`}
                          name="answer"
                          as="textarea"
                          label={t("challenges.answerLabel")}
                          failure={failureOf(failure, "answer", q.id)}
                        />
                        <label className="choice">
                          <input type="checkbox" name="public" defaultChecked /> {t("challenges.answerPublic")}
                        </label>
                        <div>
                          <button type="submit" className="button small">
                            {t("challenges.answerSubmit")}
                          </button>
                        </div>
                      </Form>
                    ) : (
                      <p className="small muted">{t("challenges.awaitingAnswer")}</p>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {data.biddingOpen && data.canBid ? (
              <div className="sub-panel">
                {done === "ask" ? (
                  <div className="alert success" role="status">
                    {t("challenges.questionAsked")}
                  </div>
                ) : null}
                <FormAlert failure={failureOf(failure, "ask")} />
                <Form method="post" className="stack" noValidate>
                  <CsrfInput />
                  <input type="hidden" name="intent" value="ask" />
                  <Control
                    id="question-body"
                    name="body"
                    as="textarea"
                    label={t("challenges.askLabel")}
                    failure={failureOf(failure, "ask")}
                  />
                  <label className="choice">
                    <input type="checkbox" name="private" /> {t("challenges.askPrivate")}
                  </label>
                  <div>
                    <button type="submit" className="button secondary">
                      {t("challenges.ask")}
                    </button>
                  </div>
                </Form>
              </div>
            ) : null}
          </section>
        </div>

        <aside>
          <section className="panel" aria-labelledby="facts-heading">
            <h2 id="facts-heading">{t("challenges.facts")}</h2>
            <dl className="facts">
              <dt>{t("challenges.bounty")}</dt>
              <dd data-testid="bounty">
                <Money value={c.bounty} />
              </dd>
              <dt>{t("challenges.deadline")}</dt>
              <dd>
                <DateTime value={c.bidDeadline} />
              </dd>
              <dt>{t("challenges.ipTerms")}</dt>
              <dd>{t(`challenge.ipTerms.${c.ipTerms}`)}</dd>
              <dt>{t("challenges.visibility")}</dt>
              <dd>{t(`challenge.visibility.${c.visibility}`)}</dd>
              <dt>{t("challenges.solverOrigin")}</dt>
              <dd>
                {[
                  c.eligibility.domesticAllowed ? t("challenges.domestic") : null,
                  c.eligibility.internationalAllowed ? t("challenges.international") : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </dd>
              <dt>{t("challenges.orgTypes")}</dt>
              <dd>
                {c.eligibility.eligibleOrgTypes.length === 0
                  ? t("challenges.anyOrgType")
                  : c.eligibility.eligibleOrgTypes.map((o) => t(`orgType.${o}`)).join(" · ")}
              </dd>
              <dt>{t("challenges.individuals")}</dt>
              <dd>{c.eligibility.individualsAllowed ? t("challenges.yes") : t("challenges.no")}</dd>
              {c.fieldTags.length > 0 ? (
                <>
                  <dt>{t("challenges.fieldTags")}</dt>
                  <dd>{c.fieldTags.join(" · ")}</dd>
                </>
              ) : null}
            </dl>
          </section>
          {c.statusReason ? (
            <div className="alert info" role="note">
              {t("challenges.statusReason")}: {c.statusReason}
            </div>
          ) : null}
        </aside>
      </div>
    </>
  );
}
