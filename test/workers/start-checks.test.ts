import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { freePort, portIsOpen, spawnInRepo, spawnTsx } from "#tests/support/spawn.ts";

/**
 * ADR 0025: `npm run worker` checks its database and Redis before it takes a job, and exits
 * non-zero with one line; SIGTERM sent to npm reaches it.
 */
const reason = "needs PostgreSQL (DATABASE_URL or TEST_DATABASE_URL): the worker only runs on PostgreSQL";
if (!hasPostgres()) console.log(`worker start checks not run: ${reason}`);

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe.skipIf(!hasPostgres())("worker start-up checks (PostgreSQL)", () => {
  let empty: TestDatabase;
  let migrated: TestDatabase;
  let closedPort: number;
  beforeAll(async () => {
    empty = await createTestDatabase({ migrate: false });
    migrated = await createTestDatabase();
    closedPort = await freePort();
  });
  afterAll(async () => {
    await empty?.close();
    await migrated?.close();
  });

  it("exits on an unmigrated database", async () => {
    const run = spawnTsx("workers/main.ts", { DATABASE_URL: empty.url, REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    expect(await run.exited(30_000)).toBe(1);
    expect(oneLine(run.stderr())).toBe("database not migrated: run npm run db:migrate");
  });

  it("exits on an unreachable database server", async () => {
    const run = spawnTsx("workers/main.ts", {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/jiebang`,
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    });
    expect(await run.exited(30_000)).toBe(1);
    expect(oneLine(run.stderr())).toBe(`database unreachable at 127.0.0.1:${closedPort}`);
  });

  it("names a database role that does not exist", async () => {
    const url = new URL(migrated.url!);
    url.username = "jiebang_no_such_role";
    const run = spawnTsx("workers/main.ts", {
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    });
    expect(await run.exited(30_000)).toBe(1);
    const line = oneLine(run.stderr());
    expect(line).toContain('database role "jiebang_no_such_role" may not connect');
    expect(line).toContain('role "jiebang_no_such_role" does not exist');
  });

  it("exits on an unreachable Redis", async () => {
    const run = spawnTsx("workers/main.ts", {
      DATABASE_URL: migrated.url,
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    });
    expect(await run.exited(30_000)).toBe(1);
    expect(oneLine(run.stderr())).toBe(`Redis is unreachable at 127.0.0.1:${closedPort}`);
  });

  describe("npm run worker on its own Redis server", () => {
    let redis: ChildProcess | undefined;
    let redisPort: number;
    beforeAll(async () => {
      redisPort = await freePort();
      redis = spawn(
        "/usr/bin/redis-server",
        ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {
          stdio: "ignore",
        },
      );
      for (let i = 0; i < 100 && !(await portIsOpen(redisPort)); i++) await new Promise((r) => setTimeout(r, 50));
    });
    afterAll(() => {
      redis?.kill("SIGKILL");
    });

    it("stops cleanly on SIGTERM sent to npm", async () => {
      const npm = spawnInRepo("npm", ["run", "worker"], {
        DATABASE_URL: migrated.url,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        LOG_LEVEL: "info",
      });
      const deadline = Date.now() + 60_000;
      while (!npm.output().includes("job runner started")) {
        if (npm.child.exitCode !== null) throw new Error(`worker exited:\n${npm.output()}`);
        if (Date.now() > deadline) throw new Error(`worker did not start:\n${npm.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      process.kill(npm.child.pid!, "SIGTERM");
      expect(await npm.exited(15_000)).toBe(0);
      expect(npm.output()).toContain("worker stopped");
    }, 90_000);
  });
});
