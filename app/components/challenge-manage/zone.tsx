import { Control, failureOf } from "../challenge.tsx";
import { FormAlert } from "../form.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

// The zone officer's part: objections to the 公示 and arbitration of a dispute.
export function Objections({ data, failure }: SectionProps) {
  const t = useT();
  const open = data.challenge.notice!.objections.filter((o) => !o.answer);
  return (
    <section className="panel" aria-labelledby="objections-heading">
      <h2 id="objections-heading">{t("manage.objectionsToAnswer", { count: open.length })}</h2>
      {open.length === 0 ? <p className="muted">{t("manage.noOpenObjections")}</p> : null}
      {open.map((o) => (
        <IntentForm intent="answerObjection" target={o.id} key={o.id} className="mb card stack" noValidate>
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
        </IntentForm>
      ))}
    </section>
  );
}

export function Arbitration({ data, failure }: SectionProps) {
  const t = useT();
  const d = data.dispute!;
  const f = failureOf(failure, "arbitrate");
  return (
    <section className="panel" aria-labelledby="arbitration-heading">
      <h2 id="arbitration-heading">{t("manage.arbitration")}</h2>
      <p>
        {t("manage.disputeOn", { n: d.milestoneIndex })}: {d.reason}
      </p>
      <IntentForm intent="arbitrate" className="stack" noValidate>
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
      </IntentForm>
    </section>
  );
}
