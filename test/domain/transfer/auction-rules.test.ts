import { describe, expect, it } from "vitest";
import {
  depositCredits,
  extendedEnd,
  forfeitureSplit,
  maskBidders,
  minimumNextBid,
  planInstalments,
} from "#domain/transfer/auction-rules.ts";

describe("auction rules (pure)", () => {
  it("minimum next bid: the reserve first, then highest + increment, never below the reserve", () => {
    expect(minimumNextBid({ reserveFen: 1000n, minIncrementFen: 100n, highestFen: null })).toBe(1000n);
    expect(minimumNextBid({ reserveFen: 1000n, minIncrementFen: 100n, highestFen: 1000n })).toBe(1100n);
    expect(minimumNextBid({ reserveFen: 1000n, minIncrementFen: 100n, highestFen: 500n })).toBe(1000n);
  });

  it("extension: only a bid inside the window moves the end, to bid time + extension", () => {
    const endsAt = new Date("2027-01-01T10:00:00Z");
    const at = (s: string) => new Date(`2027-01-01T${s}Z`);
    const ext = (bidAt: Date, windowSeconds = 300, extensionSeconds = 300) =>
      extendedEnd({ endsAt, bidAt, windowSeconds, extensionSeconds }).toISOString();
    expect(ext(at("09:54:59"))).toBe(endsAt.toISOString());
    expect(ext(at("09:55:00"))).toBe(endsAt.toISOString()); // exactly 5 min left: moved to 10:00:00, unchanged
    expect(ext(at("09:58:00"))).toBe("2027-01-01T10:03:00.000Z");
    expect(ext(at("09:59:59"))).toBe("2027-01-01T10:04:59.000Z");
    expect(ext(at("09:58:00"), 0, 0)).toBe(endsAt.toISOString());
    // A short extension never moves the end earlier.
    expect(ext(at("09:56:00"), 300, 60)).toBe(endsAt.toISOString());
  });

  it("forfeiture: the seller gets the deposit less the platform fee, exact to the fen", () => {
    expect(forfeitureSplit(5_000_000n, 300)).toEqual({ fee: 150_000n, seller: 4_850_000n });
    for (const d of [1n, 33n, 3_333_333n, 9_999_999_999n]) {
      const s = forfeitureSplit(d, 300);
      expect(s.fee + s.seller).toBe(d);
      expect(s.fee).toBeLessThanOrEqual((d * 300n + 9999n) / 10_000n);
    }
  });

  it("the winning price as instalments sums to the price; the deposit counts toward the first ones", () => {
    const plan = [
      { shareBp: 3333, dueDays: 0, deliverable: "a" },
      { shareBp: 3333, dueDays: 30, deliverable: "b" },
      { shareBp: 3334, dueDays: 60, deliverable: "c" },
    ];
    const closedAt = new Date("2027-01-01T00:00:00Z");
    const m = planInstalments(10_000_001n, plan, closedAt);
    expect(m.reduce((s, x) => s + x.amountFen, 0n)).toBe(10_000_001n);
    expect(m[2]!.dueDate.toISOString()).toBe("2027-03-02T00:00:00.000Z");
    expect(depositCredits([100n, 200n, 300n], 250n)).toEqual([100n, 150n, 0n]);
    expect(depositCredits([100n, 200n], 0n)).toEqual([0n, 0n]);
    expect(depositCredits([100n, 200n], 300n)).toEqual([100n, 200n]);
  });

  it("bidders are numbered by their first bid", () => {
    const t = (s: number) => new Date(1_000_000 + s);
    const m = maskBidders([
      { organisationId: "b", createdAt: t(2) },
      { organisationId: "a", createdAt: t(1) },
      { organisationId: "b", createdAt: t(3) },
    ]);
    expect([...m]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });
});
