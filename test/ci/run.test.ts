import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const SUMMARY = /^\d+ passed, \d+ failed/;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

/**
 * Runs `.ci/run` with every machine command stubbed (PostgreSQL and Redis answer, nothing to
 * install) and `npm` replaced by `npm` (a bash body), in the TMPDIR given: what it prints.
 */
function ciRun(npm: string, tmp: string): Promise<{ lines: string[]; status: number | null }> {
  const stubs = tempDir("jiebang-ci-stubs-");
  const stub = (name: string, body: string) =>
    fs.writeFileSync(path.join(stubs, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  for (const name of ["pg_ctlcluster", "redis-server", "pg_isready", "psql", "redis-cli", "dpkg", "apt-get"])
    stub(name, "exit 0");
  stub("npm", npm);
  const child = spawn("bash", [path.join(root, ".ci", "run")], {
    env: { PATH: `${stubs}:/usr/bin:/bin`, TMPDIR: tmp, HOME: tmp, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on("close", (status) => resolve({ lines: out.trimEnd().split("\n"), status })));
}

/** An `npm` whose `ci` works and whose `test` runs `body`. */
const npmTest = (body: string) => `if [ "$1" = ci ]; then echo "npm ci output"; exit 0; fi\n${body}`;

describe(".ci/run", () => {
  it("prints the tests' summary once, as its last line, and leaves no file behind", async () => {
    const tmp = tempDir("jiebang-ci-tmp-");
    const run = await ciRun(npmTest(`echo "── unit ──"; echo "520 passed, 0 failed"; exit 0`), tmp);
    expect(run.status).toBe(0);
    expect(run.lines).toContain("── unit ──");
    expect(run.lines.filter((line) => SUMMARY.test(line))).toEqual(["520 passed, 0 failed"]);
    expect(run.lines.at(-1)).toBe("520 passed, 0 failed");
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("exits non-zero with the failing summary last", async () => {
    const run = await ciRun(
      npmTest(`echo "  browser tests: 1 failed"; echo "521 passed, 1 failed, 3 skipped"; exit 1`),
      tempDir("jiebang-ci-tmp-"),
    );
    expect(run.status).toBe(1);
    expect(run.lines.filter((line) => SUMMARY.test(line))).toEqual(["521 passed, 1 failed, 3 skipped"]);
    expect(run.lines.at(-1)).toBe("521 passed, 1 failed, 3 skipped");
  });

  it("says 0 passed, 1 failed and fails when the tests print no summary, even with status 0", async () => {
    for (const status of [0, 2]) {
      const run = await ciRun(npmTest(`echo "crashed before the summary"; exit ${status}`), tempDir("jiebang-ci-tmp-"));
      expect(run.status).not.toBe(0);
      expect(run.lines.filter((line) => SUMMARY.test(line))).toEqual(["0 passed, 1 failed"]);
      expect(run.lines.at(-1)).toBe("0 passed, 1 failed");
    }
  });

  it("ends with 0 passed, 1 failed when a step before the tests fails, and cleans up", async () => {
    const tmp = tempDir("jiebang-ci-tmp-");
    const run = await ciRun(`echo "npm ERR! network"; exit 1`, tmp);
    expect(run.status).toBe(1);
    expect(run.lines).toContain("npm ERR! network");
    expect(run.lines.at(-1)).toBe("0 passed, 1 failed");
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("keeps two runs at once apart: each reports its own summary", async () => {
    // The first run is still going when the second one writes its log.
    const tmp = tempDir("jiebang-ci-tmp-");
    const first = ciRun(npmTest(`echo "1 passed, 0 failed"; sleep 1.5`), tmp);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = ciRun(npmTest(`echo "2 passed, 0 failed"`), tmp);
    expect((await first).lines.at(-1)).toBe("1 passed, 0 failed");
    expect((await second).lines.at(-1)).toBe("2 passed, 0 failed");
  });
});
