import { Form } from "@remix-run/react";
import {
  DEAL_MODES,
  INDUSTRIES,
  LICENCE_KINDS,
  PRICINGS,
  RIGHT_KINDS,
  RIGHT_STATUSES,
} from "#domain/transfer/constants.ts";
import { Control } from "./challenge.tsx";
import { CsrfInput } from "./csrf-input.tsx";
import { FormAlert, type FailureLike } from "./form.tsx";
import { useT } from "../utils/i18n.tsx";

export const RIGHT_ROWS = 6;

export interface OfferFormDefaults {
  title: string;
  summary: string;
  trl: string;
  industry: string;
  fieldTags: string;
  dealModes: string[];
  licenceKinds: string[];
  pricing: string;
  price: string;
  visibility: string;
  expiresAt: string;
  rights: { kind: string; number: string; title: string; legalStatus: string; expiresOn: string }[];
}

function echoedList(failure: FailureLike | undefined, name: string, fallback: string[]): string[] {
  if (!failure?.values) return fallback;
  const v = failure.values[name];
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

export const EMPTY_OFFER: OfferFormDefaults = {
  title: "",
  summary: "",
  trl: "5",
  industry: "",
  fieldTags: "",
  dealModes: ["transfer"],
  licenceKinds: [],
  pricing: "listed",
  price: "",
  visibility: "public",
  expiresAt: "",
  rights: [],
};

/** The offer form (create and edit), without JavaScript: a fixed number of rights rows. */
export function OfferForm(props: {
  defaults: OfferFormDefaults;
  failure: FailureLike | undefined;
  submitLabel: string;
  organisations?: { id: string; name: string }[];
}) {
  const t = useT();
  const d = props.defaults;
  const f = props.failure;
  const modes = echoedList(f, "dealModes", d.dealModes);
  const kinds = echoedList(f, "licenceKinds", d.licenceKinds);
  return (
    <Form method="post" className="stack" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <FormAlert failure={f} />
      {props.organisations && props.organisations.length > 1 ? (
        <Control
          id="f-org"
          name="organisationId"
          label={t("offerForm.organisation")}
          as="select"
          failure={f}
          options={props.organisations.map((o) => ({ value: o.id, label: o.name }))}
        />
      ) : null}
      <Control id="f-title" name="title" label={t("offerForm.title")} failure={f} defaultValue={d.title} required />
      <Control
        id="f-summary"
        name="summary"
        label={t("offerForm.summary")}
        hint={t("offerForm.summaryHint")}
        as="textarea"
        failure={f}
        defaultValue={d.summary}
        required
      />
      <div className="form-grid">
        <Control
          id="f-trl"
          name="trl"
          label={t("offerForm.trl")}
          as="select"
          failure={f}
          defaultValue={d.trl}
          options={[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
            value: String(n),
            label: t("transfer.trl", { level: n }),
          }))}
        />
        <Control
          id="f-industry"
          name="industry"
          label={t("offerForm.industry")}
          as="select"
          failure={f}
          defaultValue={d.industry}
          options={[
            { value: "", label: t("offerForm.choose") },
            ...INDUSTRIES.map((i) => ({ value: i, label: t(`challenge.industry.${i}`) })),
          ]}
        />
        <Control
          id="f-fields"
          name="fieldTags"
          label={t("offerForm.fieldTags")}
          hint={t("offerForm.fieldTagsHint")}
          failure={f}
          defaultValue={d.fieldTags}
        />
      </div>
      <fieldset className="checks">
        <legend>{t("offerForm.dealModes")}</legend>
        {DEAL_MODES.map((m) => (
          <label key={m}>
            <input type="checkbox" name="dealModes" value={m} defaultChecked={modes.includes(m)} />{" "}
            {t(`transfer.mode.${m}`)}
          </label>
        ))}
        {f?.fieldErrors?.dealModes ? <span className="error">{t(f.fieldErrors.dealModes)}</span> : null}
      </fieldset>
      <fieldset className="checks">
        <legend>{t("offerForm.licenceKinds")}</legend>
        {LICENCE_KINDS.map((k) => (
          <label key={k}>
            <input type="checkbox" name="licenceKinds" value={k} defaultChecked={kinds.includes(k)} />{" "}
            {t(`transfer.licence.${k}`)}
          </label>
        ))}
        {f?.fieldErrors?.licenceKinds ? <span className="error">{t(f.fieldErrors.licenceKinds)}</span> : null}
      </fieldset>
      <div className="form-grid">
        <Control
          id="f-pricing"
          name="pricing"
          label={t("offerForm.pricing")}
          as="select"
          failure={f}
          defaultValue={d.pricing}
          options={PRICINGS.map((p) => ({ value: p, label: t(`transfer.pricing.${p}`) }))}
        />
        <Control
          id="f-price"
          name="price"
          label={t("offerForm.price")}
          hint={t("offerForm.priceHint")}
          failure={f}
          defaultValue={d.price}
        />
        <Control
          id="f-visibility"
          name="visibility"
          label={t("offerForm.visibility")}
          as="select"
          failure={f}
          defaultValue={d.visibility}
          options={["public", "signed_in"].map((v) => ({ value: v, label: t(`transfer.visibility.${v}`) }))}
        />
        <Control
          id="f-expires"
          name="expiresAt"
          type="date"
          label={t("offerForm.expiresAt")}
          failure={f}
          defaultValue={d.expiresAt}
        />
      </div>
      <fieldset>
        <legend>{t("offerForm.rights")}</legend>
        <p className="hint">{t("offerForm.rightsHint", { rows: RIGHT_ROWS })}</p>
        <div className="table-wrap">
          <table className="data rows-table">
            <thead>
              <tr>
                <th scope="col">{t("offer.rightKind")}</th>
                <th scope="col">{t("offer.rightNumber")}</th>
                <th scope="col">{t("offer.rightTitle")}</th>
                <th scope="col">{t("offer.rightStatus")}</th>
                <th scope="col">{t("offer.rightExpires")}</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: RIGHT_ROWS }, (_, i) => {
                const r = d.rights[i];
                const v = (k: string, fb: string) => {
                  const e = f?.values?.[`rights.${i}.${k}`];
                  return typeof e === "string" ? e : fb;
                };
                const err = f?.fieldErrors?.[`rights.${i}.number`] ?? f?.fieldErrors?.[`rights.${i}.expiresOn`];
                return (
                  <tr key={i}>
                    <td>
                      <select
                        name={`rights.${i}.kind`}
                        aria-label={`${t("offer.rightKind")} ${i + 1}`}
                        defaultValue={v("kind", r?.kind ?? "invention_patent")}
                      >
                        {RIGHT_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {t(`transfer.rightKind.${k}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        name={`rights.${i}.number`}
                        aria-label={`${t("offer.rightNumber")} ${i + 1}`}
                        defaultValue={v("number", r?.number ?? "")}
                        aria-invalid={err ? true : undefined}
                      />
                      {err ? <span className="error">{t(err, f?.fieldParams)}</span> : null}
                    </td>
                    <td>
                      <input
                        name={`rights.${i}.title`}
                        aria-label={`${t("offer.rightTitle")} ${i + 1}`}
                        defaultValue={v("title", r?.title ?? "")}
                      />
                    </td>
                    <td>
                      <select
                        name={`rights.${i}.legalStatus`}
                        aria-label={`${t("offer.rightStatus")} ${i + 1}`}
                        defaultValue={v("legalStatus", r?.legalStatus ?? "granted")}
                      >
                        {RIGHT_STATUSES.map((s) => (
                          <option key={s} value={s}>
                            {t(`transfer.rightStatus.${s}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        type="date"
                        name={`rights.${i}.expiresOn`}
                        aria-label={`${t("offer.rightExpires")} ${i + 1}`}
                        defaultValue={v("expiresOn", r?.expiresOn ?? "")}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="button">
          {props.submitLabel}
        </button>
      </div>
    </Form>
  );
}
