import { challengesIndexDefinition } from "./challenges.ts";
import type { IndexDefinition } from "./definition.ts";
import { organisationsIndexDefinition, providersIndexDefinition } from "./organisations.ts";
import { offersIndexDefinition } from "./offers.ts";
import { peopleIndexDefinition } from "./people.ts";

export type { IndexDefinition } from "./definition.ts";

/**
 * Every search index. Tech-transfer offers (科技成果, issue 5) are `offers`: public offers on the
 * market only, with the same rule as challenges (load answers null for anything not public).
 */
export const searchIndexes: readonly IndexDefinition[] = [
  challengesIndexDefinition,
  peopleIndexDefinition,
  organisationsIndexDefinition,
  providersIndexDefinition,
  offersIndexDefinition,
];

export const searchIndexNames = ["challenges", "people", "organisations", "providers", "offers"] as const;
export type SearchIndexName = (typeof searchIndexNames)[number];

export function indexDefinition(name: string): IndexDefinition | undefined {
  return searchIndexes.find((d) => d.name === name);
}
