import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { SAMPLE_FILES } from "#tests/support/files.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, screenshot, step, visible, withPage } from "./support/browser.ts";
import { expectCount, expectText, settled } from "./support/expect.ts";

const ENTERPRISE = "qiye@demo.jiebang.cn";
const OFFICER = "guanwei@demo.jiebang.cn";
const RESEARCHER = "keyan@demo.jiebang.cn";
const EXPERT = "zhuanjia@demo.jiebang.cn";
const TITLE = "稀土永磁材料晶界扩散工艺（附件浏览器测试榜）";

function shanghai(days: number, dateOnly = false): string {
  const text = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString();
  return dateOnly ? text.slice(0, 10) : text.slice(0, 16);
}

/**
 * Attachments in Chromium: the enterprise uploads a PDF to its draft (a PNG named .pdf is refused
 * and nothing is stored), downloads it with the detected type, nosniff and Content-Disposition;
 * a researcher's bid attachment is sealed — the enterprise, an expert and the public get 404
 * before the deadline, the researcher downloads it.
 */
describe.skipIf(!hasChromium)("attachments in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  let uploadDir = "";
  let challengeUrl = "";
  let bidFileHref = "";
  const files: Record<string, string> = {};

  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-e2e-uploads-"));
    const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), "jiebang-e2e-files-"));
    for (const [name, bytes] of [
      ["技术背景.pdf", SAMPLE_FILES.pdf],
      ["伪装.pdf", SAMPLE_FILES.png],
      ["团队资质.docx", SAMPLE_FILES.docx],
    ] as const) {
      files[name] = path.join(fixtures, name);
      fs.writeFileSync(files[name]!, bytes);
    }
    app = await startApp({ UPLOAD_DIR: uploadDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const demo = <T>(email: string, run: (page: Page) => Promise<T>) =>
    withPage(browser, run, { baseUrl: app.baseUrl, email, password: DEMO_PASSWORD });
  const stored = () => (fs.existsSync(uploadDir) ? fs.readdirSync(uploadDir, { recursive: true }).length : 0);

  it("uploads a PDF to a draft (refusing a disguised PNG), lists it and downloads it", async () => {
    await demo(ENTERPRISE, async (page) => {
      await step(page, "draft-with-attachment", async () => {
        await page.goto(`${app.baseUrl}/challenges/new`);
        await page.getByLabel("榜单标题").fill(TITLE);
        await page.getByLabel("问题描述").fill("现有晶界扩散工艺重稀土用量高，希望将镝用量降低 30% 以上。");
        await page.getByLabel("所属产业").selectOption("new_materials");
        await page.locator("#c-ind-0-name").fill("镝用量降低");
        await page.locator("#c-ind-0-target").fill("≥ 30");
        await page.locator("#c-ind-0-unit").fill("%");
        await page.locator("#c-ms-0-name").fill("小试");
        await page.locator("#c-ms-0-deliverable").fill("小试样品与检测报告");
        await page.locator("#c-ms-0-criteria").fill("矫顽力达到指标");
        await page.locator("#c-ms-0-amount").fill("50,000");
        await page.locator("#c-ms-0-due").fill(shanghai(60, true));
        await page.getByLabel("揭榜截止时间").fill(shanghai(3));
        await page.getByLabel("上传附件").setInputFiles([files["伪装.pdf"]!]);
        await page.getByRole("button", { name: "保存草稿" }).click();
        await expectText(page.locator("#field-attachments-error")).toContain("扩展名与内容不符");
        expect(stored()).toBe(0);
        await screenshot(page, "attachments-refused");
        await page.getByLabel("上传附件").setInputFiles([files["技术背景.pdf"]!]);
        await Promise.all([
          page.waitForURL(/\/challenges\/[^/]+\/manage\?created=1$/),
          page.getByRole("button", { name: "保存草稿" }).click(),
        ]);
        challengeUrl = page.url().replace(/\/manage\?created=1$/, "");
        expect(stored()).toBeGreaterThan(0);
        await page.goto(`${challengeUrl}/edit`);
        const link = page.getByRole("link", { name: "技术背景.pdf" });
        await visible(link);
        await screenshot(page, "attachments-draft-edit");
        const href = (await link.getAttribute("href"))!;
        const response = await page.request.get(`${app.baseUrl}${href}`);
        expect(response.status()).toBe(200);
        expect(response.headers()["content-type"]).toBe("application/pdf");
        expect(response.headers()["x-content-type-options"]).toBe("nosniff");
        expect(response.headers()["content-disposition"]).toContain("attachment;");
        expect(response.headers()["content-disposition"]).toContain(encodeURIComponent("技术背景.pdf"));
        expect(Buffer.from(await response.body()).equals(Buffer.from(SAMPLE_FILES.pdf))).toBe(true);
        const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
        expect(download.suggestedFilename()).toBe("技术背景.pdf");
        // A draft's files are private.
        const anonymous = await fetch(`${app.baseUrl}${href}`);
        expect(anonymous.status).toBe(404);
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "提交审核" }).click();
        await expectText(page.locator(".badge.status-submitted")).toContain("待审核");
      });
    });
    await demo(OFFICER, async (page) => {
      await step(page, "approve", async () => {
        await page.goto(`${app.baseUrl}/zone`);
        const item = page.locator(".challenge-card", { hasText: TITLE });
        await Promise.all([page.waitForURL(/\/manage$/), item.getByRole("button", { name: "审核通过" }).click()]);
      });
    });
    await demo(ENTERPRISE, async (page) => {
      await step(page, "publish", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "发布榜单" }).click();
        await expectText(page.locator(".badge.status-published")).toContain("揭榜中");
      });
    });
  });

  it("seals a bid's attachment: only the bidder downloads it before the deadline", async () => {
    await demo(RESEARCHER, async (page) => {
      await step(page, "bid-with-attachment", async () => {
        await page.goto(`${challengeUrl}/bid`);
        await page.getByLabel("技术方案").fill("采用晶界扩散与低熔点合金共渗，降低重稀土用量。");
        await page.getByLabel("报价（元）").fill("48,000");
        await page.getByLabel(/里程碑 1「小试」计划天数/).fill("45");
        await page.locator("#b-m-0-name").fill("张云龙");
        await page.locator("#b-m-0-role").fill("负责人");
        await page.getByLabel("上传附件").setInputFiles([files["团队资质.docx"]!]);
        await page.getByRole("button", { name: "提交方案" }).click();
        await expectText(page.locator('[data-testid="receipt"]')).toMatch(/[0-9a-f]{64}/);
        const link = page.getByRole("link", { name: "团队资质.docx" });
        await visible(link);
        await screenshot(page, "attachments-bid");
        bidFileHref = (await link.getAttribute("href"))!;
        const response = await page.request.get(`${app.baseUrl}${bidFileHref}`);
        expect(response.status()).toBe(200);
        expect(response.headers()["content-type"]).toContain("wordprocessingml");
      });
    });
    for (const email of [ENTERPRISE, EXPERT]) {
      await demo(email, async (page) => {
        const response = await page.request.get(`${app.baseUrl}${bidFileHref}`);
        expect(response.status(), email).toBe(404);
      });
    }
    expect((await fetch(`${app.baseUrl}${bidFileHref}`)).status).toBe(404);
    // The challenge's own file is public once published.
    await demo(EXPERT, async (page) => {
      await page.goto(challengeUrl);
      await expectText(page.locator("main")).toContain(TITLE);
    });
  });

  it("shows the enterprise's notifications in the inbox, newest first, and marks them read", async () => {
    await demo(ENTERPRISE, async (page) => {
      await step(page, "inbox", async () => {
        await page.goto(`${app.baseUrl}/`);
        await visible(page.locator(".unread-badge"));
        await page.getByRole("link", { name: /^消息/ }).click();
        await page.waitForURL(`${app.baseUrl}/inbox`);
        const item = page.locator(".inbox-item.unread", { hasText: "您的榜单已通过审核" });
        await visible(item);
        await expectText(item).toContain(TITLE);
        await screenshot(page, "inbox-unread");
        await Promise.all([
          page.waitForURL(`${app.baseUrl}/inbox`),
          item.getByRole("button", { name: "标为已读" }).click(),
        ]);
        await visible(page.locator(".inbox-item:not(.unread)", { hasText: "您的榜单已通过审核" }));
        await settled(page);
        if ((await page.getByRole("button", { name: "全部标为已读" }).count()) > 0)
          await page.getByRole("button", { name: "全部标为已读" }).click();
        await expectCount(page.locator(".inbox-item.unread")).toBe(0);
        await expectCount(page.locator(".unread-badge")).toBe(0);
        await screenshot(page, "inbox-read");
      });
    });
  });
});
