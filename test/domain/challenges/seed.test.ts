import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "#tests/support/db.ts";
import { seedChallenges, SEEDED_STATES } from "#tests/support/challenge-factories.ts";
import { reconcileLedger } from "#domain/ledger/reconcile.ts";

describe("seedChallenges", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("creates a challenge in every state through the real process, with a balanced ledger", async () => {
    const { challenges } = await seedChallenges({ db: db.prisma });
    for (const state of SEEDED_STATES) expect(challenges[state].challenge.status, state).toBe(state);
    const report = await reconcileLedger({ db: db.prisma });
    expect(report.ok).toBe(true);
    const transitions = await db.prisma.auditEvent.count({ where: { action: { startsWith: "challenge." } } });
    expect(transitions).toBeGreaterThan(50);
  }, 120_000);
});
