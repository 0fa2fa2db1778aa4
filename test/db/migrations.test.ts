import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Each test starts PGlite instances (seconds each on a busy machine) besides its own work.
const SLOW = 180_000;
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  createMigration,
  markMigrationRolledBack,
  migrate,
} from "#domain/db/migrate.ts";
import { createTestDatabase, testEngines, type TestDatabase } from "#tests/support/db.ts";

const LOCK = 'provider = "postgresql"\n';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

function tempMigrations(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jb-migrations-"));
  fs.writeFileSync(path.join(dir, "migration_lock.toml"), LOCK);
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function rows(db: TestDatabase): Promise<MigrationRow[]> {
  return db.prisma.$queryRawUnsafe<MigrationRow[]>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
}

const WITH_FUNCTION = `CREATE TABLE "Account" ("id" TEXT PRIMARY KEY, "balance" BIGINT NOT NULL DEFAULT 0);

-- Hand-written: a plpgsql body full of semicolons, and a string containing one.
CREATE FUNCTION account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.balance < 0 THEN
    RAISE EXCEPTION 'balance below zero; refused';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER account_guard BEFORE INSERT OR UPDATE ON "Account" FOR EACH ROW EXECUTE FUNCTION account_guard();
ALTER TABLE "Account" ADD CONSTRAINT account_id_not_blank CHECK (length("id") > 0);
CREATE UNIQUE INDEX account_one_rich ON "Account" ((true)) WHERE balance > 1000000;
COMMENT ON TABLE "Account" IS 'semi;colons;in;strings';
`;

describe.each(testEngines())("migrate on %s", { timeout: SLOW }, (engine) => {
  const opened: TestDatabase[] = [];
  const dirs: string[] = [];
  const fresh = async () => {
    const db = await createTestDatabase({ engine, migrate: false });
    opened.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("applies the project's migrations once; the second run is a no-op; checksums are the files' sha256", async () => {
    const db = await fresh();
    const names = fs
      .readdirSync(DEFAULT_MIGRATIONS_DIR)
      .filter((name) => /^\d{14}_/.test(name))
      .sort();
    expect(await migrate(db)).toEqual(names);
    expect(await migrate(db)).toEqual([]);
    const applied = await rows(db);
    expect(applied.map((row) => row.migration_name)).toEqual(names);
    for (const row of applied) {
      const sql = fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(crypto.createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it("applies a migration with a $$ plpgsql body, CHECK constraint and partial unique index intact", async () => {
    const dir = tempMigrations({ "20260101000000_accounts": WITH_FUNCTION });
    dirs.push(dir);
    const db = await fresh();
    expect(await migrate(db, { migrationsDir: dir })).toEqual(["20260101000000_accounts"]);
    await db.prisma.$executeRawUnsafe(`INSERT INTO "Account" (id, balance) VALUES ('a', 5)`);
    await expect(db.prisma.$executeRawUnsafe(`INSERT INTO "Account" (id, balance) VALUES ('b', -1)`)).rejects.toThrow(
      /balance below zero; refused/,
    );
    await expect(db.prisma.$executeRawUnsafe(`INSERT INTO "Account" (id, balance) VALUES ('', 1)`)).rejects.toThrow(
      /account_id_not_blank/,
    );
    await db.prisma.$executeRawUnsafe(`INSERT INTO "Account" (id, balance) VALUES ('r1', 2000000)`);
    await expect(
      db.prisma.$executeRawUnsafe(`INSERT INTO "Account" (id, balance) VALUES ('r2', 2000000)`),
    ).rejects.toThrow(/account_one_rich/);
  });

  it("stops at a failing migration with PostgreSQL's error, rolls it back, records nothing as applied, and recovers", async () => {
    const dir = tempMigrations({
      "20260101000000_ok": `CREATE TABLE "Good" ("id" INTEGER PRIMARY KEY);`,
      "20260102000000_broken": `CREATE TABLE "Half" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "Nowhere" VALUES (1);`,
      "20260103000000_after": `CREATE TABLE "After" ("id" INTEGER PRIMARY KEY);`,
    });
    dirs.push(dir);
    const db = await fresh();

    const failure = await migrate(db, { migrationsDir: dir }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toMatch(/20260102000000_broken/);
    expect((failure as Error).message).toMatch(/relation "Nowhere" does not exist/);

    const afterFailure = await rows(db);
    expect(afterFailure.filter((row) => row.finished_at !== null).map((row) => row.migration_name)).toEqual([
      "20260101000000_ok",
    ]);
    const broken = afterFailure.find((row) => row.migration_name === "20260102000000_broken");
    expect(broken?.finished_at).toBeNull();
    expect(broken?.logs).toMatch(/Nowhere/);
    const tables = await db.prisma.$queryRawUnsafe<{ n: string }[]>(
      `SELECT table_name AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('Half', 'After')`,
    );
    expect(tables).toEqual([]); // the broken script rolled back as a whole; the next one never ran

    // While the failure is recorded, migrate refuses (as `prisma migrate deploy` does, P3009).
    await expect(migrate(db, { migrationsDir: dir })).rejects.toThrow(/P3009|failed migrations/);

    // Fix the file, mark the failure rolled back (`prisma migrate resolve --rolled-back`), go on.
    fs.writeFileSync(
      path.join(dir, "20260102000000_broken", "migration.sql"),
      `CREATE TABLE "Half" ("id" INTEGER PRIMARY KEY);`,
    );
    await markMigrationRolledBack(db, "20260102000000_broken");
    expect(await migrate(db, { migrationsDir: dir })).toEqual(["20260102000000_broken", "20260103000000_after"]);
    const finished = (await rows(db)).filter((row) => row.finished_at !== null && row.rolled_back_at === null);
    expect(finished.map((row) => row.migration_name)).toEqual([
      "20260101000000_ok",
      "20260102000000_broken",
      "20260103000000_after",
    ]);
  });
});

describe("createMigration", { timeout: SLOW }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the CREATE TABLE for a new model, keeps hand-written SQL, and reports no changes the second time", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "jb-create-"));
    dirs.push(root);
    const schemaDir = path.join(root, "schema");
    const migrationsDir = path.join(root, "migrations");
    fs.mkdirSync(schemaDir);
    fs.writeFileSync(path.join(schemaDir, "schema.prisma"), 'datasource db {\n  provider = "postgresql"\n}\n');
    fs.writeFileSync(
      path.join(schemaDir, "widget.prisma"),
      "model Widget {\n  id    Int    @id\n  name  String\n  price BigInt\n}\n",
    );

    const first = await createMigration({
      name: "Add widgets",
      schemaDir,
      migrationsDir,
      now: new Date("2026-11-25T09:08:07Z"),
    });
    expect(first.migrationName).toBe("20261125090807_add_widgets");
    expect(first.file).toBe(path.join(migrationsDir, "20261125090807_add_widgets", "migration.sql"));
    expect(fs.readFileSync(first.file!, "utf8")).toMatch(
      /CREATE TABLE "Widget" \(\n\s+"id" INTEGER NOT NULL,\n\s+"name" TEXT NOT NULL,\n\s+"price" BIGINT NOT NULL,/,
    );
    expect(fs.readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/provider = "postgresql"/);

    // Hand-written SQL the schema does not describe: Prisma's diff must not try to drop it.
    fs.appendFileSync(
      first.file!,
      `\nCREATE FUNCTION widget_guard() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF NEW.price < 0 THEN RAISE EXCEPTION 'negative; price'; END IF;\n  RETURN NEW;\nEND;\n$$;\n` +
        `CREATE TRIGGER widget_guard BEFORE INSERT ON "Widget" FOR EACH ROW EXECUTE FUNCTION widget_guard();\n` +
        `ALTER TABLE "Widget" ADD CONSTRAINT widget_price_nonneg CHECK (price >= 0);\n` +
        `CREATE UNIQUE INDEX widget_name_paid ON "Widget"(name) WHERE price > 0;\n`,
    );
    const again = await createMigration({
      name: "again",
      schemaDir,
      migrationsDir,
      now: new Date("2026-11-25T09:09:00Z"),
    });
    expect(again).toEqual({ migrationName: null, file: null, script: "" });
    expect(fs.readdirSync(migrationsDir).sort()).toEqual(["20261125090807_add_widgets", "migration_lock.toml"]);

    // A clock behind the newest migration still sorts after it.
    fs.appendFileSync(path.join(schemaDir, "widget.prisma"), "\nmodel Gadget {\n  id Int @id\n}\n");
    const later = await createMigration({
      name: "gadgets",
      schemaDir,
      migrationsDir,
      now: new Date("2020-01-01T00:00:00Z"),
    });
    expect(later.migrationName).toBe("20261125090808_gadgets");
    expect(later.script).toMatch(/CREATE TABLE "Gadget"/);
    expect(later.script).not.toMatch(/DROP/);
  });

  it("finds no changes between prisma/schema and prisma/migrations", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "jb-create-"));
    dirs.push(root);
    const copy = path.join(root, "migrations");
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, copy, { recursive: true });
    const result = await createMigration({ name: "check", migrationsDir: copy });
    expect(result.script, "prisma/schema differs from prisma/migrations: run npm run db:migrate:create -- <name>").toBe(
      "",
    );
  });
});
