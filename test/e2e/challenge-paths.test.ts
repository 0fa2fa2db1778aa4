import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatYuan } from "#domain/money/money.ts";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, step, visible, visibleText, withPage } from "./support/browser.ts";
import { expectAttribute, expectCount, expectText, expectUrl } from "./support/expect.ts";

// The seeded demo data (prisma/seed.ts): 昆明春城数字农业 (fabang@) has one challenge in every
// state in 昆明高新区 (guanwei@), the winning bids by 张云龙 (keyan@, 昆明理工大学).
const SEEKER = "fabang@demo.jiebang.cn";
const OFFICER = "guanwei@demo.jiebang.cn";
const SOLVER = "keyan@demo.jiebang.cn";
const STRANGER = "fangke@demo.jiebang.cn"; // signed in, no part in any challenge

/**
 * The side paths of 揭榜挂帅 in Chromium, each starting from a seeded state: a withdrawal before
 * any bid, a cancellation by the zone, an arbitrated dispute with a partial release (wallets exact
 * to the fen), and one walk through the pages in English.
 */
describe.skipIf(!hasChromium)("揭榜挂帅 side paths in Chromium", () => {
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

  /** The id of the (one) seeded challenge in `status`, from the public list's status filter. */
  async function seededId(page: Page, status: string): Promise<string> {
    await page.goto(`${app.baseUrl}/challenges?status=${status}`);
    const href = await page
      .locator('[data-testid="challenge-list"] a[href^="/challenges/"]')
      .first()
      .getAttribute("href");
    expect(href).toMatch(/^\/challenges\/[^/]+$/);
    return href!.split("/")[2]!;
  }

  async function available(page: Page): Promise<bigint> {
    await page.goto(`${app.baseUrl}/wallet`);
    // "¥1,234.56", followed by " · 123.46万元" from 10万 up: read the yuan figure only.
    const text = await visibleText(page.locator('[data-testid="available"] dd'));
    const yuan = /¥(-?[\d,]+\.\d{2})/.exec(text);
    expect(yuan, text).not.toBeNull();
    return BigInt(yuan![1]!.replace(/[,.]/g, "")); // two decimals: the digits are the fen
  }

  it("walks /challenges, a challenge and its manage page in English", async () => {
    await demo(SEEKER, async (page) => {
      await step(page, "english", async () => {
        const id = await seededId(page, "in_progress");
        await page.getByRole("button", { name: "English" }).click();
        // The switch reloads the same URL: wait for the button that switches back.
        await expectText(page.getByRole("button", { name: "中文" })).toBe("中文");
        await expectUrl(page).toContain("/challenges?status=in_progress");
        await expectAttribute(page.locator("html"), "lang").toBe("en");
        await expectText(page.locator("h1")).toContain("Key technology challenges");
        await page.locator('[data-testid="challenge-list"]').getByRole("link").first().click();
        await page.waitForURL(`${app.baseUrl}/challenges/${id}`);
        await expectText(page.locator(".badge.status-in_progress").first()).toBe("In progress");
        await page.getByRole("link", { name: "Challenge workspace" }).click();
        await page.waitForURL(`${app.baseUrl}/challenges/${id}/manage`);
        await expectText(page.locator(".meta", { hasText: "Seeker" })).toContain("In progress");
        await expectText(page.locator("#ms-heading, h2").filter({ hasText: "Milestones" }).first()).toContain(
          "Milestones and acceptance",
        );
        // The page chrome is English too (the challenge's own content stays as written).
        await expectText(page.getByRole("link", { name: "Public page" })).toContain("Public page");
      });
    });
  });

  it("withdraws a challenge with no bid at once (no zone approval)", async () => {
    await demo(SEEKER, async (page) => {
      await step(page, "withdraw", async () => {
        await page.goto(`${app.baseUrl}/challenges/mine`);
        await page.locator('[data-testid="my-challenges"] tr:has(.badge.status-approved) a').first().click();
        await page.waitForURL(/\/manage$/);
        const manage = page.url();
        await page.getByRole("button", { name: "发布榜单" }).click();
        await expectText(page.locator(".meta .badge.status-published")).toBe("揭榜中");
        await page.getByRole("button", { name: "撤榜", exact: true }).click();
        await expectText(page.locator(".meta .badge.status-withdrawn")).toBe("已撤榜");
        await expectText(page.locator('[data-testid="done"]')).toContain("已完成：撤榜");
        await page.goto(manage);
        await expectCount(page.locator(".badge.status-withdrawal_requested")).toBe(0);
        await expectCount(page.getByRole("button", { name: "撤榜", exact: true })).toBe(0);
      });
    });
  });

  it("lets the zone cancel a published challenge with a reason, shown on its page", async () => {
    const reason = "发榜企业已由其他渠道解决该需求，经管委会核实撤销。";
    await demo(OFFICER, async (page) => {
      await step(page, "cancel", async () => {
        const id = await seededId(page, "published");
        await page.goto(`${app.baseUrl}/challenges/${id}/manage`);
        const form = page.locator('form:has(input[name="target"][value="cancel"])');
        // Without a reason nothing changes.
        await form.getByRole("button", { name: "撤销榜单" }).click();
        await expectText(page.locator('[role="alert"], span.error').first()).not.toBe("");
        await expectText(page.locator(".meta .badge")).toBe("揭榜中");
        await expectCount(page.locator('[aria-invalid="true"], .field-error, [role="alert"]')).toBeGreaterThan(0);
        await page.locator('form:has(input[name="target"][value="cancel"]) textarea[name="reason"]').fill(reason);
        await page
          .locator('form:has(input[name="target"][value="cancel"])')
          .getByRole("button", { name: "撤销榜单" })
          .click();
        await expectText(page.locator(".meta .badge.status-cancelled")).toBe("已撤销");
        await page.goto(`${app.baseUrl}/challenges/${id}`);
        await expectText(page.locator('[role="note"]').filter({ hasText: reason })).toContain(reason);
        await expectText(page.locator(".badge.status-cancelled").first()).toBe("已撤销");
      });
    });
  });

  it("arbitrates a dispute with a partial release, and both wallets move by exact amounts", async () => {
    const solverBefore = await demo(SOLVER, available);
    const seekerBefore = await demo(SEEKER, available);
    let id = "";
    await demo(OFFICER, async (page) => {
      await step(page, "arbitrate", async () => {
        id = await seededId(page, "disputed");
        await page.goto(`${app.baseUrl}/challenges/${id}/manage`);
        await page.getByLabel("裁决结果").selectOption("partial_release");
        // More than the milestone (¥600,000.00) is refused and nothing moves.
        await page.getByLabel("部分支付金额（元）").fill("700,000.00");
        await page.getByLabel("裁决理由").fill("双方确认已完成约四成工作量，按比例支付。");
        await page.getByRole("button", { name: "作出裁决" }).click();
        await expectText(page.locator('[role="alert"], span.error').first()).not.toBe("");
        await expectText(page.locator(".meta .badge")).toBe("争议处理中");
        await page.getByLabel("裁决结果").selectOption("partial_release");
        await page.getByLabel("部分支付金额（元）").fill("250,000.00");
        await page.getByLabel("裁决理由").fill("双方确认已完成约四成工作量，按比例支付。");
        await page.getByRole("button", { name: "作出裁决" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain("已裁决");
      });
    });
    // ¥250,000.00 released less the 3% platform fee (¥7,500.00); the other ¥350,000.00 of the
    // milestone goes back to the enterprise's available balance.
    const solverAfter = await demo(SOLVER, available);
    const seekerAfter = await demo(SEEKER, available);
    expect(formatYuan(solverAfter)).toBe(formatYuan(solverBefore + 24_250_000n));
    expect(formatYuan(seekerAfter)).toBe(formatYuan(seekerBefore + 35_000_000n));
  });

  it("makes a draft invited-only, invites one researcher, and only they find it once published", async () => {
    let id = "";
    await demo(SEEKER, async (page) => {
      await step(page, "invite", async () => {
        await page.goto(`${app.baseUrl}/challenges/mine`);
        await page.locator('[data-testid="my-challenges"] tr:has(.badge.status-draft) a').first().click();
        await page.waitForURL(/\/manage$/);
        id = page.url().split("/").at(-2)!;
        await page.getByRole("link", { name: "修改草稿" }).click();
        await page.getByLabel("可见范围").selectOption("invited");
        await page.getByRole("button", { name: "保存修改" }).click();
        await page.waitForURL(`${app.baseUrl}/challenges/${id}/manage`);
        await expectText(page.locator('[data-testid="invitees"]')).toContain("还没有邀请任何解题方");
        await page.locator("#invite-query").fill("keyan@demo");
        await page.getByRole("button", { name: "查找" }).click();
        const candidate = page.locator('[data-testid="invite-candidates"] li', { hasText: "张云龙" });
        await candidate.getByRole("button", { name: "邀请" }).click();
        await expectText(page.locator('[data-testid="invitee-list"]')).toContain("张云龙");
        await page.getByRole("button", { name: "提交审核" }).click();
        await visible(page.locator(".meta .badge.status-submitted"));
      });
    });
    await demo(OFFICER, async (page) => {
      await page.goto(`${app.baseUrl}/challenges/${id}/manage`);
      await page.getByRole("button", { name: "审核通过" }).click();
      await visible(page.locator(".meta .badge.status-approved"));
    });
    await demo(SEEKER, async (page) => {
      await page.goto(`${app.baseUrl}/challenges/${id}/manage`);
      await page.getByRole("button", { name: "发布榜单" }).click();
      await visible(page.locator(".meta .badge.status-published"));
      // Published: the invitee can no longer be removed.
      await expectCount(page.locator('[data-testid="invitee-list"]').getByRole("button", { name: "移除" })).toBe(0);
    });
    await demo(SOLVER, async (page) => {
      await page.goto(`${app.baseUrl}/challenges/mine`);
      await expectCount(page.locator('[data-testid="invited-challenges"]').locator(`a[href="/challenges/${id}"]`)).toBe(
        1,
      );
      const res = await page.goto(`${app.baseUrl}/challenges/${id}`);
      expect(res?.status()).toBe(200);
    });
    await demo(STRANGER, async (page) => {
      const res = await page.goto(`${app.baseUrl}/challenges/${id}`);
      expect(res?.status()).toBe(404);
      await page.goto(`${app.baseUrl}/challenges/mine`);
      await expectCount(page.locator('[data-testid="invited-challenges"]')).toBe(0);
    });
  });
});
