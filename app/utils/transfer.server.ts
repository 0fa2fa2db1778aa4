import {
  DEAL_MODES,
  INDUSTRIES,
  LICENCE_KINDS,
  PRICINGS,
  RIGHT_KINDS,
  RIGHT_STATUSES,
} from "#domain/transfer/constants.ts";
import type { OfferInput } from "#domain/transfer/offers.ts";
import { AppError, isAppError } from "#domain/errors.ts";
import { parseMoney } from "../domain.server.ts";
import { parseWholeNumber } from "./form-types.ts";
import { RIGHT_ROWS } from "../components/offer-form.tsx";
export { INSTALMENT_ROWS } from "../components/transfer.tsx";
import type { CurrentUser } from "./auth.server.ts";
import { shanghaiInstant } from "./challenges.server.ts";
import { appErrorResponse } from "./forms.server.ts";

/** Organisations the user may list offers for: universities and research institutes. */
export function sellerOrganisations(current: CurrentUser) {
  return current.memberships
    .filter((m) => m.organisation.type === "university" || m.organisation.type === "research_institute")
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name }));
}

/** Organisations the user may buy for: enterprises. */
export function buyerOrganisations(current: CurrentUser) {
  return current.memberships
    .filter((m) => m.organisation.type === "enterprise")
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name }));
}

/** The form's fields echoed back when it is shown again. */
export function formValues(form: FormData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string" || k === "csrf") continue;
    const prev = values[k];
    values[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return values;
}

function pick<T extends string>(list: readonly T[], value: unknown): T[] {
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is T => (list as readonly string[]).includes(String(v)));
}

function bad(key: string, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError("bad_request", key, { params, fieldErrors: { [field]: key } });
}

/** The offer form (create and edit): rights rows, money and dates read here, the rest checked by the domain. */
export function offerFormInput(form: FormData): OfferInput {
  const str = (k: string) => String(form.get(k) ?? "").trim();
  const rights: OfferInput["rights"] = [];
  for (let i = 0; i < RIGHT_ROWS; i++) {
    const number = str(`rights.${i}.number`);
    const title = str(`rights.${i}.title`);
    if (!number && !title) continue;
    const kind = pick(RIGHT_KINDS, str(`rights.${i}.kind`))[0] ?? "invention_patent";
    const legalStatus = pick(RIGHT_STATUSES, str(`rights.${i}.legalStatus`))[0] ?? "granted";
    const expires = str(`rights.${i}.expiresOn`);
    const expiresOn = expires ? shanghaiInstant(expires) : null;
    if (expires && !expiresOn) throw bad("offerForm.dateInvalid", `rights.${i}.expiresOn`);
    rights.push({ kind, number, ...(title ? { title } : {}), legalStatus, expiresOn });
  }
  const pricing = pick(PRICINGS, str("pricing"))[0] ?? "negotiable";
  const priceText = str("price");
  let priceFen: bigint | null = null;
  if (priceText && pricing !== "negotiable") priceFen = parseMoney(priceText, { field: "price" });
  const expiresText = str("expiresAt");
  const expiresAt = expiresText ? shanghaiInstant(expiresText, true) : null;
  if (expiresText && !expiresAt) throw bad("offerForm.dateInvalid", "expiresAt");
  // Digits only ("3abc" is not 3); a missing or wrong level reaches the domain as 0, which it refuses.
  const trl = parseWholeNumber(str("trl"), 0, 99) ?? 0;
  return {
    title: str("title"),
    summary: str("summary"),
    trl,
    industry: (pick(INDUSTRIES, str("industry"))[0] ?? "") as OfferInput["industry"],
    fieldTags: str("fieldTags")
      .split(/[,，、\s]+/)
      .map((s) => s.trim())
      .filter(Boolean),
    dealModes: pick(DEAL_MODES, form.getAll("dealModes")),
    licenceKinds: pick(LICENCE_KINDS, form.getAll("licenceKinds")),
    pricing,
    priceFen,
    visibility: str("visibility") === "signed_in" ? "signed_in" : "public",
    expiresAt,
    rights,
  };
}

/** The offer form's fields that repeat (checkbox groups). */
export const OFFER_LIST_FIELDS = ["dealModes", "licenceKinds"] as const;

/** A domain or form error as the failure the page shows; anything else is rethrown. */
export function transferFailure(error: unknown, form: FormData): Response {
  if (!isAppError(error)) throw error;
  return appErrorResponse(error, formValues(form));
}
