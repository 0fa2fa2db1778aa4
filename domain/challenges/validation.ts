import { z } from "zod";
import { AppError } from "../errors.ts";
import { CHALLENGE_ERRORS, FEEDBACK_CATEGORIES, INDUSTRIES, IP_TERMS, VISIBILITIES } from "./constants.ts";
import { richTextToPlain, sanitizeRichText } from "./sanitize.ts";

const ORG_TYPES = ["enterprise", "university", "research_institute", "service_provider"] as const;
const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const fen = z.bigint().positive().max(100_000_000_000_000n);

export const milestoneInput = z.object({
  name: text(1, 200),
  deliverable: text(1, 2000),
  acceptanceCriteria: text(1, 4000),
  amount: fen,
  dueDate: z.date(),
});

export const challengeInput = z.object({
  title: text(4, 200),
  problemStatement: z.string().max(50_000),
  indicators: z
    .array(z.object({ name: text(1, 200), target: text(1, 200), unit: text(0, 40).optional() }))
    .min(1)
    .max(30),
  industry: z.enum(INDUSTRIES),
  fieldTags: z.array(text(1, 30)).max(10).default([]),
  milestones: z.array(milestoneInput).min(1).max(20),
  bidDeadline: z.date(),
  ipTerms: z.enum(IP_TERMS),
  domesticAllowed: z.boolean().default(true),
  internationalAllowed: z.boolean().default(true),
  eligibleOrgTypes: z.array(z.enum(ORG_TYPES)).max(ORG_TYPES.length).default([]),
  individualsAllowed: z.boolean().default(true),
  priceAboveBountyAllowed: z.boolean().default(false),
  visibility: z.enum(VISIBILITIES).default("public"),
  seekerAnonymous: z.boolean().default(false),
});

export type ChallengeInput = z.input<typeof challengeInput>;
export type ParsedChallenge = z.output<typeof challengeInput>;

/** The translation key of a form field's error: errors.challenge.field.<field>. */
function fieldErrors(error: z.ZodError, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    const field = issue.path.find((p) => typeof p === "string") ?? "form";
    out[path || "form"] ??= `${prefix}.${String(field)}`;
  }
  return out;
}

export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix = "errors.challenge.field",
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, { fieldErrors: fieldErrors(result.error, prefix) });
  return result.data;
}

/**
 * Parses and normalises a challenge: the problem statement sanitized (and required to have text),
 * the milestones due after the bidding deadline, the bounty their sum.
 */
export function parseChallenge(value: unknown): ParsedChallenge & { bounty: bigint } {
  const parsed = parseOrThrow(challengeInput, value);
  const problemStatement = sanitizeRichText(parsed.problemStatement);
  if (!richTextToPlain(problemStatement)) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { problemStatement: "errors.challenge.field.problemStatement" },
    });
  }
  if (!parsed.domesticAllowed && !parsed.internationalAllowed) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.invalid, {
      fieldErrors: { domesticAllowed: "errors.challenge.field.solverOrigin" },
    });
  }
  parsed.milestones.forEach((m, i) => {
    if (m.dueDate <= parsed.bidDeadline) {
      throw new AppError("bad_request", CHALLENGE_ERRORS.milestoneDueBeforeDeadline, {
        fieldErrors: { [`milestones.${i}.dueDate`]: CHALLENGE_ERRORS.milestoneDueBeforeDeadline },
      });
    }
  });
  const bounty = parsed.milestones.reduce((sum, m) => sum + m.amount, 0n);
  return { ...parsed, problemStatement, bounty };
}

export const bidInput = z.object({
  approach: text(20, 50_000),
  price: fen,
  members: z
    .array(z.object({ name: text(1, 100), role: text(1, 100), organisation: text(0, 200).optional() }))
    .max(50)
    .default([]),
  teamOrganisations: z.array(text(1, 200)).max(20).default([]),
  schedule: z
    .array(z.object({ milestoneIndex: z.number().int().min(1), days: z.number().int().min(1).max(3650) }))
    .min(1),
  credentials: text(0, 20_000).default(""),
});
export type BidInput = z.input<typeof bidInput>;
export type ParsedBid = z.output<typeof bidInput>;

export const feedbackInput = z.object({
  categories: z.array(z.enum(FEEDBACK_CATEGORIES)).min(1).max(FEEDBACK_CATEGORIES.length),
  text: text(10, 5000),
});

/** A reason the user must give (returns, withdrawals, cancellations): trimmed, 2–2000 characters. */
export function requireReason(reason: unknown): string {
  const value = typeof reason === "string" ? reason.trim() : "";
  if (value.length < 2 || value.length > 2000) {
    throw new AppError("bad_request", CHALLENGE_ERRORS.reasonRequired, {
      fieldErrors: { reason: CHALLENGE_ERRORS.reasonRequired },
    });
  }
  return value;
}
