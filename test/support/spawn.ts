import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

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

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal), or rejects after `timeoutMs`. */
  exited: (timeoutMs: number) => Promise<number | null>;
}

/**
 * Spawns a command in the repository with `env` added to a copy of process.env from which the
 * service URLs are removed (a test names the ones it wants).
 */
export function spawnInRepo(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { stdin?: "pipe" | "ignore" } = {},
): Spawned {
  const base: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: "warn" };
  for (const name of ["DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL", "MEILI_HOST", "SESSION_SECRET"])
    delete base[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  const child: ChildProcess = spawn(command, args, {
    cwd: repoRoot,
    env: base as NodeJS.ProcessEnv,
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  let output = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    stderr: () => stderr,
    exited: (timeoutMs) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${command} ${args.join(" ")} did not exit within ${timeoutMs} ms:\n${output}`));
          }, timeoutMs).unref(),
        ),
      ]),
  };
}

/** `tsx <script>` from the repository, as the npm scripts run it. */
export function spawnTsx(
  script: string,
  env: Record<string, string | undefined>,
  options?: { stdin?: "pipe" | "ignore" },
) {
  return spawnInRepo(process.execPath, ["--import", "tsx", script], env, options);
}

export async function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
