/**
 * Servers of their own for the fault tests (issue 12): a PostgreSQL cluster initdb'd into a temp
 * folder and a redis-server, each on a random free port of 127.0.0.1 — never the shared 5432/6379,
 * which the fault tests stop, restart and kill. And the real processes (`workers/main.ts`,
 * `server/start.ts`) spawned against them, so a SIGKILL hits what production runs.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { openDatabase } from "#domain/db/client.ts";
import { migrate } from "#domain/db/migrate.ts";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PG_BIN = findPgBin();

function findPgBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] ? path.join(base, versions[0], "bin") : "";
}

/** Why the fault tests cannot run here, or null when they can. */
export function faultServersMissing(): string | null {
  if (!PG_BIN) return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
  if (!fs.existsSync("/usr/bin/redis-server")) return "no /usr/bin/redis-server (apt-get install redis-server)";
  return null;
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (port !== 5432 && port !== 6379) return port;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value; throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 60_000, everyMs = 200) {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(everyMs);
  }
}

// --- PostgreSQL ----------------------------------------------------------------------------------

export interface FaultPostgres {
  port: number;
  /** The cluster's `postgres` database (admin). */
  serverUrl: string;
  /** A database created and migrated for the test. */
  url: string;
  restart(): void;
  stop(): void;
  start(): void;
  close(): Promise<void>;
}

/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
function asPostgres(command: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  const [cmd, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

export async function startPostgres(): Promise<FaultPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-faults-pg-"));
  if (process.getuid?.() === 0) {
    fs.chmodSync(dir, 0o755);
    const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const log = path.join(dir, "postgres.log");
  asPostgres(path.join(PG_BIN, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  // fsync off: a clean restart (-m fast) writes everything out anyway; these tests do not crash the OS.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (...args: string[]) => asPostgres(path.join(PG_BIN, "pg_ctl"), ["-D", data, "-l", log, ...args]);
  ctl("-o", options, "-w", "start");
  const serverUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE jiebang_faults");
  await admin.end();
  const url = `postgresql://postgres@127.0.0.1:${port}/jiebang_faults`;
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  let running = true;
  return {
    port,
    serverUrl,
    url,
    restart: () => void ctl("-o", options, "-m", "fast", "-w", "restart"),
    stop: () => {
      ctl("-m", "fast", "-w", "stop");
      running = false;
    },
    start: () => {
      ctl("-o", options, "-w", "start");
      running = true;
    },
    async close() {
      if (running) ctl("-m", "immediate", "-w", "stop");
      running = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- Redis ---------------------------------------------------------------------------------------

export interface FaultRedis {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startRedis(): Promise<FaultRedis> {
  const port = await freePort();
  const child = spawn(
    "/usr/bin/redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor("redis-server to answer PING", async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      return (await client.ping()) === "PONG";
    } finally {
      client.disconnect();
    }
  });
  return {
    port,
    url,
    async close() {
      child.kill("SIGKILL");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    },
  };
}

// --- the project's processes ---------------------------------------------------------------------

export interface Spawned {
  child: ChildProcess;
  /** Everything it printed, for a failure message. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/**
 * Runs a TypeScript entry of the project (workers/main.ts, server/start.ts) the way its npm script
 * does, but without npm's shell in between, in its own process group, so SIGKILL hits tsx and the
 * node process behind it at once.
 */
export function spawnEntry(entry: string, env: Record<string, string>): Spawned {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["--max-semi-space-size=64", entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      ...env,
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    kill(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
    exited,
  };
}

export function spawnWorker(env: { DATABASE_URL: string; REDIS_URL: string }): Spawned {
  return spawnEntry("workers/main.ts", { NODE_ENV: "test", ...env });
}

/** A web process (server/start.ts) on its own port; needs a Remix build (`npx remix build`). */
export async function spawnWeb(env: { DATABASE_URL: string; REDIS_URL: string }): Promise<Spawned & { url: string }> {
  ensureBuild();
  const port = await freePort();
  const web = spawnEntry("server/start.ts", {
    NODE_ENV: "test",
    SEED_DEMO: "0",
    HOST: "127.0.0.1",
    PORT: String(port),
    SESSION_SECRET: "fault-tests-session-secret-0123456789abcdef",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the web process on ${url} to serve /healthz`,
    async () => {
      if (web.child.exitCode !== null) throw new Error(`web exited ${web.child.exitCode}: ${web.output()}`);
      return (await fetch(`${url}/healthz`)).status === 200;
    },
    90_000,
  );
  return { ...web, url };
}

let built = false;
function ensureBuild() {
  if (built || fs.existsSync(path.join(ROOT, "build", "index.js"))) return;
  const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`remix build failed: ${result.stderr}`);
  built = true;
}

/** Stops a spawned process with SIGTERM (SIGKILL after 20 s) and waits for it. */
export async function stopProcess(p: Spawned): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.kill("SIGTERM");
  const timer = setTimeout(() => p.kill("SIGKILL"), 20_000);
  await p.exited;
  clearTimeout(timer);
}
