import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, screenshot, step, visible, withPage } from "./support/browser.ts";
import { WAIT, expectAttribute, expectChecked, expectCount, expectText, settled } from "./support/expect.ts";

describe.skipIf(!hasChromium)("search and matching in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("suggests as you type in the header, opens results, applies a facet and shares the URL", async () => {
    let shared = "";
    await withPage(browser, async (page) => {
      await step(page, "suggestions", async () => {
        await page.goto(`${app.baseUrl}/`);
        const box = page.getByTestId("header-search");
        await box.pressSequentially("锂电", { delay: 60 });
        const listbox = page.getByRole("listbox");
        await visible(listbox.getByRole("option"));
        await expectAttribute(box, "aria-expanded").toBe("true");
        await expectCount(listbox.locator("mark")).toBeGreaterThan(0);
        await screenshot(page, "search-suggestions-zh");
        // Keyboard: ↓ selects the first suggestion, Escape closes the list.
        await box.press("ArrowDown");
        await expectAttribute(box, "aria-activedescendant").toBeTruthy();
        await box.press("Escape");
        await expect.poll(() => listbox.isHidden(), WAIT).toBe(true);
      });
      await step(page, "results", async () => {
        await Promise.all([page.waitForURL(/\/search\?q=/), page.getByTestId("header-search").press("Enter")]);
        await visible(page.getByTestId("search-hits"));
        await expectText(page.locator(".search-hit h3")).not.toBe("");
        await expectCount(page.locator(".search-hits mark")).toBeGreaterThan(0);
        await screenshot(page, "search-results-zh");
      });
      await step(page, "facet", async () => {
        const before = await page.locator(".search-hit").count();
        const facet = page.locator('input[name="industry"]').first();
        const value = await facet.getAttribute("value");
        await Promise.all([page.waitForURL(new RegExp(`industry=${value}`)), facet.check()]);
        // The URL changes before the filtered hits render; the next step follows the first of them.
        await settled(page);
        await visible(page.getByTestId("search-hits"));
        await expectCount(page.locator(".search-hit")).toBeLessThanOrEqual(before);
        await expectChecked(page.locator(`input[name="industry"][value="${value}"]`)).toBe(true);
        shared = page.url();
        await screenshot(page, "search-facet-zh");
      });
      await step(page, "open-result", async () => {
        const link = page.locator(".search-hit h3 a").first();
        const href = await link.getAttribute("href");
        await Promise.all([page.waitForURL(`${app.baseUrl}${href}`), link.click()]);
        expect(href).toMatch(/^\/challenges\//);
      });
    });
    // The shared URL shows the same state in a new browser context.
    await withPage(browser, async (page) => {
      await step(page, "shared-url", async () => {
        await page.goto(shared);
        const checked = page.locator('input[name="industry"]:checked');
        await expectCount(checked).toBe(1);
        await visible(page.getByTestId("search-hits"));
      });
    });
  });

  it("works without JavaScript, and a bad filter is a message, not an error page", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "en" });
    const page = await context.newPage();
    try {
      await step(page, "no-js-form", async () => {
        await page.goto(`${app.baseUrl}/search`);
        await page.locator("#search-q").fill("锂电池");
        await Promise.all([page.waitForURL(/q=%E9%94%82/), page.locator(".search-query").getByRole("button").click()]);
        await visible(page.getByTestId("search-hits"));
        const facet = page.locator('input[name="industry"]').first();
        await facet.check();
        await Promise.all([page.waitForURL(/industry=/), page.locator(".search-facets button[type=submit]").click()]);
        await visible(page.getByTestId("search-hits"));
      });
      await step(page, "bad-filter", async () => {
        const response = await page.goto(`${app.baseUrl}/search?q=x&min=abc&sort=sideways&kind=challenges`);
        expect(response?.status()).toBe(200);
        await expectText(page.getByTestId("search-messages")).toMatch(/abc|金额/);
        await screenshot(page, "search-bad-filter");
      });
    } finally {
      await context.close();
    }
  });

  it("shows pages in English and the researcher's matches", async () => {
    await withPage(
      browser,
      async (page) => {
        await step(page, "english", async () => {
          await page.getByRole("button", { name: "English" }).click();
          await page.waitForLoadState("networkidle");
          await page.goto(`${app.baseUrl}/search?q=lithium%20battery`);
          await visible(page.locator("h1"));
          await screenshot(page, "search-results-en");
          await page.goto(`${app.baseUrl}/matches`);
          await visible(page.locator("h1"));
          await screenshot(page, "matches-researcher-en");
        });
      },
      { baseUrl: app.baseUrl, email: "keyan@demo.jiebang.cn", password: DEMO_PASSWORD },
    );
    await withPage(
      browser,
      async (page) => {
        await step(page, "enterprise-matches", async () => {
          await page.goto(`${app.baseUrl}/matches`);
          const link = page.locator('a[href$="/matches"]').first();
          await visible(link);
          await Promise.all([page.waitForURL(/\/challenges\/[^/]+\/matches$/), link.click()]);
          await visible(page.locator("h1"));
          await screenshot(page, "matches-challenge-zh");
        });
      },
      { baseUrl: app.baseUrl, email: "fabang@demo.jiebang.cn", password: DEMO_PASSWORD },
    );
    await withPage(
      browser,
      async (page) => {
        await step(page, "broker-board", async () => {
          const response = await page.goto(`${app.baseUrl}/broker/matches`);
          expect(response?.status()).toBe(200);
          await visible(page.locator("h1"));
          await screenshot(page, "matches-broker-zh");
        });
      },
      { baseUrl: app.baseUrl, email: "jingjiren@demo.jiebang.cn", password: DEMO_PASSWORD },
    );
  });
});
