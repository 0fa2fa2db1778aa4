import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/**
 * A redis-server of the fault test's own, on a free port, never the shared one: the tests stop,
 * kill and restart it. Without persistence (as a Redis set up carelessly): a restart comes back
 * empty, the worst case for the job schedulers and the queued jobs.
 */
export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";

export function hasRedisServer(): boolean {
  return fs.existsSync(REDIS_SERVER);
}

export async function freePort(): Promise<number> {
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

export interface OwnRedis {
  port: number;
  url: string;
  running(): boolean;
  start(): Promise<void>;
  /** SIGKILL: what a crash or an OOM kill does. */
  kill(): Promise<void>;
  /** Killed and started again on the same port, empty. */
  restart(): Promise<void>;
  /** Killed, and its folder removed. */
  dispose(): Promise<void>;
}

export async function ownRedis(options: { port?: number; start?: boolean } = {}): Promise<OwnRedis> {
  const port = options.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-fault-redis-"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;

  const start = async () => {
    if (child) throw new Error("this Redis is already running");
    child = spawn(
      REDIS_SERVER,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore" },
    );
    const spawned = child;
    exited = new Promise((resolve) => spawned.once("exit", () => resolve()));
    const probe = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => undefined);
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        try {
          if (probe.status !== "ready") await probe.connect();
          if ((await probe.ping()) === "PONG") return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    if (!child) return;
    child.kill("SIGKILL");
    await exited;
    child = undefined;
  };
  if (options.start !== false) await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async dispose() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
