import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { mailedLink } from "./support/identity.ts";
import { hasChromium, launchBrowser, logIn, screenshot, step, visible, withPage } from "./support/browser.ts";
import { WAIT, expectAttribute, expectText } from "./support/expect.ts";

describe.skipIf(!hasChromium)("the platform in Chromium", () => {
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

  it("serves the home page in Chinese with seeded figures, and /healthz", async () => {
    await withPage(browser, async (page) => {
      await step(page, "home", async () => {
        const response = await page.goto(app.baseUrl);
        expect(response?.status()).toBe(200);
        expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
        expect(response?.headers()["x-powered-by"]).toBeUndefined();
        await expectText(page.locator("h1")).toContain("关键技术难题");
        await expectText(page.locator("body")).toContain("揭榜挂帅");
        // Three zones and the demo organisations are counted from the database.
        await expectText(page.locator(".stat").first()).toMatch(/^3\s/);
        await screenshot(page, "home-zh");
      });
    });
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, checks: { database: { ok: true } } });
  });

  for (const demo of DEMO_USERS) {
    it(`logs in as ${demo.email} and shows the ${demo.dashboard} dashboard`, async () => {
      await withPage(browser, async (page) => {
        await step(page, `login-${demo.dashboard}`, async () => {
          await logIn(page, app.baseUrl, demo.email, DEMO_PASSWORD);
          await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe("/dashboard");
          await visible(page.locator(`[data-dashboard="${demo.dashboard}"]`));
          if (demo.email === "fabang@demo.jiebang.cn") {
            // The seeded challenges are summed up instead of the "post your first" empty state.
            await expectText(page.locator('[data-dashboard="enterprise"]')).toMatch(/本单位已发布 \d+ 个榜单/);
          }
          await screenshot(page, `dashboard-${demo.dashboard}`);
        });
      });
    });
  }

  it("switches to English and back, keeping the page", async () => {
    await withPage(browser, async (page) => {
      await step(page, "language", async () => {
        await page.goto(`${app.baseUrl}/login`);
        await page.getByRole("button", { name: "English" }).click();
        await visible(page.locator("h1", { hasText: "Log in" }));
        await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe("/login");
        await expectAttribute(page.locator("html"), "lang").toBe("en");
        await screenshot(page, "login-en");
        await page.getByRole("button", { name: "中文" }).click();
        await visible(page.locator("h1", { hasText: "登录" }));
      });
    });
  });

  it("signs up a new enterprise, verifies the mailed link and lands on its dashboard, unconfirmed", async () => {
    await withPage(browser, async (page) => {
      await step(page, "signup", async () => {
        await page.goto(`${app.baseUrl}/signup`);
        await page.getByLabel("姓名").fill("孙立新");
        await page.getByLabel("邮箱").fill("sun.lixin@example.cn");
        await page.getByLabel("密码", { exact: true }).fill("short");
        await page.getByLabel("单位名称").fill("云南澄江光电子科技有限公司");
        await page.getByLabel("统一社会信用代码").fill("91530100MA6K0000X0");
        await page.getByRole("button", { name: "注册" }).click();
        // Bad input: a clear message next to the field, nothing created.
        await expectText(page.locator("#field-password-error")).toContain("10");
        await screenshot(page, "signup-errors");
        await page.getByLabel("密码", { exact: true }).fill("澄江光电2026安全口令");
        await page.getByRole("button", { name: "注册" }).click();
        await expectText(page.locator("#field-creditCode-error")).toContain("统一社会信用代码");
        await page.getByLabel("密码", { exact: true }).fill("澄江光电2026安全口令");
        await page.getByLabel("统一社会信用代码").fill(generateCreditCode({ division: "530100" }));
        await page.getByRole("button", { name: "注册" }).click();
        // The same answer whether or not the email has an account (ADR 0022): a link is mailed.
        await expectText(page.getByRole("status")).toContain("sun.lixin@example.cn");
        const link = await mailedLink(browser, app.baseUrl, "sun.lixin@example.cn", "/verify-email?token=");
        await page.goto(link);
        await Promise.all([
          page.waitForURL(`${app.baseUrl}/dashboard?verified=1`),
          page.getByRole("button", { name: "确认邮箱并登录" }).click(),
        ]);
        await visible(page.locator('[data-dashboard="enterprise"]'));
        await expectText(page.locator("body")).toContain("云南澄江光电子科技有限公司");
        await expectText(page.locator("body")).toContain("未确认");
      });
    });
  });

  it("lets an owner invite a colleague, who joins through the mailed link", async () => {
    const email = "he.yun@example.cn";
    await withPage(browser, async (page) => {
      await step(page, "invite", async () => {
        await logIn(page, app.baseUrl, "qiye@demo.jiebang.cn", DEMO_PASSWORD);
        await page.goto(`${app.baseUrl}/members`);
        // Not an address: a message next to the field, no "sent to undefined".
        await page.getByLabel("被邀请人邮箱").fill("notanemail");
        await page.getByRole("button", { name: "发送邀请" }).click();
        await expectText(page.locator("#field-email-error")).toContain("邮箱");
        await expectText(page.locator("body")).not.toContain("undefined");
        await page.getByLabel("被邀请人邮箱").fill(email);
        await page.getByRole("button", { name: "发送邀请" }).click();
        await expectText(page.getByRole("status")).toContain(email);
        await page.context().clearCookies();
        const link = await mailedLink(browser, app.baseUrl, email, "/signup?invitation=");
        await page.goto(link);
        await page.getByLabel("姓名").fill("和云");
        await page.getByLabel("邮箱").fill(email);
        await page.getByLabel("密码", { exact: true }).fill("和云的口令-2026-滇中");
        await Promise.all([
          page.waitForURL(`${app.baseUrl}/dashboard`),
          page.getByRole("button", { name: "注册" }).click(),
        ]);
        await expectText(page.locator("main")).toContain("云南滇中锂电新材料科技有限公司");
      });
    });
  });

  it("resets a password through the dev mailbox", async () => {
    const email = "keyan@demo.jiebang.cn";
    const newPassword = "新的科研口令-2026-春城";
    await withPage(browser, async (page) => {
      await step(page, "reset", async () => {
        await page.goto(`${app.baseUrl}/forgot-password`);
        await page.getByLabel("邮箱").fill(email);
        await page.getByRole("button", { name: "发送重置邮件" }).click();
        await expectText(page.getByRole("status")).toContain("重置邮件");
        const link = await mailedLink(browser, app.baseUrl, email, "/reset-password?token=");
        await page.goto(link);
        await page.getByLabel("新密码", { exact: true }).fill(newPassword);
        await page.getByLabel("再次输入新密码").fill(newPassword);
        await Promise.all([
          page.waitForURL(/\/login\?reset=1/),
          page.getByRole("button", { name: "重置密码" }).click(),
        ]);
        await logIn(page, app.baseUrl, email, newPassword);
        await visible(page.locator('[data-dashboard="researcher"]'));
        // The link is one-time: using it again is refused with a message.
        await page.goto(link);
        await page.getByLabel("新密码", { exact: true }).fill("另一个口令-2026-再试");
        await page.getByLabel("再次输入新密码").fill("另一个口令-2026-再试");
        await page.getByRole("button", { name: "重置密码" }).click();
        await expectText(page.getByRole("alert")).toContain("链接");
      });
    });
  });

  it("shows a 403 page naming the missing permission", async () => {
    await withPage(browser, async (page) => {
      await step(page, "forbidden", async () => {
        await logIn(page, app.baseUrl, "qiye@demo.jiebang.cn", DEMO_PASSWORD);
        const response = await page.goto(`${app.baseUrl}/admin/jobs`);
        expect(response?.status()).toBe(403);
        await visible(page.locator("h1", { hasText: "没有权限" }));
        await expectText(page.locator("body")).toContain("read:jobs:any");
        await screenshot(page, "forbidden");
      });
    });
  });

  it("refuses a form post without its CSRF token and a cross-site post", async () => {
    const noToken = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "qiye@demo.jiebang.cn", password: DEMO_PASSWORD }),
      redirect: "manual",
    });
    expect(noToken.status).toBe(403);
    const crossSite = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
      body: new URLSearchParams({ email: "x", password: "y" }),
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
  });
});
