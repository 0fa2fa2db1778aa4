import { Form } from "@remix-run/react";
import { INDUSTRIES, IP_TERMS } from "#domain/challenges/constants.ts";
import { AttachmentInput, AttachmentList, type AttachmentItem } from "./attachments.tsx";
import { Control } from "./challenge.tsx";
import { CsrfInput } from "./csrf-input.tsx";
import { FormAlert, type FailureLike } from "./form.tsx";
import { useT } from "../utils/i18n.tsx";

export const INDICATOR_ROWS = 5;
export const MILESTONE_ROWS = 5;
const ORG_TYPES = ["enterprise", "university", "research_institute", "service_provider"] as const;

export interface ChallengeFormDefaults {
  title: string;
  problemStatement: string;
  industry: string;
  fieldTags: string;
  bidDeadline: string;
  ipTerms: string;
  visibility: string;
  domesticAllowed: boolean;
  internationalAllowed: boolean;
  individualsAllowed: boolean;
  seekerAnonymous: boolean;
  eligibleOrgTypes: string[];
  indicators: { name: string; target: string; unit: string }[];
  milestones: { name: string; deliverable: string; acceptanceCriteria: string; amount: string; dueDate: string }[];
}

/**
 * The challenge form (create and edit): plain fields that work without JavaScript, with a fixed
 * number of indicator and milestone rows (empty rows are ignored). Field names are the domain's
 * paths (milestones.0.amount), so its errors land next to the right input.
 */
export function ChallengeForm({
  defaults,
  failure,
  submitLabel,
  organisations,
  attachments,
}: {
  defaults: ChallengeFormDefaults;
  failure: FailureLike | undefined;
  submitLabel: string;
  organisations?: { id: string; name: string }[];
  /** The draft's files (removable here) and the upload limits. */
  attachments: { items: AttachmentItem[]; maxMegabytes: number; maxFiles: number };
}) {
  const t = useT();
  const checked = (name: string, fallback: boolean) => (failure?.values ? failure.values[name] === "on" : fallback);
  const orgTypesChosen = failure?.values
    ? ORG_TYPES.filter((o) => failure.values?.[`eligibleOrgTypes.${o}`] === "on")
    : defaults.eligibleOrgTypes;
  const error = (name: string) => failure?.fieldErrors?.[name];
  return (
    <>
      <FormAlert failure={failure} />
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        <CsrfInput />
        {organisations && organisations.length > 1 ? (
          <Control
            id="c-org"
            name="organisationId"
            as="select"
            label={t("challengeForm.organisation")}
            options={organisations.map((o) => ({ value: o.id, label: o.name }))}
            failure={failure}
          />
        ) : organisations?.[0] ? (
          <input type="hidden" name="organisationId" value={organisations[0].id} />
        ) : null}
        <Control
          id="c-title"
          name="title"
          label={t("challengeForm.title")}
          defaultValue={defaults.title}
          failure={failure}
          required
        />
        <Control
          id="c-problem"
          name="problemStatement"
          as="textarea"
          label={t("challengeForm.problemStatement")}
          hint={t("challengeForm.problemHint")}
          defaultValue={defaults.problemStatement}
          failure={failure}
          required
        />
        <Control
          id="c-industry"
          name="industry"
          as="select"
          label={t("challengeForm.industry")}
          defaultValue={defaults.industry}
          options={[
            { value: "", label: t("challengeForm.choose") },
            ...INDUSTRIES.map((i) => ({ value: i, label: t(`challenge.industry.${i}`) })),
          ]}
          failure={failure}
        />
        <Control
          id="c-tags"
          name="fieldTags"
          label={t("challengeForm.fieldTags")}
          hint={t("challengeForm.fieldTagsHint")}
          defaultValue={defaults.fieldTags}
          failure={failure}
        />
        <fieldset className="indicator-rows">
          <legend>{t("challengeForm.indicators")}</legend>
          {error("indicators") ? (
            <span className="error" id="indicators-error">
              {t(error("indicators")!)}
            </span>
          ) : null}
          {Array.from({ length: INDICATOR_ROWS }, (_, i) => (
            <fieldset className="row-grid" key={i}>
              <legend>{t("challengeForm.indicatorRow", { n: i + 1 })}</legend>
              <Control
                id={`c-ind-${i}-name`}
                name={`indicators.${i}.name`}
                label={t("challengeForm.indicatorName")}
                defaultValue={defaults.indicators[i]?.name ?? ""}
                failure={failure}
              />
              <Control
                id={`c-ind-${i}-target`}
                name={`indicators.${i}.target`}
                label={t("challengeForm.indicatorTarget")}
                defaultValue={defaults.indicators[i]?.target ?? ""}
                failure={failure}
              />
              <Control
                id={`c-ind-${i}-unit`}
                name={`indicators.${i}.unit`}
                label={t("challengeForm.indicatorUnit")}
                defaultValue={defaults.indicators[i]?.unit ?? ""}
                failure={failure}
              />
            </fieldset>
          ))}
        </fieldset>
        <fieldset className="milestone-rows">
          <legend>{t("challengeForm.milestones")}</legend>
          <p className="m0 hint small muted">{t("challengeForm.milestonesHint")}</p>
          {error("milestones") ? <span className="error">{t(error("milestones")!)}</span> : null}
          {Array.from({ length: MILESTONE_ROWS }, (_, i) => {
            const d = defaults.milestones[i];
            return (
              <fieldset className="row-grid" key={i}>
                <legend>{t("challengeForm.milestoneRow", { n: i + 1 })}</legend>
                <Control
                  id={`c-ms-${i}-name`}
                  name={`milestones.${i}.name`}
                  label={t("challengeForm.milestoneName")}
                  defaultValue={d?.name ?? ""}
                  failure={failure}
                />
                <Control
                  id={`c-ms-${i}-deliverable`}
                  name={`milestones.${i}.deliverable`}
                  label={t("challengeForm.deliverable")}
                  defaultValue={d?.deliverable ?? ""}
                  failure={failure}
                />
                <Control
                  id={`c-ms-${i}-criteria`}
                  name={`milestones.${i}.acceptanceCriteria`}
                  label={t("challengeForm.acceptanceCriteria")}
                  defaultValue={d?.acceptanceCriteria ?? ""}
                  failure={failure}
                />
                <Control
                  id={`c-ms-${i}-amount`}
                  name={`milestones.${i}.amount`}
                  label={t("challengeForm.amount")}
                  defaultValue={d?.amount ?? ""}
                  failure={failure}
                />
                <Control
                  id={`c-ms-${i}-due`}
                  name={`milestones.${i}.dueDate`}
                  type="date"
                  label={t("challengeForm.dueDate")}
                  defaultValue={d?.dueDate ?? ""}
                  failure={failure}
                />
              </fieldset>
            );
          })}
        </fieldset>
        <Control
          id="c-deadline"
          name="bidDeadline"
          type="datetime-local"
          label={t("challengeForm.bidDeadline")}
          hint={t("challengeForm.timeZoneHint")}
          defaultValue={defaults.bidDeadline}
          failure={failure}
          required
        />
        <Control
          id="c-ip"
          name="ipTerms"
          as="select"
          label={t("challengeForm.ipTerms")}
          defaultValue={defaults.ipTerms}
          options={IP_TERMS.map((i) => ({ value: i, label: t(`challenge.ipTerms.${i}`) }))}
          failure={failure}
        />
        <Control
          id="c-visibility"
          name="visibility"
          as="select"
          label={t("invites.visibility")}
          hint={t("invites.visibilityHint")}
          defaultValue={defaults.visibility}
          options={(["public", "invited"] as const).map((v) => ({ value: v, label: t(`challenge.visibility.${v}`) }))}
          failure={failure}
        />
        <fieldset>
          <legend>{t("challengeForm.eligibility")}</legend>
          <label className="choice">
            <input
              type="checkbox"
              name="domesticAllowed"
              defaultChecked={checked("domesticAllowed", defaults.domesticAllowed)}
              aria-describedby={error("domesticAllowed") ? "c-origin-error" : undefined}
            />{" "}
            {t("challengeForm.domesticAllowed")}
          </label>
          <label className="choice">
            <input
              type="checkbox"
              name="internationalAllowed"
              defaultChecked={checked("internationalAllowed", defaults.internationalAllowed)}
            />{" "}
            {t("challengeForm.internationalAllowed")}
          </label>
          {error("domesticAllowed") ? (
            <span className="error" id="c-origin-error">
              {t(error("domesticAllowed")!)}
            </span>
          ) : null}
          <label className="choice">
            <input
              type="checkbox"
              name="individualsAllowed"
              defaultChecked={checked("individualsAllowed", defaults.individualsAllowed)}
            />{" "}
            {t("challengeForm.individualsAllowed")}
          </label>
          <p className="m0 small muted">{t("challengeForm.orgTypesHint")}</p>
          {ORG_TYPES.map((o) => (
            <label className="choice" key={o}>
              <input type="checkbox" name={`eligibleOrgTypes.${o}`} defaultChecked={orgTypesChosen.includes(o)} />{" "}
              {t(`orgType.${o}`)}
            </label>
          ))}
        </fieldset>
        <label className="choice">
          <input
            type="checkbox"
            name="seekerAnonymous"
            defaultChecked={checked("seekerAnonymous", defaults.seekerAnonymous)}
          />{" "}
          {t("challengeForm.seekerAnonymous")}
        </label>
        <fieldset className="stack">
          <legend>{t("attachments.title")}</legend>
          {attachments.items.length > 0 ? <AttachmentList items={attachments.items} removable /> : null}
          <AttachmentInput failure={failure} maxMegabytes={attachments.maxMegabytes} maxFiles={attachments.maxFiles} />
        </fieldset>
        <div>
          <button type="submit" className="button">
            {submitLabel}
          </button>
        </div>
      </Form>
    </>
  );
}
