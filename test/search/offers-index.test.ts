import { describe, expect, it } from "vitest";
import { offerDocument, offerSettings } from "#search/indexes/offers.ts";
import { indexDefinition, searchIndexNames } from "#search/indexes/index.ts";

const related = {
  zones: new Map([["z1", { code: "kunming", nameZh: "昆明高新区", nameEn: "Kunming Hi-tech Zone" }]]),
  organisations: new Map([["o1", { name: "云南大学", type: "university" }]]),
};
const row = {
  id: "offer1",
  zoneId: "z1",
  ownerOrganisationId: "o1",
  title: "稀土永磁材料晶界扩散技术",
  summary: "已完成中试。",
  industry: "new_materials",
  fieldTags: ["新材料"],
  dealModes: ["transfer", "licence"],
  licenceKinds: ["ordinary"],
  pricing: "listed",
  priceFen: 100_000_000n,
  trl: 6,
  visibility: "public",
  status: "published",
  publishedAt: new Date("2026-12-01T00:00:00Z"),
  rights: [{ kind: "invention_patent" }, { kind: "invention_patent" }, { kind: "know_how" }],
};

describe("offers index", () => {
  it("documents exactly the agreed fields", () => {
    expect(offerDocument(row, related)).toEqual({
      id: "offer1",
      kind: "offer",
      title: row.title,
      summary: row.summary,
      ownerOrganisationId: "o1",
      ownerOrganisationName: "云南大学",
      ownerOrganisationType: "university",
      industry: "new_materials",
      fieldTags: ["新材料"],
      dealModes: ["transfer", "licence"],
      licenceKinds: ["ordinary"],
      pricing: "listed",
      priceFen: 100_000_000,
      trl: 6,
      rightKinds: ["invention_patent", "know_how"],
      zone: "kunming",
      zoneName: ["昆明高新区", "Kunming Hi-tech Zone"],
      status: "published",
      publishedAt: 1796083200,
    });
    expect(offerSettings.searchableAttributes).toEqual([
      "title",
      "fieldTags",
      "summary",
      "ownerOrganisationName",
      "rightKinds",
    ]);
    expect(searchIndexNames).toContain("offers");
    expect(indexDefinition("offers")).toBeDefined();
  });
  it("leaves out the price when negotiable, and drafts, sold or signed-in-only offers entirely", () => {
    expect(offerDocument({ ...row, pricing: "negotiable", priceFen: null }, related)).not.toHaveProperty("priceFen");
    expect(offerDocument({ ...row, status: "draft" }, related)).toBeNull();
    expect(offerDocument({ ...row, status: "transferred" }, related)).toBeNull();
    expect(offerDocument({ ...row, visibility: "signed_in" }, related)).toBeNull();
    expect(offerDocument({ ...row, status: "under_negotiation" }, related)).not.toBeNull();
  });
});
