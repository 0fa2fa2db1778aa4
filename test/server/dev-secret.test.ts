import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { devSessionSecret } from "../../server/dev-secret.ts";

/** Issue 12, ADR 0021: without SESSION_SECRET outside production, a restart keeps open forms valid. */
describe("the development session secret", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-secret-")), ".data");
    dirs.push(path.dirname(dir));
    return dir;
  };

  it("is made once, kept in a 0600 file, and the same after a restart", () => {
    const dir = tempDir();
    const first = devSessionSecret(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dir, "session-secret");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(devSessionSecret(dir)).toBe(first);
  });

  it("replaces a file too short to be a secret", () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "session-secret"), "short\n");
    const secret = devSessionSecret(dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(devSessionSecret(dir)).toBe(secret);
  });
});
