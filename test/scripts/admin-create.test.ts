import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "#domain/db/client.ts";
import { migrate } from "#domain/db/migrate.ts";
import { verifyPassword } from "#domain/identity/passwords.ts";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";
import { spawnInRepo } from "#tests/support/spawn.ts";

/** `npm run admin:create` (ADR 0025), spawned as an operator runs it. */

let dir: string;
let testDb: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-admin-"));
  if (hasPostgres()) {
    testDb = await createTestDatabase();
    env = { DATABASE_URL: testDb.url! };
  } else {
    const dataDir = path.join(dir, "pglite");
    const database = await openDatabase({ dataDir });
    await migrate(database);
    await database.close();
    env = { PGLITE_DIR: dataDir };
  }
}, 120_000);
afterAll(async () => {
  await testDb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withDatabase<T>(fn: (db: Database["prisma"]) => Promise<T>): Promise<T> {
  if (testDb) return fn(testDb.prisma);
  const database = await openDatabase({ dataDir: env.PGLITE_DIR! });
  try {
    return await fn(database.prisma);
  } finally {
    await database.close();
  }
}

function passwordFile(content: string): string {
  const file = path.join(dir, `pw-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

const run = (args: string[], options?: { stdin?: "pipe" | "ignore" }) =>
  spawnInRepo("npm", ["run", "-s", "admin:create", "--", ...args], env, options);

describe("npm run admin:create", () => {
  it("creates a platform admin from --password-file and refuses the same email again", async () => {
    const file = passwordFile("first-admin-pass-2026\n");
    const first = run(["--email", "Ops@Jiebang.Example.CN", "--name", "运维管理员", "--password-file", file]);
    expect(await first.exited(60_000)).toBe(0);
    expect(first.output()).toContain("Platform admin ops@jiebang.example.cn created.");
    const user = await withDatabase((db) =>
      db.user.findUniqueOrThrow({ where: { email: "ops@jiebang.example.cn" }, include: { roles: true } }),
    );
    expect(user.name).toBe("运维管理员");
    expect(user.roles.map((r) => r.role)).toEqual(["platform_admin"]);
    // The trailing newline of the file is not part of the password.
    expect(await verifyPassword(user.passwordHash, "first-admin-pass-2026")).toBe(true);

    const again = run(["--email", "ops@jiebang.example.cn", "--password-file", passwordFile("other-admin-pass-2026")]);
    expect(await again.exited(60_000)).toBe(1);
    expect(again.stderr().trim()).toBe("admin:create: a user with this email already exists; nothing was changed");
    const still = await withDatabase((db) => db.user.findUniqueOrThrow({ where: { email: "ops@jiebang.example.cn" } }));
    expect(still.passwordHash).toBe(user.passwordHash);
  }, 120_000);

  it("refuses a weak password, a missing --email and a missing terminal, creating nothing", async () => {
    const before = await withDatabase((db) => db.user.count());
    const weak = run(["--email", "weak@example.cn", "--password-file", passwordFile("short\n")]);
    expect(await weak.exited(60_000)).toBe(1);
    expect(weak.stderr().trim()).toBe("admin:create: the password is too short (at least 10 characters)");
    const noEmail = run(["--password-file", passwordFile("long-enough-pass")]);
    expect(await noEmail.exited(60_000)).toBe(1);
    expect(noEmail.stderr()).toContain("admin:create: --email is required");
    const noTty = run(["--email", "notty@example.cn"]);
    expect(await noTty.exited(60_000)).toBe(1);
    expect(noTty.stderr().trim()).toBe(
      "admin:create: no terminal to ask for the password: pass --password-file FILE (the password is its first line)",
    );
    expect(await withDatabase((db) => db.user.count())).toBe(before);
  }, 120_000);

  const hasScript = fs.existsSync("/usr/bin/script");
  if (!hasScript) console.log("admin:create terminal test not run: needs util-linux's script(1) for a pseudo-terminal");
  it.skipIf(!hasScript)(
    "asks twice on a terminal without echoing the password",
    async () => {
      // script(1) gives the command a pseudo-terminal; what it echoes comes back on stdout.
      const command = `npm run -s admin:create -- --email tty@example.cn`;
      const tty = spawnInRepo("/usr/bin/script", ["-qec", command, "/dev/null"], env, { stdin: "pipe" });
      const waitFor = async (text: string) => {
        const deadline = Date.now() + 60_000;
        while (!tty.output().includes(text)) {
          if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${tty.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      await waitFor("Password for the new platform admin:");
      tty.child.stdin!.write("terminal-pass-7788\r");
      await waitFor("The same password again:");
      tty.child.stdin!.write("terminal-pass-7788\r");
      expect(await tty.exited(60_000)).toBe(0);
      expect(tty.output()).toContain("Platform admin tty@example.cn created.");
      expect(tty.output()).not.toContain("terminal-pass-7788");
      const user = await withDatabase((db) => db.user.findUniqueOrThrow({ where: { email: "tty@example.cn" } }));
      expect(await verifyPassword(user.passwordHash, "terminal-pass-7788")).toBe(true);
    },
    120_000,
  );
});
