import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");

/**
 * These tests serve the real build; `npm test` builds only after the unit project, so on a fresh
 * clone they build it themselves (under a second or ten; the later `remix build` replaces it).
 */
export function ensureBuild(): void {
  if (fs.existsSync(path.join(root, "build", "index.js"))) return;
  const result = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["build"], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
}
