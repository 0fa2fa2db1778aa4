import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";

describe.each(testEngines())("migrated test database on %s", { timeout: 120_000 }, (engine) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
  });

  it("has the foundation tables and only finished migration rows", async () => {
    const db = await createTestDatabase({ engine });
    opened.push(db);
    expect(db.kind).toBe(engine);
    const tables = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const names = tables.map((row) => row.table_name);
    expect(names).toEqual(expect.arrayContaining(["_prisma_migrations", "AuditEvent", "Zone", "Organisation"]));
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
      `SELECT migration_name, finished_at FROM _prisma_migrations`,
    );
    expect(rows.map((row) => row.migration_name)).toContain("20261125170000_foundation");
    for (const row of rows) expect(row.finished_at).toBeInstanceOf(Date);
  });

  it("gives each call its own database", async () => {
    const [a, b] = await Promise.all([createTestDatabase({ engine }), createTestDatabase({ engine })]);
    opened.push(a!, b!);
    await a!.prisma.$executeRawUnsafe(
      `INSERT INTO "Zone" (id, code, "nameZh", "nameEn", province) VALUES ('z1', 'c1', '测试', 'Test', 'P')`,
    );
    const inB = await b!.prisma.$queryRawUnsafe<unknown[]>(`SELECT id FROM "Zone"`);
    expect(inB).toHaveLength(0);
  });
});
