import { describe, expect, it } from "vitest";
import { MATCH_WEIGHTS, markedTerms, scoreMatch, type MatchSignals } from "#domain/matching/score.ts";

const none: MatchSignals = {
  textRank: null,
  textHits: 0,
  sharedTerms: [],
  subjectFields: ["锂电池", "正极材料"],
  candidateFields: [],
  subjectIndustry: "new_materials",
  candidateIndustries: [],
  subjectZone: "kunming",
  candidateZones: [],
  history: { awards: 0, acceptedMilestones: 0, completedDeals: 0 },
};

describe("scoreMatch (pure)", () => {
  it("gives nothing, and no reason, to a candidate with nothing in common", () => {
    const s = scoreMatch(none);
    expect(s.score).toBe(0);
    expect(s.reasons).toEqual([]);
  });

  it("gives every signal its full weight for a perfect fit, and caps at 100", () => {
    const s = scoreMatch({
      ...none,
      textRank: 0,
      textHits: 1,
      sharedTerms: ["锂电池", "正极", "材料"],
      candidateFields: ["正极材料", "锂电池"],
      candidateIndustries: ["new_materials"],
      candidateZones: ["kunming"],
      history: { awards: 50, acceptedMilestones: 100, completedDeals: 10 },
    });
    expect(s.parts.text).toBe(MATCH_WEIGHTS.text);
    expect(s.parts.fields).toBe(MATCH_WEIGHTS.fields);
    expect(s.parts.industry).toBe(MATCH_WEIGHTS.industry);
    expect(s.parts.zone).toBe(MATCH_WEIGHTS.zone);
    expect(s.parts.history).toBeCloseTo(MATCH_WEIGHTS.history, 5);
    expect(s.score).toBe(100);
    expect(s.reasons.map((r) => r.kind)).toEqual(["terms", "fields", "industry", "zone", "history"]);
  });

  it("ranks a higher text hit above a lower one, all else equal", () => {
    const first = scoreMatch({ ...none, textRank: 0, textHits: 10, sharedTerms: ["锂电池"] });
    const last = scoreMatch({ ...none, textRank: 9, textHits: 10, sharedTerms: ["锂电池"] });
    expect(first.score).toBeGreaterThan(last.score);
  });

  it("reads field overlap against the smaller list, case-insensitively, and names the shared fields", () => {
    const s = scoreMatch({
      ...none,
      subjectFields: ["Lithium", "正极材料", "储能", "回收"],
      candidateFields: ["lithium"],
    });
    expect(s.parts.fields).toBe(MATCH_WEIGHTS.fields);
    expect(s.reasons).toEqual([{ kind: "fields", fields: ["Lithium"] }]);
  });

  it("lets a track record help without outweighing a poor fit", () => {
    const record = scoreMatch({ ...none, history: { awards: 20, acceptedMilestones: 40, completedDeals: 5 } });
    const fit = scoreMatch({
      ...none,
      candidateFields: ["锂电池", "正极材料"],
      candidateIndustries: ["new_materials"],
    });
    expect(record.score).toBeLessThanOrEqual(MATCH_WEIGHTS.history);
    expect(fit.score).toBeGreaterThan(record.score);
    // More record is never worse, and an award counts more than a milestone.
    const award = scoreMatch({ ...none, history: { awards: 1, acceptedMilestones: 0, completedDeals: 0 } });
    const milestone = scoreMatch({ ...none, history: { awards: 0, acceptedMilestones: 1, completedDeals: 0 } });
    expect(award.parts.history).toBeGreaterThan(milestone.parts.history);
    expect(award.reasons).toEqual([{ kind: "history", awards: 1, acceptedMilestones: 0, completedDeals: 0 }]);
  });

  it("takes the marked words out of the engine's escaped HTML", () => {
    expect(
      markedTerms([
        "高镍<mark>锂电池</mark>与<mark>正极材料</mark>",
        undefined,
        "<mark>R&#38;D</mark> <mark>锂电池</mark>",
      ]),
    ).toEqual(["锂电池", "正极材料", "R&D"]);
  });
});
