import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, logIn, step, visible } from "./support/browser.ts";
import { expectText } from "./support/expect.ts";

/**
 * Issue 11, ADR 0021: forms posted by Chromium without JavaScript work (the page's
 * Referrer-Policy lets the browser send its origin), and a form on another site, or in a context
 * whose origin is opaque (`Origin: null`), gets a 403 page that says why — never a 500.
 */
describe.skipIf(!hasChromium)("form posts in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  let foreign: http.Server;
  let foreignUrl: string;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    // Another site whose page posts a login form to ours.
    foreign = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(
        `<!doctype html><meta charset="utf-8"><form method="post" action="${app.baseUrl}/login">` +
          `<input name="email" value="qiye@demo.jiebang.cn"><input name="password" value="${DEMO_PASSWORD}">` +
          `<button type="submit">go</button></form>`,
      );
    });
    await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => foreign?.close(resolve));
    await app?.stop();
  });

  async function withoutJs<T>(run: (context: BrowserContext) => Promise<T>): Promise<T> {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
    try {
      return await run(context);
    } finally {
      await context.close();
    }
  }

  it("logs in, switches language and logs out without JavaScript", async () => {
    await withoutJs(async (context) => {
      const page = await context.newPage();
      await step(page, "no-js-login", async () => {
        const statuses: number[] = [];
        page.on("response", (response) => {
          if (response.request().method() === "POST") statuses.push(response.status());
        });
        await logIn(page, app.baseUrl, "qiye@demo.jiebang.cn", DEMO_PASSWORD);
        await visible(page.locator('[data-dashboard="enterprise"]'));
        await Promise.all([page.waitForURL(/\/dashboard/), page.getByRole("button", { name: "English" }).click()]);
        await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
        await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.getByRole("button", { name: "Log out" }).click()]);
        await visible(page.getByRole("link", { name: "Log in" }));
        expect(statuses.length).toBeGreaterThanOrEqual(3);
        expect(statuses.every((s) => s < 400)).toBe(true);
      });
    });
  });

  it("searches without JavaScript", async () => {
    await withoutJs(async (context) => {
      const page = await context.newPage();
      await step(page, "no-js-search", async () => {
        await page.goto(`${app.baseUrl}/search`);
        await page.locator("#search-q").fill("锂电池");
        await Promise.all([page.waitForURL(/q=%E9%94%82/), page.locator(".search-query").getByRole("button").click()]);
        await visible(page.getByTestId("search-hits"));
      });
    });
  });

  it("a form on another site gets 403 with a page that says why", async () => {
    await withoutJs(async (context) => {
      const page = await context.newPage();
      await step(page, "foreign-form", async () => {
        await page.goto(foreignUrl);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().startsWith(`${app.baseUrl}/login`) && r.request().method() === "POST"),
          page.getByRole("button", { name: "go" }).click(),
        ]);
        expect(response.status()).toBe(403);
        await expectText(page.locator("h1")).toBe("请求来源无法验证");
      });
    });
  });

  it("a form in an opaque origin (Origin: null) gets 403, not 500", async () => {
    await withoutJs(async (context) => {
      const page = await context.newPage();
      await step(page, "null-origin-form", async () => {
        await page.goto(
          "data:text/html;charset=utf-8," +
            encodeURIComponent(
              `<form method="post" action="${app.baseUrl}/login"><input name="email" value="x@example.cn">` +
                `<button type="submit">go</button></form>`,
            ),
        );
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().startsWith(`${app.baseUrl}/login`)),
          page.getByRole("button", { name: "go" }).click(),
        ]);
        expect(response.status()).toBe(403);
        expect(await response.request().headerValue("origin")).toBe("null");
        await expectText(page.locator("h1")).toBe("请求来源无法验证");
      });
    });
  });

  it("a form left open across a login in another tab says the page expired", async () => {
    const context = await browser.newContext({ locale: "zh-CN" });
    try {
      const stale = await context.newPage();
      await stale.goto(`${app.baseUrl}/login`);
      const other = await context.newPage();
      await logIn(other, app.baseUrl, "gaoxiao@demo.jiebang.cn", DEMO_PASSWORD);
      await step(stale, "stale-form", async () => {
        await stale.getByLabel(/邮箱/).fill("gaoxiao@demo.jiebang.cn");
        await stale.getByLabel(/^密码$/).fill(DEMO_PASSWORD);
        await stale.getByRole("button", { name: "登录" }).click();
        await expectText(stale.locator("[data-error=expired] h1")).toBe("页面已过期");
        await expectText(stale.locator("main")).not.toContain("没有权限");
      });
    } finally {
      await context.close();
    }
  });
});
