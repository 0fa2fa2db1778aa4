import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, screenshot, step, visible, withPage } from "./support/browser.ts";
import { expectAttribute, expectCount, expectText, expectValue } from "./support/expect.ts";

const OFFICER = "guanwei@demo.jiebang.cn";
const SEEKER = "fabang@demo.jiebang.cn"; // the seeded enterprise whose challenges cover every state

/** The zone's 公示 length page and the per-challenge statistics charts, in Chinese and English. */
describe.skipIf(!hasChromium)("zone settings and challenge statistics in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const demo = <T>(email: string, run: (page: Page) => Promise<T>) =>
    withPage(browser, run, { baseUrl: app.baseUrl, email, password: DEMO_PASSWORD });

  async function english(page: Page) {
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForFunction(() => document.documentElement.lang === "en", undefined, { timeout: 10_000 });
  }

  it("lets a zone officer set the 公示 length within 1–30 working days", async () => {
    await demo(OFFICER, async (page) => {
      await step(page, "zone-settings", async () => {
        await page.goto(`${app.baseUrl}/zone`);
        await page.getByRole("link", { name: "公示期设置" }).click();
        await visible(page.getByRole("heading", { name: "公示期设置" }));
        const days = page.getByLabel("公示期（工作日）").first();
        await expectValue(days).toBe("5");
        await days.fill("31");
        await page.getByRole("button", { name: "保存" }).first().click();
        await expectText(page.locator(".field .error")).toContain("1–30 个工作日");
        await page.getByLabel("公示期（工作日）").first().fill("7");
        await page.getByRole("button", { name: "保存" }).first().click();
        await expectText(page.getByRole("status")).toMatch(/公示期为 7 个工作日/);
        await expectValue(page.getByLabel("公示期（工作日）").first()).toBe("7");
        await screenshot(page, "zone-settings-zh");
        await english(page);
        await visible(page.getByRole("heading", { name: "Public notice period" }));
        await expectText(page.locator("main")).toContain("Now: 7 working days");
        await screenshot(page, "zone-settings-en");
      });
    });
    // The change is in the zone's audit log.
    await demo(OFFICER, async (page) => {
      await page.goto(`${app.baseUrl}/audit`);
      await expectText(page.locator("main")).toContain("zone.setPublicNoticeDays");
    });
  });

  it("refuses the settings page to an enterprise", async () => {
    await demo(SEEKER, async (page) => {
      const response = await page.goto(`${app.baseUrl}/zone/settings`);
      expect(response?.status()).toBe(403);
    });
  });

  it("draws the statistics of a challenge with bids as SVG charts with their tables", async () => {
    await demo(SEEKER, async (page) => {
      await step(page, "statistics", async () => {
        await page.goto(`${app.baseUrl}/challenges/mine`);
        const hrefs = await page
          .locator('a[href$="/manage"]')
          .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
        let found = false;
        for (const href of [...new Set(hrefs)]) {
          await page.goto(`${app.baseUrl}${href}`);
          if ((await page.locator("svg.chart").count()) >= 3) {
            found = true;
            break;
          }
        }
        expect(found).toBe(true);
        const bids = page.locator('svg.chart[role="img"]').first();
        await expectAttribute(bids, "aria-label").toMatch(/^投标随时间变化：\d{4}-\d\d-\d\d \d+ \/ \d+/);
        await expectCount(page.locator("svg.chart rect.chart-bar")).toBeGreaterThan(0);
        await expectCount(page.locator("[style]")).toBe(0);
        await page.locator("#stats-heading").scrollIntoViewIfNeeded();
        await screenshot(page, "statistics-zh");
        await english(page);
        await visible(
          page
            .getByRole("heading", { name: "Bids per day and in total" })
            .or(page.getByText("Bids per day and in total")),
        );
        await screenshot(page, "statistics-en");
      });
    });
  });
});
