import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#domain/db/client.ts";
import { lockPathOf } from "#domain/db/lock.ts";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { freePort, portIsOpen, repoRoot, spawnInRepo, spawnTsx } from "#tests/support/spawn.ts";

/** ADR 0025: what `npm run serve` does before it serves, and how it stops. */

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-start-"));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("server start-up checks", () => {
  it("refuses a busy port with one line, before it opens the database", async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    const dir = tmpDir();
    try {
      const run = spawnTsx("server/start.ts", { PORT: String(port), HOST: "127.0.0.1", PGLITE_DIR: dir });
      expect(await run.exited(30_000)).toBe(1);
      expect(run.stderr().trim()).toBe(
        `Port ${port} on 127.0.0.1 is already in use: stop the other server or set PORT.`,
      );
      // Neither the database nor its lock was touched.
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(fs.existsSync(lockPathOf(dir))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("refuses a second process on the same PGlite folder, and takes over a stale lock", async () => {
    const dir = path.join(tmpDir(), "pglite");
    fs.mkdirSync(dir);
    // A previous owner crashed: its pid no longer runs.
    fs.writeFileSync(lockPathOf(dir), `${await deadPid()}\n`);
    const database = await openDatabase({ dataDir: dir });
    try {
      expect(fs.readFileSync(lockPathOf(dir), "utf8").trim()).toBe(String(process.pid));
      const second = spawnTsx("server/start.ts", {
        PORT: String(await freePort()),
        HOST: "127.0.0.1",
        PGLITE_DIR: dir,
      });
      expect(await second.exited(60_000)).toBe(1);
      const lines = second.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`The embedded database ${dir} is in use by process ${process.pid}`);
      // The same for every other entry point that opens the folder.
      const migrate = spawnTsx("scripts/db-migrate.ts", { PGLITE_DIR: dir });
      expect(await migrate.exited(60_000)).toBe(1);
      expect(migrate.stderr()).toContain(`is in use by process ${process.pid}`);
    } finally {
      await database.close();
    }
    expect(fs.existsSync(lockPathOf(dir))).toBe(false);
  });
});

describe("npm run serve stops on SIGTERM sent to npm", () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(repoRoot, "build", "index.js"))) {
      execFileSync(
        process.execPath,
        [path.join(repoRoot, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"],
        {
          cwd: repoRoot,
          stdio: "ignore",
        },
      );
    }
    if (hasPostgres()) database = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it("runs the graceful shutdown and frees the port within seconds", async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      SEED_DEMO: "0",
      ...(database?.url ? { DATABASE_URL: database.url } : { PGLITE_DIR: path.join(tmpDir(), "pglite") }),
    };
    const npm = spawnInRepo("npm", ["run", "serve"], env);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (npm.child.exitCode !== null) throw new Error(`server exited during start-up:\n${npm.output()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${npm.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const sentAt = Date.now();
    process.kill(npm.child.pid!, "SIGTERM");
    await npm.exited(10_000);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(npm.output()).toContain('"signal":"SIGTERM","msg":"shutting down"');
    expect(await portIsOpen(port)).toBe(false);
  }, 120_000);
});
