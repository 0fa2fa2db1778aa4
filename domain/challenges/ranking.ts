/**
 * The review's arithmetic, pure (no database): weighted criteria, per-criterion averages over the
 * reviewers who are not recused, the weighted total, and the spread between reviewers (the
 * highest minus the lowest of each reviewer's own weighted total) so a split panel is visible.
 * Scores are 0–100 per criterion; weights are percentages summing to 100. Totals are in
 * hundredths of a point (integers) to keep the ordering exact.
 */
export interface RankCriterion {
  id: string;
  weight: number;
}

export interface RankScore {
  bidId: string;
  reviewerId: string;
  criterionId: string;
  score: number;
}

export interface RankedBid {
  bidId: string;
  rank: number;
  /** Σ weight × average, in hundredths of a point (0–10000). */
  total: number;
  averages: { criterionId: string; average: number | null; count: number }[];
  /** Max minus min of reviewers' weighted totals, in hundredths (0 with one reviewer). */
  spread: number;
  reviewers: number;
  /** Every counted reviewer scored every criterion. */
  complete: boolean;
}

export function rankBids(options: {
  bidIds: string[];
  criteria: RankCriterion[];
  scores: RankScore[];
  recusedReviewerIds: ReadonlySet<string>;
}): RankedBid[] {
  const { criteria, recusedReviewerIds } = options;
  const counted = options.scores.filter((s) => !recusedReviewerIds.has(s.reviewerId));
  const rows = options.bidIds.map((bidId) => {
    const mine = counted.filter((s) => s.bidId === bidId);
    const reviewers = [...new Set(mine.map((s) => s.reviewerId))];
    const averages = criteria.map((c) => {
      const values = mine.filter((s) => s.criterionId === c.id).map((s) => s.score);
      return {
        criterionId: c.id,
        average: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
        count: values.length,
      };
    });
    const total = Math.round(criteria.reduce((sum, c, i) => sum + c.weight * (averages[i]!.average ?? 0), 0));
    const perReviewer = reviewers.map((r) =>
      criteria.reduce(
        (sum, c) => sum + c.weight * (mine.find((s) => s.reviewerId === r && s.criterionId === c.id)?.score ?? 0),
        0,
      ),
    );
    const spread = perReviewer.length ? Math.max(...perReviewer) - Math.min(...perReviewer) : 0;
    const complete =
      reviewers.length > 0 &&
      reviewers.every((r) => criteria.every((c) => mine.some((s) => s.reviewerId === r && s.criterionId === c.id)));
    return { bidId, rank: 0, total, averages, spread, reviewers: reviewers.length, complete };
  });
  rows.sort((a, b) => b.total - a.total || a.spread - b.spread || a.bidId.localeCompare(b.bidId));
  let rank = 0;
  rows.forEach((row, i) => {
    rank = i > 0 && rows[i - 1]!.total === row.total ? rank : i + 1;
    row.rank = rank;
  });
  return rows;
}
