import { Link } from "@remix-run/react";
import { Control, failureOf } from "../challenge.tsx";
import { FormAlert } from "../form.tsx";
import { useT } from "../../utils/i18n.tsx";
import { IntentForm } from "./intent-form.tsx";
import type { SectionProps } from "./types.ts";

/** Transitions offered as plain buttons; those in WITH_REASON show a text field for the reason. */
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

// The challenge's next transitions that this viewer may take (the domain lists them in `actions`).
export function NextSteps({ data, failure }: SectionProps) {
  const t = useT();
  const c = data.challenge;
  const v = c.viewer;
  const buttons = BUTTONS.filter(
    (b) => c.actions.includes(b) || (b === "closeBidding" && c.actions.includes("closeBiddingWithoutBids")),
  );
  const reasons = WITH_REASON.filter((b) => c.actions.includes(b));
  const transitionFailure = failureOf(failure, "transition");
  if (buttons.length + reasons.length === 0) return null;
  return (
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
          <IntentForm intent="transition" target={b} key={b}>
            <button type="submit" className={b === "withdraw" ? "button secondary" : "button"}>
              {t(`challenge.transition.${b}`)}
            </button>
          </IntentForm>
        ))}
      </div>
      {reasons.map((b) => (
        <IntentForm intent="transition" target={b} key={b} className="stack sub-panel" noValidate>
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
        </IntentForm>
      ))}
    </section>
  );
}
