import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchBrowser, newContext } from "./browser.ts";
import { WAIT, expectCount, expectText } from "./expect.ts";

/**
 * The page below does what React Router does after an action: the result shows at once, the
 * reloaded data a moment later. A one-shot read sees the old rows; the polled assertions wait.
 */
const PAGE = `<main>
  <p role="status" hidden></p>
  <table><tbody><tr><td>ICBC-OLD</td></tr><tr><td>ICBC-OLDER</td></tr></tbody></table>
  <button onclick="
    const status = document.querySelector('[role=status]');
    status.textContent = '已入账'; status.hidden = false;
  ">确认入账</button>
</main>`;

/** The reloaded data lands `ms` from now. */
const revalidateIn = (page: Page, ms: number) =>
  page.evaluate((ms) => {
    setTimeout(() => (document.querySelector("tbody")!.innerHTML = "<tr><td>ICBC-NEW</td></tr>"), ms);
  }, ms);

describe.skipIf(!hasChromium)("web-first assertions (support/expect.ts)", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await (await newContext(browser)).newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("waits for content that arrives after the action's first result, where a one-shot read fails", async () => {
    await page.setContent(PAGE);
    await page.getByRole("button").click();
    await expectText(page.getByRole("status")).toContain("已入账");
    const rows = page.locator("tbody tr");
    // What the ledger tests used to do: read once, right now, before the data is back.
    expect(await rows.count()).toBe(2);
    expect(await page.locator("tbody").innerText()).not.toContain("ICBC-NEW");
    await revalidateIn(page, 500);
    await expectCount(rows).toBe(1);
    await expectText(page.locator("tbody")).toContain("ICBC-NEW");
  });

  it("fails, naming the locator, when the content never comes", async () => {
    await page.setContent(PAGE);
    const started = Date.now();
    const error = await expectText(page.locator("tbody"))
      .toContain("ICBC-NEVER")
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain("text of locator('tbody')");
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT.timeout);
  }, 60_000);
});
