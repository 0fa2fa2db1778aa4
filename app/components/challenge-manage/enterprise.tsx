import { AttachmentList } from "../attachments.tsx";
import { FEEDBACK_CATEGORIES } from "#domain/challenges/constants.ts";
import { Control, StatusBadge, failureOf } from "../challenge.tsx";
import { DateTime } from "../datetime.tsx";
import { FormAlert } from "../form.tsx";
import { Money } from "../money.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

// The enterprise's (and the zone's) part of the workspace: review criteria and reviewers, the bids once unsealed, ranking, feedback and the proposed winner.
export function ReviewSetup({ data, failure }: SectionProps) {
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
            <IntentForm intent="criteria" className="stack" noValidate aria-label={t("manage.criteria")}>
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
            </IntentForm>
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
            <IntentForm intent="invite" className="stack" noValidate>
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
            </IntentForm>
          ) : null}
        </div>
      </div>
    </section>
  );
}

export function Bids({ data, failure }: SectionProps) {
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
            {data.bidFiles[b.id]?.length ? (
              <AttachmentList items={data.bidFiles[b.id]!} title={t("attachments.bidFiles")} />
            ) : null}
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
                <IntentForm
                  intent="feedback"
                  target={b.id}
                  className="stack"
                  noValidate
                  aria-label={t("manage.feedbackFor", { name: b.leadName })}
                >
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
                </IntentForm>
                <IntentForm intent="propose" target={b.id}>
                  <FormAlert failure={failureOf(failure, "propose", b.id)} />
                  <button type="submit" className="button">
                    {t("manage.proposeWinner", { name: b.leadName })}
                  </button>
                  <p className="small muted">{t("manage.proposeHint")}</p>
                </IntentForm>
              </div>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}
