import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Static guards over app/routes: every loader and action checks who is asking (or the module says
 * why it is public with an `@public` comment), and every action reads its form through the CSRF
 * check (`readForm` or `parseForm`) before anything else can act on it.
 */
const dir = path.resolve(__dirname, "..", "..", "app", "routes");
const routes = fs
  .readdirSync(dir)
  .filter((f) => /\.tsx?$/.test(f))
  .map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), "utf8") }));

const exportsFn = (text: string, name: string) =>
  new RegExp(`export (async )?function ${name}\\b|export const ${name}\\b`).test(text);

describe("routes", () => {
  it("finds the route modules", () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it.each(routes.map((r) => [r.file, r.text] as const))("%s checks who is asking", (_file, text) => {
    if (!exportsFn(text, "loader") && !exportsFn(text, "action")) return;
    const checks = /\brequire(User|Permission)\(/.test(text) || /\/\/ @public\b/.test(text);
    expect(checks, "calls requireUser/requirePermission or explains with // @public").toBe(true);
  });

  it.each(routes.filter((r) => exportsFn(r.text, "action")).map((r) => [r.file, r.text] as const))(
    "%s reads its form through the CSRF check",
    (_file, text) => {
      const action = text.slice(text.search(/export (async )?function action\b/));
      expect(/\b(readForm|readFormOnce|parseForm)\(/.test(action), "action calls readForm(Once) or parseForm").toBe(
        true,
      );
      expect(/request\.formData\(\)/.test(action), "action must not read the form around the CSRF check").toBe(false);
    },
  );
});
