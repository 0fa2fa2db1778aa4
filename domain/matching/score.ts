/**
 * How well a candidate (an offer, a researcher, an organisation, a challenge) fits a subject (a
 * challenge, an offer, a researcher), and why. Pure: the caller gathers the signals from the
 * search engine (text relevance) and the database (track record); docs/decisions/0014-matching.md.
 */
export interface MatchSignals {
  /** The candidate's place in the engine's ranking for the subject's text (0 = first), or null when it was not found by text. */
  textRank: number | null;
  /** How many hits the text search returned (the rank is read against it). */
  textHits: number;
  /** Words of the subject the engine marked in the candidate's text. */
  sharedTerms: readonly string[];
  subjectFields: readonly string[];
  candidateFields: readonly string[];
  subjectIndustry?: string | undefined;
  candidateIndustries: readonly string[];
  subjectZone?: string | undefined;
  candidateZones: readonly string[];
  history: MatchHistory;
}

export interface MatchHistory {
  /** Challenges won (揭榜成功) in the subject's fields or industry, or overall for a seeker. */
  awards: number;
  /** Milestones the seeker accepted (验收) on those challenges. */
  acceptedMilestones: number;
  /** Completed technology-transfer deals (issue 5; 0 until deals exist). */
  completedDeals: number;
  /** The record is a seeker's (challenges awarded, milestones it accepted), not a solver's. */
  seeker?: boolean;
}

export type MatchReason =
  | { kind: "terms"; terms: string[] }
  | { kind: "fields"; fields: string[] }
  | { kind: "industry"; industry: string }
  | { kind: "zone"; zone: string }
  | { kind: "history"; awards: number; acceptedMilestones: number; completedDeals: number; seeker?: boolean };

export interface MatchScore {
  /** 0–100. */
  score: number;
  /** Each part's contribution in points, for the explanation and for tuning. */
  parts: { text: number; fields: number; industry: number; zone: number; history: number };
  reasons: MatchReason[];
}

/** Points each signal can bring; they sum to 100. */
export const MATCH_WEIGHTS = { text: 35, fields: 25, industry: 15, zone: 10, history: 15 } as const;

/** The digest only tells people about matches at least this good. */
export const DIGEST_THRESHOLD = 60;

function normalise(word: string): string {
  return word.trim().toLowerCase();
}

function shared(a: readonly string[], b: readonly string[]): string[] {
  const right = new Set(b.map(normalise));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of a) {
    const key = normalise(word);
    if (key && right.has(key) && !seen.has(key)) {
      seen.add(key);
      out.push(word.trim());
    }
  }
  return out;
}

/**
 * text: how many of the subject's words the engine marked in the candidate (3 or more count
 * fully), scaled from half (last hit) to full (first hit) by the engine's rank. fields: shared tags over the smaller tag
 * list, so a specialist with two of the challenge's five tags is not drowned by a long list.
 * history: saturating, so a long record helps but cannot outweigh a poor fit; an award weighs 2,
 * a completed deal 1.5, an accepted milestone 0.5: 1 − e^(−(2a + 1.5d + 0.5m)/3).
 */
export function scoreMatch(signals: MatchSignals): MatchScore {
  const terms = [...new Set(signals.sharedTerms.map((t) => t.trim()).filter(Boolean))];
  const rankPart =
    signals.textRank === null || signals.textHits <= 0
      ? 0
      : 1 - Math.min(signals.textRank, signals.textHits - 1) / signals.textHits;
  const termPart = Math.min(terms.length, 3) / 3;
  // Shared words carry the text points; the rank only scales them (half to full), so a single
  // hit on one incidental word (an organisation's name) cannot outweigh a record in the field.
  const text = termPart * (0.5 + 0.5 * rankPart);

  const fields = shared(signals.subjectFields, signals.candidateFields);
  const smaller = Math.min(
    new Set(signals.subjectFields.map(normalise)).size,
    new Set(signals.candidateFields.map(normalise)).size,
  );
  const fieldPart = smaller === 0 ? 0 : fields.length / smaller;

  const industry =
    signals.subjectIndustry !== undefined && signals.candidateIndustries.includes(signals.subjectIndustry)
      ? signals.subjectIndustry
      : undefined;
  const zone =
    signals.subjectZone !== undefined && signals.candidateZones.includes(signals.subjectZone)
      ? signals.subjectZone
      : undefined;

  const { awards, acceptedMilestones, completedDeals } = signals.history;
  const record = Math.max(0, 2 * awards + 1.5 * completedDeals + 0.5 * acceptedMilestones);
  const historyPart = 1 - Math.exp(-record / 3);

  const parts = {
    text: MATCH_WEIGHTS.text * text,
    fields: MATCH_WEIGHTS.fields * fieldPart,
    industry: industry ? MATCH_WEIGHTS.industry : 0,
    zone: zone ? MATCH_WEIGHTS.zone : 0,
    history: MATCH_WEIGHTS.history * historyPart,
  };
  const score = Math.round(Math.min(100, parts.text + parts.fields + parts.industry + parts.zone + parts.history));

  const reasons: MatchReason[] = [];
  if (terms.length > 0) reasons.push({ kind: "terms", terms: terms.slice(0, 8) });
  if (fields.length > 0) reasons.push({ kind: "fields", fields });
  if (industry) reasons.push({ kind: "industry", industry });
  if (zone) reasons.push({ kind: "zone", zone });
  if (record > 0)
    reasons.push({
      kind: "history",
      awards,
      acceptedMilestones,
      completedDeals,
      ...(signals.history.seeker ? { seeker: true } : {}),
    });
  return { score, parts, reasons };
}

/** The words inside <mark>…</mark> of the engine's highlighted (escaped) HTML. */
export function markedTerms(highlights: readonly (string | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const html of highlights) {
    if (!html) continue;
    for (const match of html.matchAll(/<mark>(.*?)<\/mark>/g)) {
      const text = match[1]!
        .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
        .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name] ?? "")
        .trim();
      if (text) terms.add(text);
    }
  }
  return [...terms];
}
