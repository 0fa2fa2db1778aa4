import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, hasPostgres, type TestDatabase } from "#tests/support/db.ts";

export interface RunningApp {
  baseUrl: string;
  /** The server's PostgreSQL database (unset on PGlite, which only the server process may open). */
  databaseUrl?: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts the real server (`tsx server/start.ts`, the `npm start` path after the build) on a fresh
 * empty database — PostgreSQL when the tests have one, PGlite otherwise — so start-up migrates
 * and seeds the demo data exactly as for a new user. Jobs run in-process.
 */
export async function startApp(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const root = path.resolve(__dirname, "..", "..", "..");
  if (!fs.existsSync(path.join(root, "build", "index.js")))
    throw new Error("run `npx remix build` before the browser tests");
  const port = await freePort();
  let database: TestDatabase | undefined;
  let pgliteDir: string | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    SEED_DEMO: "1",
  };
  delete env.REDIS_URL;
  delete env.MEILI_HOST;
  env.APP_URL = `http://localhost:${port}`;
  env.LOG_LEVEL = "warn";
  if (hasPostgres()) {
    database = await createTestDatabase({ migrate: false });
    env.DATABASE_URL = database.url;
    await database.prisma.$disconnect();
  } else {
    delete env.DATABASE_URL;
    pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-e2e-"));
    env.PGLITE_DIR = pgliteDir;
  }
  Object.assign(env, extraEnv);
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "server/start.ts"],
    {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://localhost:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    baseUrl,
    databaseUrl: database?.url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      // Kept for reading after a failure: what the server logged (warnings and errors).
      fs.mkdirSync(path.join(root, "test-results"), { recursive: true });
      fs.writeFileSync(path.join(root, "test-results", `server-${port}.log`), output);
      if (database) await database.close();
      if (pgliteDir) fs.rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}
