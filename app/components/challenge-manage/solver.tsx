import { Link } from "@remix-run/react";
import { Control, StatusBadge, failureOf } from "../challenge.tsx";
import { DateTime } from "../datetime.tsx";
import { FormAlert } from "../form.tsx";
import { Money } from "../money.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

// Both sides of the contract (enterprise and winning solver): 签约, then milestones delivered and accepted.
export function Contract({ data, failure }: SectionProps) {
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
        <IntentForm intent="contract" className="stack sub-panel" noValidate>
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
        </IntentForm>
      ) : k.terms ? (
        <p className="pre-wrap">{k.terms}</p>
      ) : null}
    </section>
  );
}

export function Milestones({ data, failure }: SectionProps) {
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
              <IntentForm intent="deliver" target={target} className="stack" noValidate>
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
              </IntentForm>
            ) : null}
            {c.viewer.isSeeker && m.status === "delivered" ? (
              <div className="columns two-col">
                <IntentForm intent="accept" target={target}>
                  <FormAlert failure={failureOf(failure, "accept", target)} />
                  <button type="submit" className="button">
                    {t("milestone.transition.accept")}
                  </button>
                  <p className="small muted">
                    {t("manage.acceptHint", { fee: ((c.contract?.feeBasisPoints ?? 0) / 100).toFixed(2) })}
                  </p>
                </IntentForm>
                <IntentForm intent="reject" target={target} className="stack" noValidate>
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
                </IntentForm>
              </div>
            ) : null}
            {(c.viewer.isSeeker || c.viewer.isWinner) &&
            c.status === "in_progress" &&
            ["funded", "delivered", "revision_requested"].includes(m.status) ? (
              <details className="sub-panel">
                <summary>{t("challenge.transition.raiseDispute")}</summary>
                <IntentForm intent="dispute" target={target} className="stack" noValidate>
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
                </IntentForm>
              </details>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}
