import { describe, expect, it } from "vitest";
import { isAppError } from "#domain/errors.ts";
import {
  commissionPerInstalment,
  decideRelated,
  hasContactDetails,
  normaliseRegistrationNumber,
  splitArbitration,
  splitInstalment,
  validateInstalments,
  type RelationEdge,
} from "#domain/transfer/rules.ts";
import { validateOfferInput } from "#domain/transfer/offers.ts";
import { offerProcess, dealProcess, instalmentProcess } from "#domain/transfer/process.ts";
import { offerInput } from "#tests/support/transfer-factories.ts";

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error.messageKey;
    throw error;
  }
  throw new Error("expected an AppError");
}

const NOW = new Date("2026-12-01T08:00:00Z");
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
const m = (amountFen: bigint, due: number, deliverable = "资料") => ({ amountFen, dueDate: day(due), deliverable });

describe("payment schedule", () => {
  it("accepts instalments that sum to the price in date order", () => {
    expect(() => validateInstalments(1000n, [m(600n, 1), m(400n, 30)], NOW)).not.toThrow();
  });
  it("refuses a wrong sum, zero amounts, missing deliverables, past or decreasing dates, none at all", () => {
    expect(keyOf(() => validateInstalments(1000n, [m(600n, 1), m(399n, 30)], NOW))).toBe(
      "errors.transfer.instalmentSum",
    );
    expect(keyOf(() => validateInstalments(1000n, [m(1000n, 1), m(0n, 30)], NOW))).toBe(
      "errors.transfer.instalmentAmount",
    );
    expect(keyOf(() => validateInstalments(1000n, [m(1000n, 1, " ")], NOW))).toBe(
      "errors.transfer.deliverableRequired",
    );
    expect(keyOf(() => validateInstalments(1000n, [m(1000n, -2)], NOW))).toBe("errors.transfer.instalmentDueDate");
    expect(keyOf(() => validateInstalments(1000n, [m(500n, 30), m(500n, 10)], NOW))).toBe(
      "errors.transfer.instalmentOrder",
    );
    expect(keyOf(() => validateInstalments(1000n, [], NOW))).toBe("errors.transfer.instalmentsRequired");
    expect(keyOf(() => validateInstalments(0n, [m(1n, 1)], NOW))).toBe("errors.transfer.priceRequired");
  });
});

describe("payout split", () => {
  it("takes the fee by basis points and the commission, exact to the fen", () => {
    // 3 % of 333,333 fen = 9,999.99 → 9,999 or 10,000 by largest remainder; parts always sum to the whole.
    const s = splitInstalment({
      amountFen: 333_333n,
      feeBasisPoints: 300,
      commissionFen: 16_667n,
      commissionPayer: "seller",
    });
    expect(s.fee + s.commission + s.seller).toBe(333_333n);
    expect(s.commission).toBe(16_667n);
    expect(s.fee).toBe(10_000n);
  });
  it("a buyer-paid commission comes on top: the seller gets the price minus the fee", () => {
    const s = splitInstalment({
      amountFen: 100_000n,
      feeBasisPoints: 300,
      commissionFen: 5_000n,
      commissionPayer: "buyer",
    });
    expect(s).toEqual({ fee: 3_000n, commission: 5_000n, seller: 97_000n });
  });
  it("spreads a fixed commission over instalments by largest remainder", () => {
    const parts = commissionPerInstalment([333n, 333n, 334n], { fixedFen: 100n });
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(100n);
    expect(parts).toEqual([33n, 33n, 34n]);
    // 5 % of 999 = 49.95: largest remainder gives the fen to the larger fraction (as releaseEscrow).
    expect(commissionPerInstalment([1_000n, 999n], { basisPoints: 500 })).toEqual([50n, 50n]);
    expect(commissionPerInstalment([1_001n], { basisPoints: 500 })).toEqual([50n]);
    expect(keyOf(() => commissionPerInstalment([100n], { fixedFen: 101n }))).toBe("errors.transfer.commissionTooHigh");
  });
  it("arbitration splits release and refund so that nothing is lost", () => {
    const a = splitArbitration({
      amountFen: 100_001n,
      heldFen: 105_001n,
      releaseFen: 33_333n,
      feeBasisPoints: 300,
      commissionFen: 5_000n,
      commissionPayer: "buyer",
    });
    expect(a.fee + a.commission + a.seller + a.refund).toBe(105_001n);
    const refund = splitArbitration({
      amountFen: 1000n,
      heldFen: 1000n,
      releaseFen: 0n,
      feeBasisPoints: 300,
      commissionFen: 50n,
      commissionPayer: "seller",
    });
    expect(refund).toEqual({ fee: 0n, commission: 0n, seller: 0n, refund: 1000n });
    expect(
      keyOf(() =>
        splitArbitration({
          amountFen: 10n,
          heldFen: 10n,
          releaseFen: 11n,
          feeBasisPoints: 0,
          commissionFen: 0n,
          commissionPayer: null,
        }),
      ),
    ).toBe("errors.transfer.releaseAmount");
  });
});

describe("技术合同登记号", () => {
  const date = new Date("2026-11-20T00:00:00Z");
  it("accepts the 14-digit form and the 16–18 digit form with the year, normalised", () => {
    expect(normaliseRegistrationNumber("26 5301 01 000123", date)).toBe("26530101000123");
    expect(normaliseRegistrationNumber("2026-530101-000123", date)).toBe("2026530101000123");
    expect(normaliseRegistrationNumber("202653010100012345", date)).toBe("202653010100012345");
  });
  it("refuses letters, wrong lengths, another year, an unknown province, a zero serial", () => {
    expect(keyOf(() => normaliseRegistrationNumber("2026A30101000123", date))).toBe(
      "errors.transfer.registrationNumber",
    );
    expect(keyOf(() => normaliseRegistrationNumber("202653010100", date))).toBe("errors.transfer.registrationNumber");
    expect(keyOf(() => normaliseRegistrationNumber("2025530101000123", date))).toBe("errors.transfer.registrationYear");
    expect(keyOf(() => normaliseRegistrationNumber("25530101000123", date))).toBe("errors.transfer.registrationYear");
    expect(keyOf(() => normaliseRegistrationNumber("2026990101000123", date))).toBe(
      "errors.transfer.registrationNumber",
    );
    expect(keyOf(() => normaliseRegistrationNumber("2026530101000000", date))).toBe(
      "errors.transfer.registrationNumber",
    );
  });
});

describe("related parties", () => {
  const e = (
    from: string,
    to: string,
    kind: RelationEdge["kind"],
    sharePercentBp: number | null = null,
  ): RelationEdge => ({
    fromOrganisationId: from,
    toOrganisationId: to,
    kind,
    sharePercentBp,
  });
  it("direct relations of every kind relate, in either direction; small shareholdings do not", () => {
    expect(decideRelated("a", "b", [e("b", "a", "parent")]).related).toBe(true);
    expect(decideRelated("a", "b", [e("a", "b", "same_legal_representative")]).related).toBe(true);
    expect(decideRelated("a", "b", [e("a", "b", "shareholding", 2500)]).related).toBe(true);
    expect(decideRelated("a", "b", [e("a", "b", "shareholding", 2499)]).related).toBe(false);
    expect(decideRelated("a", "b", []).related).toBe(false);
  });
  it("control is transitive (siblings, grandparent), influence is not", () => {
    const group = [e("p", "a", "parent"), e("p", "b", "shareholding", 5100)];
    const sibling = decideRelated("a", "b", group);
    expect(sibling.related).toBe(true);
    expect(sibling.path).toHaveLength(2);
    expect(decideRelated("a", "c", [e("a", "b", "parent"), e("b", "c", "parent")]).related).toBe(true);
    expect(decideRelated("a", "c", [e("a", "b", "shareholding", 3000), e("b", "c", "parent")]).related).toBe(false);
    expect(
      decideRelated("a", "c", [e("a", "b", "same_legal_representative"), e("b", "c", "same_legal_representative")])
        .related,
    ).toBe(false);
  });
});

describe("offer input", () => {
  it("normalises a valid offer and refuses contact details, bad TRL, missing licence kinds, price rules", () => {
    const ok = validateOfferInput(offerInput({ fieldTags: [" 新材料 ", "新材料", "电池"] }));
    expect(ok.fieldTags).toEqual(["新材料", "电池"]);
    expect(ok.rights[1]!.legalStatus).toBe("not_applicable");
    expect(keyOf(() => validateOfferInput(offerInput({ summary: "请致电 13812345678 联系" })))).toBe(
      "errors.transfer.contactInSummary",
    );
    expect(keyOf(() => validateOfferInput(offerInput({ trl: 10 })))).toBe("errors.transfer.trlRange");
    expect(keyOf(() => validateOfferInput(offerInput({ dealModes: ["licence"], licenceKinds: [] })))).toBe(
      "errors.transfer.licenceKindsRequired",
    );
    expect(keyOf(() => validateOfferInput(offerInput({ pricing: "negotiable", priceFen: 1n })))).toBe(
      "errors.transfer.priceNotAllowed",
    );
    expect(keyOf(() => validateOfferInput(offerInput({ pricing: "listed", priceFen: null })))).toBe(
      "errors.transfer.priceRequired",
    );
    expect(
      keyOf(() =>
        validateOfferInput(offerInput({ rights: [{ kind: "invention_patent", number: "", legalStatus: "granted" }] })),
      ),
    ).toBe("errors.transfer.rightNumberRequired");
    expect(hasContactDetails("联系邮箱 a.b@example.cn")).toBe(true);
    expect(hasContactDetails("TRL 6，已完成中试 2000 小时")).toBe(false);
  });
});

describe("process declarations", () => {
  it("declare the states of the issue with their terminals", () => {
    expect(offerProcess.states).toEqual([
      "draft",
      "published",
      "under_negotiation",
      "transferred",
      "licensed",
      "withdrawn",
      "expired",
    ]);
    expect(dealProcess.terminal).toEqual(["completed", "cancelled"]);
    expect(Object.keys(instalmentProcess.transitions)).toEqual(["fund", "deliver", "confirm", "settle", "drop"]);
  });
});
