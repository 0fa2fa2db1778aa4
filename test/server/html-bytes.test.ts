import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "#tests/e2e/support/app.ts";
import { DEMO_USERS } from "../../prisma/seed.ts";
import { ensureBuild } from "./support/build.ts";
import { Client } from "./support/http.ts";

/**
 * Issue 12, ADR 0028: React 18.3's renderToPipeableStream wrote NUL bytes where multi-byte text
 * crossed its 2 KB buffer. Every page's bytes must be exactly the UTF-8 of its text.
 */
function defects(bytes: Uint8Array): string[] {
  const found: string[] = [];
  const nuls = bytes.filter((b) => b === 0).length;
  if (nuls > 0) found.push(`${nuls} NUL`);
  const text = new TextDecoder("utf-8").decode(bytes);
  if (text.includes("\uFFFD")) found.push("U+FFFD");
  return found;
}

function links(html: string, prefix: string): string[] {
  const re = new RegExp(`href="(${prefix}/[^"/?#]+)"`, "g");
  return [...new Set([...html.matchAll(re)].map((m) => m[1]!))];
}

describe("HTML bytes of every public page and the dashboards", () => {
  let app: RunningApp;
  beforeAll(async () => {
    ensureBuild();
    app = await startApp();
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("no page carries a NUL byte or U+FFFD", async () => {
    const client = new Client(app.baseUrl);
    const bad: string[] = [];
    let checked = 0;
    const check = async (c: Client, path: string) => {
      const response = await c.get(path);
      const bytes = new Uint8Array(await response.arrayBuffer());
      checked++;
      const found = defects(bytes);
      if (found.length) bad.push(`${path}: ${found.join(", ")}`);
      return new TextDecoder().decode(bytes);
    };
    await check(client, "/");
    await check(client, "/search?q=" + encodeURIComponent("锂电"));
    const challenges = await check(client, "/challenges");
    const offers = await check(client, "/offers");
    const details = [...links(challenges, "/challenges"), ...links(offers, "/offers")];
    expect(details.length).toBeGreaterThan(5);
    for (const path of details) await check(client, path);
    for (const user of DEMO_USERS.slice(0, 4)) {
      const signedIn = new Client(app.baseUrl);
      const response = await signedIn.signIn(user.email);
      const location = response.headers.get("location") ?? "/";
      await check(signedIn, location);
    }
    // Bots wait for the whole page (onAllReady before, allReady now).
    const bot = await fetch(app.baseUrl + "/challenges", { headers: { "user-agent": "Googlebot/2.1" } });
    expect(bot.status).toBe(200);
    const botFound = defects(new Uint8Array(await bot.arrayBuffer()));
    if (botFound.length) bad.push(`/challenges as a bot: ${botFound.join(", ")}`);
    console.log(`checked ${checked} pages, ${bad.length} with bad bytes`);
    expect(bad).toEqual([]);
  }, 300_000);
});
