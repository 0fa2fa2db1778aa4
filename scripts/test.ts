/**
 * `npm test`: typecheck, lint, unit and integration tests, then browser tests — and one closing
 * line `N passed, N failed` (vitest does not print that form). Says plainly which real services
 * the run uses; with CI=true a missing PostgreSQL, Redis or Chromium is a failure, not a skip.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const CI = process.env.CI === "true" || process.env.CI === "1";
const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

let passed = 0;
let failed = 0;
let skipped = 0;
const notes: string[] = [];

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n── ${label} ──`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  return result.status === 0;
}

function check(label: string, ok: boolean) {
  if (ok) passed++;
  else {
    failed++;
    notes.push(`${label}: failed`);
  }
}

function reachable(url: string | undefined, defaultPort: number): Promise<boolean> {
  if (!url) return Promise.resolve(false);
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
}

function vitest(label: string, project: string, env: NodeJS.ProcessEnv): void {
  const out = path.join(os.tmpdir(), `jiebang-vitest-${project}-${process.pid}.json`);
  fs.rmSync(out, { force: true });
  const ok = run(
    label,
    bin("vitest"),
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile=${out}`],
    env,
  );
  if (!fs.existsSync(out)) {
    check(`${label} (vitest produced no report)`, false);
    return;
  }
  const report = JSON.parse(fs.readFileSync(out, "utf8")) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no failing test but fails the run all the same.
  if (!ok && report.numFailedTests === 0) check(`${label} (a test file failed outside any test)`, false);
  else if (report.numFailedTests > 0) notes.push(`${label}: ${report.numFailedTests} failed`);
}

async function main() {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const hasPostgres = await reachable(databaseUrl, 5432);
  const hasRedis = await reachable(redisUrl, 6379);
  const hasChromium = fs.existsSync(chromium);

  console.log("jiebang tests");
  console.log(
    `  database: ${hasPostgres ? `PostgreSQL (${new URL(databaseUrl!).host})` : databaseUrl ? `PostgreSQL at ${databaseUrl} is NOT reachable` : "PGlite in memory (DATABASE_URL is not set)"}`,
  );
  console.log(
    `  redis:    ${hasRedis ? `Redis (${new URL(redisUrl!).host})` : redisUrl ? `Redis at ${redisUrl} is NOT reachable` : "not configured (REDIS_URL is not set): Redis tests will not run"}`,
  );
  console.log(
    `  browser:  ${hasChromium ? chromium : `no Chromium at ${chromium}: browser tests will not run (apt-get install chromium fonts-noto-cjk)`}`,
  );

  const missing: string[] = [];
  if (databaseUrl ? !hasPostgres : CI) missing.push("PostgreSQL");
  if (redisUrl ? !hasRedis : CI) missing.push("Redis");
  if (!hasChromium && CI) missing.push("Chromium");
  if (missing.length > 0) {
    console.error(
      `\nMissing for this run: ${missing.join(", ")}. ${CI ? "With CI=true every service is required." : "Set the URL to a running server or unset it."}`,
    );
    console.log(`0 passed, ${missing.length} failed`);
    process.exit(1);
  }

  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test" };
  check("typecheck", run("typecheck (tsc)", bin("tsc"), ["--noEmit"]));
  check("lint", run("lint (eslint)", bin("eslint"), [".", "--max-warnings", "0"]));
  check("format", run("format (prettier --check)", bin("prettier"), ["--check", ".", "--log-level", "warn"]));
  vitest("unit and integration tests", "unit", env);
  if (hasChromium) {
    check("build", run("build (remix)", bin("remix"), ["build"]));
    vitest("browser tests (Chromium)", "e2e", { ...env, CHROMIUM_PATH: chromium });
  } else {
    console.log("\nbrowser tests not run: no Chromium (apt-get install chromium fonts-noto-cjk)");
  }
  // Fault tests start PostgreSQL and Redis servers of their own on other ports (ADR 0026, 0027).
  const pgBin = fs.existsSync("/usr/lib/postgresql")
    ? fs.readdirSync("/usr/lib/postgresql").some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    : false;
  const redisServer = fs.existsSync("/usr/bin/redis-server");
  if (pgBin && redisServer && hasPostgres) {
    vitest("fault tests (servers killed and restarted)", "faults", env);
  } else if (CI) {
    check("fault tests (need PostgreSQL's server binaries, redis-server and DATABASE_URL)", false);
  } else {
    console.log(
      "\nfault tests not run: they need PostgreSQL's server binaries (apt-get install postgresql), redis-server and DATABASE_URL",
    );
  }

  console.log("");
  for (const note of notes) console.log(`  ${note}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed > 0 ? 1 : 0);
}

void main();
