import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES, ROUTE_TABLE } from "#tests/e2e/support/authorization-table.ts";

/**
 * The authorization table (test/e2e/support/authorization-table.ts) covers every route module:
 * a new route, or a loader or action added to one, fails here until it has an entry — which the
 * e2e authorization test then checks against the real server for every role.
 */
const dir = path.resolve(__dirname, "..", "..", "app", "routes");
const routes = fs
  .readdirSync(dir)
  .filter((f) => /\.tsx?$/.test(f))
  .map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), "utf8") }));

const exportsFn = (text: string, name: string) =>
  new RegExp(`export (async )?function ${name}\\b|export const ${name}\\b`).test(text);

describe("the authorization table", () => {
  it.each(routes.map((r) => [r.file, r.text] as const))("has %s, each loader and action", (file, text) => {
    const probes = ROUTE_TABLE[file];
    expect(probes, `add ${file} to test/e2e/support/authorization-table.ts`).toBeDefined();
    if (exportsFn(text, "loader"))
      expect(
        probes!.some((p) => p.loader),
        `${file}: its loader`,
      ).toBe(true);
    else
      expect(
        probes!.some((p) => p.loader),
        `${file} has no loader`,
      ).toBe(false);
    if (exportsFn(text, "action"))
      expect(
        probes!.some((p) => p.action),
        `${file}: its action`,
      ).toBe(true);
    else
      expect(
        probes!.some((p) => p.action),
        `${file} has no action`,
      ).toBe(false);
  });

  it("names no route that does not exist", () => {
    const files = new Set(routes.map((r) => r.file));
    expect(Object.keys(ROUTE_TABLE).filter((f) => !files.has(f))).toEqual([]);
  });

  it("gives every expectation a default and only known roles", () => {
    for (const probes of Object.values(ROUTE_TABLE))
      for (const p of probes)
        for (const e of [p.loader, p.action?.expect])
          if (e) {
            expect(typeof e.other).toBe("number");
            for (const key of Object.keys(e)) expect([...ROLES, "other"]).toContain(key);
          }
  });
});
