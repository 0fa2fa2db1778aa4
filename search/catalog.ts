/**
 * What the search page offers for each index: its tab, facets, sorts, amount range, highlighted
 * attributes and where a hit links. Data only (no engine code), so the page is driven by this
 * list: an index joins the page by one entry here, and an entry whose index does not exist
 * (offers before issue 5 is deployed) is simply not shown (app/utils/search.server.ts).
 */
export interface SearchFacet {
  /** URL parameter, repeated for several values: `?industry=new_materials&industry=biomedicine`. */
  param: string;
  attribute: string;
  /** Translation key prefix for values (`challenge.industry.` + value); raw values otherwise. */
  valueKeyPrefix?: string;
  /** Values are zone codes, shown by the zone's name. */
  zone?: boolean;
}

export interface SearchKind {
  /** The `kind` URL parameter and the tab. */
  kind: string;
  index: string;
  /** Translation key of the tab. */
  labelKey: string;
  titleAttribute: string;
  /** The attribute shown as a snippet under the title. */
  snippetAttribute?: string;
  facets: SearchFacet[];
  /** The page's sort choices → the engine's sort clause (relevance: none). */
  sorts: Partial<Record<SearchSortChoice, string>>;
  /** An amount in fen filtered by the `min`/`max` yuan parameters. */
  amountAttribute?: string;
  /** Detail page of a hit; none for kinds without a page yet. */
  href?: (id: string) => string;
}

export const SEARCH_SORT_CHOICES = ["relevance", "newest", "deadline", "amount"] as const;
export type SearchSortChoice = (typeof SEARCH_SORT_CHOICES)[number];

export const searchKinds: readonly SearchKind[] = [
  {
    kind: "challenges",
    index: "challenges",
    labelKey: "search.kind.challenges",
    titleAttribute: "title",
    snippetAttribute: "problem",
    facets: [
      { param: "industry", attribute: "industry", valueKeyPrefix: "challenge.industry." },
      { param: "field", attribute: "fieldTags" },
      { param: "zone", attribute: "zone", zone: true },
      { param: "status", attribute: "status", valueKeyPrefix: "challenge.status." },
      { param: "orgType", attribute: "organisationType", valueKeyPrefix: "orgType." },
    ],
    sorts: { newest: "publishedAt:desc", deadline: "bidDeadline:asc", amount: "bountyFen:desc" },
    amountAttribute: "bountyFen",
    href: (id) => `/challenges/${id}`,
  },
  {
    kind: "offers",
    index: "offers",
    labelKey: "search.kind.offers",
    titleAttribute: "title",
    snippetAttribute: "summary",
    facets: [
      { param: "industry", attribute: "industry", valueKeyPrefix: "challenge.industry." },
      { param: "field", attribute: "fieldTags" },
      { param: "deal", attribute: "dealModes", valueKeyPrefix: "transfer.mode." },
      { param: "pricing", attribute: "pricing", valueKeyPrefix: "transfer.pricing." },
      { param: "zone", attribute: "zone", zone: true },
      { param: "status", attribute: "status", valueKeyPrefix: "transfer.offerStatus." },
      { param: "orgType", attribute: "ownerOrganisationType", valueKeyPrefix: "orgType." },
    ],
    sorts: { newest: "publishedAt:desc", amount: "priceFen:desc" },
    amountAttribute: "priceFen",
    href: (id) => `/offers/${id}`,
  },
  {
    kind: "people",
    index: "people",
    labelKey: "search.kind.people",
    titleAttribute: "name",
    snippetAttribute: "organisationNames",
    facets: [
      { param: "role", attribute: "roles", valueKeyPrefix: "personalRole." },
      { param: "zone", attribute: "zone", zone: true },
      { param: "orgType", attribute: "organisationTypes", valueKeyPrefix: "orgType." },
    ],
    sorts: { newest: "createdAt:desc" },
  },
  {
    kind: "organisations",
    index: "organisations",
    labelKey: "search.kind.organisations",
    titleAttribute: "name",
    facets: [
      { param: "orgType", attribute: "type", valueKeyPrefix: "orgType." },
      { param: "zone", attribute: "zone", zone: true },
    ],
    sorts: { newest: "createdAt:desc" },
  },
  {
    kind: "providers",
    index: "providers",
    labelKey: "search.kind.providers",
    titleAttribute: "name",
    facets: [{ param: "zone", attribute: "zone", zone: true }],
    sorts: { newest: "createdAt:desc" },
  },
];

/** Amount ranges offered with counts, in yuan (the `min`/`max` parameters); the last has no upper bound. */
export const AMOUNT_BUCKETS_YUAN: readonly [number, number | null][] = [
  [0, 100_000],
  [100_000, 500_000],
  [500_000, 1_000_000],
  [1_000_000, 5_000_000],
  [5_000_000, null],
];
