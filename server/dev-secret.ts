import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Outside production, without SESSION_SECRET: a secret made once and kept in `.data/session-secret`
 * (mode 0600), so that a restart does not turn every open form into "page expired" (ADR 0021).
 * Production requires SESSION_SECRET (domain/env.ts) and never reads this file.
 */
export function devSessionSecret(dir = path.resolve(".data")): string {
  const file = path.join(dir, "session-secret");
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(32).toString("hex");
  try {
    // "wx": two processes starting at once agree on the first one written.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const written = readSecret(file);
  if (written) return written;
  // Present but too short to be ours (truncated): replace it.
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return secret;
}

function readSecret(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, "utf8").trim();
    return value.length >= 32 ? value : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
