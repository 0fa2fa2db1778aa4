import type { AppLoadContext } from "@remix-run/node";
import { AppError, isAppError } from "#domain/errors.ts";
import { INDUSTRIES, IP_TERMS } from "#domain/challenges/constants.ts";
import type { ChallengeInput } from "#domain/challenges/validation.ts";
import { INDICATOR_ROWS, MILESTONE_ROWS } from "../components/challenge-form.tsx";
import { parseMoney } from "../domain.server.ts";
import type { CurrentUser } from "./auth.server.ts";
import { failureResponse } from "./forms.server.ts";

/** Loaders send bigint as decimal strings and dates as ISO strings (neither survives JSON as is). */
export type Plain<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends (infer U)[]
      ? Plain<U>[]
      : T extends object
        ? { [K in keyof T]: Plain<T[K]> }
        : T;

export function plain<T>(value: T): Plain<T> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Plain<T>;
}

export function db(context: AppLoadContext) {
  return context.services.database.prisma;
}

export const ORG_TYPES = ["enterprise", "university", "research_institute", "service_provider"] as const;

/** A date typed on the page is a Shanghai wall-clock time. */
export function shanghaiInstant(text: string, endOfDay = false): Date | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return new Date(`${t}T${endOfDay ? "23:59:59" : "00:00:00"}+08:00`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return new Date(`${t}:00+08:00`);
  return null;
}

/** The Shanghai wall-clock text of an instant, for `datetime-local` or `date` inputs. */
export function shanghaiInputValue(instant: Date, dateOnly = false): string {
  const shifted = new Date(instant.getTime() + 8 * 3600_000).toISOString();
  return dateOnly ? shifted.slice(0, 10) : shifted.slice(0, 16);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Plain text typed in the form becomes paragraphs (the domain sanitizes rich text again). */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** The challenge form (create and edit) read from its fields; money and dates are checked here. */
export function challengeFormInput(form: FormData): { input: ChallengeInput; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && k !== "csrf") values[k] = v;
  const str = (k: string) => String(form.get(k) ?? "").trim();
  const fieldErrors: Record<string, string> = {};
  const indicators = [];
  for (let i = 0; i < INDICATOR_ROWS; i++) {
    const name = str(`indicators.${i}.name`);
    const target = str(`indicators.${i}.target`);
    const unit = str(`indicators.${i}.unit`);
    if (!name && !target && !unit) continue;
    indicators.push({ name, target, ...(unit ? { unit } : {}) });
  }
  const milestones = [];
  for (let i = 0; i < MILESTONE_ROWS; i++) {
    const row = ["name", "deliverable", "acceptanceCriteria", "amount", "dueDate"].map((f) =>
      str(`milestones.${i}.${f}`),
    );
    if (row.every((v) => !v)) continue;
    const index = milestones.length;
    let amount = 0n;
    try {
      amount = parseMoney(row[3]!, { field: `milestones.${index}.amount` });
    } catch (error) {
      if (isAppError(error)) fieldErrors[`milestones.${i}.amount`] = error.messageKey;
      else throw error;
    }
    const due = shanghaiInstant(row[4]!, true);
    if (!due) fieldErrors[`milestones.${i}.dueDate`] = "errors.challenge.field.milestones";
    milestones.push({
      name: row[0]!,
      deliverable: row[1]!,
      acceptanceCriteria: row[2]!,
      amount,
      dueDate: due ?? new Date(0),
      row: i,
    });
  }
  const deadline = shanghaiInstant(str("bidDeadline"));
  if (!deadline) fieldErrors.bidDeadline = "errors.challenge.field.bidDeadline";
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError("bad_request", "errors.challenge.invalid", { fieldErrors });
  }
  const industry = str("industry");
  const ipTerms = str("ipTerms");
  const input: ChallengeInput = {
    title: str("title"),
    problemStatement: paragraphs(str("problemStatement")),
    indicators,
    industry: (INDUSTRIES as readonly string[]).includes(industry)
      ? (industry as ChallengeInput["industry"])
      : ("" as ChallengeInput["industry"]),
    fieldTags: str("fieldTags")
      .split(/[,，、;；]/)
      .map((t) => t.trim())
      .filter(Boolean),
    milestones: milestones.map(({ row: _row, ...m }) => m),
    bidDeadline: deadline!,
    ipTerms: (IP_TERMS as readonly string[]).includes(ipTerms)
      ? (ipTerms as ChallengeInput["ipTerms"])
      : ("" as ChallengeInput["ipTerms"]),
    domesticAllowed: form.get("domesticAllowed") === "on",
    internationalAllowed: form.get("internationalAllowed") === "on",
    individualsAllowed: form.get("individualsAllowed") === "on",
    eligibleOrgTypes: ORG_TYPES.filter((o) => form.get(`eligibleOrgTypes.${o}`) === "on"),
    visibility: form.get("visibility") === "invited" ? "invited" : "public",
    seekerAnonymous: form.get("seekerAnonymous") === "on",
  };
  // The domain names milestone rows by their position among the filled rows; the form by its row.
  const rowOf = milestones.map((m) => m.row);
  values.__milestoneRows = rowOf.join(",");
  return { input, values };
}

/** Maps the domain's "milestones.<n>.x" (n among filled rows) back to the form's row numbers. */
export function challengeFormFailure(error: unknown, values: Record<string, unknown>): Response {
  if (!isAppError(error)) throw error;
  if (error.code === "forbidden") throw Response.json({ permission: error.params.permission }, { status: 403 });
  const rows = String(values.__milestoneRows ?? "")
    .split(",")
    .filter(Boolean)
    .map(Number);
  const fieldErrors: Record<string, string> = {};
  for (const [key, message] of Object.entries(error.fieldErrors)) {
    const m = /^milestones\.(\d+)\.(.+)$/.exec(key);
    fieldErrors[m && rows[Number(m[1])] !== undefined ? `milestones.${rows[Number(m[1])]}.${m[2]}` : key] = message;
  }
  const onAField = Object.keys(fieldErrors).length > 0;
  return failureResponse(
    {
      ok: false,
      formError: onAField ? { key: "form.fixErrors" } : { key: error.messageKey, params: error.params },
      fieldErrors,
      fieldParams: error.params,
      values,
    },
    error.status,
  );
}

/** The enterprises the user may post challenges for. */
export function seekerOrganisations(current: CurrentUser) {
  return current.memberships
    .filter((m) => m.organisation.type === "enterprise")
    .map((m) => ({ id: m.organisation.id, name: m.organisation.name }));
}
