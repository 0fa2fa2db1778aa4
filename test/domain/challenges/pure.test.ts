import { describe, expect, it } from "vitest";
import { richTextToPlain, sanitizeRichText } from "#domain/challenges/sanitize.ts";
import { rankBids } from "#domain/challenges/ranking.ts";
import { parseChallenge } from "#domain/challenges/validation.ts";
import { splitPayout } from "#domain/challenges/escrow.ts";
import { bidContent, computeCommitment, verifyBidReceipt } from "#domain/challenges/receipts.ts";
import { isAppError } from "#domain/errors.ts";
import { challengeInput } from "#tests/support/challenge-factories.ts";

describe("sanitizeRichText", () => {
  it("keeps the allowed tags without attributes and escapes text", () => {
    expect(sanitizeRichText('<p class="x" onclick="alert(1)">a &amp; b <b>粗</b></p>')).toBe(
      "<p>a &amp; b <b>粗</b></p>",
    );
    expect(sanitizeRichText("1 < 2 & 3 > 2")).toBe("1 &lt; 2 &amp; 3 &gt; 2");
  });

  it("drops scripts, styles, links and event handlers entirely", () => {
    const out = sanitizeRichText(
      '<script>alert(1)</script><style>p{}</style><a href="javascript:alert(1)">链接</a><img src=x onerror=alert(1)><iframe src="//evil"></iframe>文本',
    );
    expect(out).toBe("链接文本");
    expect(out).not.toMatch(/script|href|onerror|iframe|<a/i);
  });

  it("balances tags and ignores stray closers and comments", () => {
    expect(sanitizeRichText("<ul><li>一<li>二</ul></p><!-- x -->")).toBe("<ul><li>一<li>二</li></li></ul>");
    expect(sanitizeRichText("<p><strong>未闭合")).toBe("<p><strong>未闭合</strong></p>");
  });

  it("survives attribute values containing >", () => {
    expect(sanitizeRichText('<p title="a>b">文</p>')).toBe("<p>文</p>");
  });

  it("gives plain text for excerpts", () => {
    expect(richTextToPlain("<p>一&amp;二</p><p>三</p>")).toBe("一&二 三");
  });
});

describe("parseChallenge", () => {
  const now = new Date("2026-03-02T02:00:00Z");
  it("sums the milestones into the bounty and sanitizes the statement", () => {
    const parsed = parseChallenge(
      challengeInput({ now, overrides: { problemStatement: "<p>问题<script>x</script></p>" } }),
    );
    expect(parsed.bounty).toBe(100_000_000n);
    expect(parsed.problemStatement).toBe("<p>问题</p>");
  });

  it("refuses milestones due before the deadline, empty statements, no milestones, non-positive amounts, no solver origin", () => {
    const base = challengeInput({ now });
    const cases: unknown[] = [
      { ...base, milestones: [{ ...base.milestones[0]!, dueDate: now }] },
      { ...base, problemStatement: "<p> </p><script>x</script>" },
      { ...base, milestones: [] },
      { ...base, milestones: [{ ...base.milestones[0]!, amount: 0n }] },
      { ...base, domesticAllowed: false, internationalAllowed: false },
      { ...base, industry: "mining" },
      { ...base, ipTerms: "sold" },
    ];
    for (const c of cases) {
      try {
        parseChallenge(c);
        throw new Error("expected a refusal");
      } catch (error) {
        expect(isAppError(error) && error.code === "bad_request").toBe(true);
      }
    }
  });
});

describe("rankBids", () => {
  const criteria = [
    { id: "tech", weight: 40 },
    { id: "feas", weight: 30 },
    { id: "team", weight: 20 },
    { id: "price", weight: 10 },
  ];
  const all = (bidId: string, reviewerId: string, score: number) =>
    criteria.map((c) => ({ bidId, reviewerId, criterionId: c.id, score }));

  it("averages per criterion, weights, ranks and shows the spread between reviewers", () => {
    const ranked = rankBids({
      bidIds: ["a", "b"],
      criteria,
      scores: [...all("a", "r1", 90), ...all("a", "r2", 70), ...all("b", "r1", 75), ...all("b", "r2", 75)],
      recusedReviewerIds: new Set(),
    });
    expect(ranked.map((r) => [r.bidId, r.rank, r.total, r.spread])).toEqual([
      ["a", 1, 8000, 2000],
      ["b", 2, 7500, 0],
    ]);
    expect(ranked[0]!.averages.find((a) => a.criterionId === "tech")).toEqual({
      criterionId: "tech",
      average: 80,
      count: 2,
    });
    expect(ranked[0]!.complete).toBe(true);
  });

  it("excludes recused reviewers' scores", () => {
    const ranked = rankBids({
      bidIds: ["a", "b"],
      criteria,
      scores: [...all("a", "r1", 60), ...all("b", "r1", 70), ...all("a", "biased", 100), ...all("b", "biased", 0)],
      recusedReviewerIds: new Set(["biased"]),
    });
    expect(ranked.map((r) => r.bidId)).toEqual(["b", "a"]);
    expect(ranked.every((r) => r.reviewers === 1)).toBe(true);
  });

  it("gives equal totals the same rank", () => {
    const ranked = rankBids({
      bidIds: ["a", "b", "c"],
      criteria,
      scores: [...all("a", "r", 80), ...all("b", "r", 80), ...all("c", "r", 10)],
      recusedReviewerIds: new Set(),
    });
    expect(ranked.map((r) => r.rank)).toEqual([1, 1, 3]);
  });
});

describe("payout split and receipts", () => {
  it("splits 3% without losing a fen", () => {
    expect(splitPayout(60_000_000n, 300)).toEqual({ fee: 1_800_000n, payee: 58_200_000n });
    const odd = splitPayout(101n, 300);
    expect(odd.fee + odd.payee).toBe(101n);
  });

  it("a receipt verifies against the disclosed bid and detects any change", () => {
    const bid = {
      approach: "路线",
      price: 123n,
      members: [{ name: "甲", role: "负责人" }],
      teamOrganisations: ["云南大学"],
      schedule: [{ milestoneIndex: 1, days: 30 }],
      credentials: "",
    };
    const serverTime = new Date("2026-03-02T02:00:00.123Z");
    const receipt = { bidId: "b1", challengeId: "c1", serverTime, nonce: "00ff", commitment: "" };
    receipt.commitment = computeCommitment({ ...receipt, content: bidContent(bid) });
    expect(receipt.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyBidReceipt({ receipt, content: bidContent(bid) })).toBe(true);
    expect(verifyBidReceipt({ receipt, content: bidContent({ ...bid, price: 124n }) })).toBe(false);
    expect(verifyBidReceipt({ receipt, content: bidContent({ ...bid, approach: "路线 " }) })).toBe(false);
    expect(
      verifyBidReceipt({
        receipt: { ...receipt, serverTime: new Date(serverTime.getTime() + 1) },
        content: bidContent(bid),
      }),
    ).toBe(false);
    expect(verifyBidReceipt({ receipt: { ...receipt, nonce: "00fe" }, content: bidContent(bid) })).toBe(false);
    expect(verifyBidReceipt({ receipt: { ...receipt, commitment: "not-hex" }, content: bidContent(bid) })).toBe(false);
  });
});
