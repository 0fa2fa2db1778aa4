import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, screenshot, step, visible, visibleText, withPage } from "./support/browser.ts";
import { expectCount, expectText } from "./support/expect.ts";

const FINANCE = "caiwu@demo.jiebang.cn";
const ENTERPRISE = "qiye@demo.jiebang.cn";
const ADMIN = "admin@demo.jiebang.cn";
const ENTERPRISE_NAME = "云南滇中锂电新材料科技有限公司";
const DEPOSIT_REFERENCE = "ICBC20260315000123";
const WITHDRAWAL_REFERENCE = "ICBC20260316000456";

/** The money ledger through its pages: finance books a deposit, the enterprise withdraws, admin reconciles. */
describe.skipIf(!hasChromium)("the escrow ledger's pages in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  let referenceCode = "";
  /** The enterprise's organisation id, read from its CSV link (the demo seed holds other wallets too). */
  let enterpriseOrgId = "";

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const as = <T>(email: string, run: (page: Page) => Promise<T>) =>
    withPage(browser, run, { baseUrl: app.baseUrl, email, password: DEMO_PASSWORD });

  const available = (page: Page) => expectText(page.locator('[data-testid="available"] dd'));
  const held = (page: Page) => expectText(page.locator('[data-testid="held"] dd'));

  it("shows the enterprise its empty wallet and the deposit instructions", async () => {
    await as(ENTERPRISE, async (page) => {
      await step(page, "wallet-empty", async () => {
        await page.getByRole("link", { name: "单位账户" }).first().click();
        await page.waitForURL(`${app.baseUrl}/wallet`);
        await available(page).toContain("¥0.00");
        referenceCode = (await visibleText(page.locator('[data-testid="reference-code"]'))).trim();
        expect(referenceCode).toMatch(/^JB[A-Z0-9]{7}$/);
        await expectText(page.locator("main")).toContain("演示账户");
        await screenshot(page, "ledger-wallet-empty");
      });
    });
  });

  it("lets finance confirm a deposit by reference code after a summary", async () => {
    await as(FINANCE, async (page) => {
      await step(page, "finance-deposit", async () => {
        await page.getByRole("link", { name: "财务工作台" }).click();
        await page.waitForURL(`${app.baseUrl}/finance`);
        const form = page.locator('section[aria-labelledby="deposit-heading"]');
        // Bad input comes back next to its field.
        await form.getByLabel("单位识别码").fill("JBNOSUCH1");
        await form.getByLabel("到账金额（元）").fill("120,000.005");
        await form.getByLabel("银行流水号").fill(DEPOSIT_REFERENCE);
        await form.getByRole("button", { name: "核对信息" }).click();
        await expectText(page.locator("#field-referenceCode-error")).toContain("识别码");
        await expectText(page.locator("#field-amount-error")).toContain("两位小数");
        await screenshot(page, "ledger-finance-errors");
        // Codes are forgiven their case.
        await form.getByLabel("单位识别码").fill(referenceCode.toLowerCase());
        await form.getByLabel("到账金额（元）").fill("120,000.00");
        await form.getByRole("button", { name: "核对信息" }).click();
        const summary = page.locator(".summary");
        await expectText(summary).toContain(ENTERPRISE_NAME);
        await expectText(summary).toContain("¥120,000.00");
        await expectText(summary).toContain(DEPOSIT_REFERENCE);
        await screenshot(page, "ledger-finance-summary");
        await summary.getByRole("button", { name: "确认入账" }).click();
        await expectText(page.getByRole("status")).toContain(`已为 ${ENTERPRISE_NAME} 入账 ¥120,000.00`);
        await expectText(page.locator('[data-testid="recent-deposits"]')).toContain(DEPOSIT_REFERENCE);
      });
    });
  });

  it("lets the enterprise see the deposit and request a withdrawal, which is held at once", async () => {
    await as(ENTERPRISE, async (page) => {
      await step(page, "wallet-withdraw", async () => {
        await page.goto(`${app.baseUrl}/wallet`);
        await available(page).toContain("¥120,000.00");
        const form = page.locator('section[aria-labelledby="withdraw-heading"]');
        // More than is available: refused next to the amount, nothing held.
        await form.getByLabel("提现金额（元）").fill("200万");
        await form.getByLabel("收款开户行").fill("中国建设银行昆明分行");
        await form.getByLabel("收款账号").fill("5300 1234 5678 9012 345");
        await form.getByRole("button", { name: "提交提现申请" }).click();
        await expectText(page.locator("#field-amount-error")).toContain("可用余额不足");
        await available(page).toContain("¥120,000.00");
        await form.getByLabel("提现金额（元）").fill("20,000");
        await Promise.all([page.waitForURL(/requested=1/), form.getByRole("button", { name: "提交提现申请" }).click()]);
        await expectText(page.getByRole("status")).toContain("提现申请已提交");
        await available(page).toContain("¥100,000.00");
        await held(page).toContain("¥20,000.00");
        const pending = page.locator('[data-testid="pending-withdrawals"]');
        await expectText(pending).toContain("¥20,000.00");
        await expectText(pending).toContain("待财务确认");
        await screenshot(page, "ledger-wallet-pending");
      });
    });
  });

  it("lets finance confirm the withdrawal only with the matching amount", async () => {
    await as(FINANCE, async (page) => {
      await step(page, "finance-withdrawal", async () => {
        await page.goto(`${app.baseUrl}/finance`);
        const row = page.locator('[data-testid^="withdrawal-"]').filter({ hasText: ENTERPRISE_NAME });
        await expectText(row).toContain("¥20,000.00");
        const confirm = row.getByRole("form", { name: "已转账，确认提现" });
        await confirm.getByLabel("银行流水号").fill(WITHDRAWAL_REFERENCE);
        await confirm.getByLabel("转账金额（元）").fill("19,999.99");
        await confirm.getByRole("button", { name: "已转账，确认提现" }).click();
        await expectText(row.locator(".field .error")).toContain("不一致");
        await screenshot(page, "ledger-finance-withdrawal-mismatch");
        await confirm.getByLabel("转账金额（元）").fill("20000");
        await confirm.getByRole("button", { name: "已转账，确认提现" }).click();
        await expectText(page.getByRole("status")).toContain("已确认");
        await row.waitFor({ state: "detached" });
        await screenshot(page, "ledger-finance-queue");
      });
    });
  });

  it("shows both lines on the statement with the running balance, and exports them as CSV", async () => {
    await as(ENTERPRISE, async (page) => {
      await step(page, "wallet-statement", async () => {
        await page.goto(`${app.baseUrl}/wallet`);
        await available(page).toContain("¥100,000.00");
        await held(page).toContain("¥0.00");
        const rows = page.locator('[data-testid="statement"] tbody tr');
        await expectCount(rows).toBe(2);
        const first = rows.nth(0);
        const second = rows.nth(1);
        await expectText(first).toContain("充值");
        await expectText(first).toContain("+¥120,000.00");
        await expectText(first).toMatch(/¥120,000\.00\s*$/);
        await expectText(first).toContain(DEPOSIT_REFERENCE);
        await expectText(second).toContain("提现");
        await expectText(second).toContain("-¥20,000.00");
        await expectText(second).toMatch(/¥100,000\.00\s*$/);
        await expectText(second).toContain(WITHDRAWAL_REFERENCE);
        await screenshot(page, "ledger-wallet-statement");

        const href = await page.getByRole("link", { name: "导出 CSV" }).getAttribute("href");
        enterpriseOrgId = new URL(href ?? "", app.baseUrl).searchParams.get("org") ?? "";
        expect(enterpriseOrgId).not.toBe("");
        const csv = await page.request.get(`${app.baseUrl}${href}`);
        expect(csv.status()).toBe(200);
        expect(csv.headers()["content-type"]).toContain("text/csv");
        expect(csv.headers()["content-disposition"]).toMatch(
          new RegExp(`filename="jiebang-statement-${referenceCode}-\\d{4}-\\d{2}-\\d{2}\\.csv"`),
        );
        const lines = (await csv.text()).trim().split(/\r\n/);
        expect(lines).toHaveLength(3);
        expect(lines[1]).toMatch(/,deposit,platform:bank,120000\.00,120000\.00$/);
        expect(lines[2]).toMatch(/,withdrawal,platform:bank,-20000\.00,100000\.00$/);

        // A date range before any transaction shows an empty statement.
        await page.getByLabel("起始日期").fill("2020-01-01");
        await page.getByLabel("截止日期").fill("2020-01-31");
        await Promise.all([page.waitForURL(/from=2020-01-01/), page.getByRole("button", { name: "筛选" }).click()]);
        await visible(page.locator("text=该期间没有已入账的交易"));

        // The same page in English.
        await page.goto(`${app.baseUrl}/wallet`);
        await page.getByRole("button", { name: "English" }).click();
        await visible(page.locator("h1", { hasText: "Wallet" }));
        await expectText(page.locator('[data-testid="available"]')).toContain("Available");
        await expectText(page.locator("main")).toContain("Demo account");
        await screenshot(page, "ledger-wallet-en");
      });
    });
  });

  it("credits nothing when finance confirms the same bank reference again", async () => {
    await as(FINANCE, async (page) => {
      await step(page, "finance-replay", async () => {
        await page.goto(`${app.baseUrl}/finance`);
        const form = page.locator('section[aria-labelledby="deposit-heading"]');
        await form.getByLabel("单位识别码").fill(referenceCode);
        await form.getByLabel("到账金额（元）").fill("120000");
        await form.getByLabel("银行流水号").fill(DEPOSIT_REFERENCE);
        await form.getByRole("button", { name: "核对信息" }).click();
        await page.locator(".summary").getByRole("button", { name: "确认入账" }).click();
        await expectText(page.getByRole("status")).toContain("此前已入账，本次未重复入账");
        // The same reference with another amount is a conflict, not a second credit.
        await form.getByLabel("单位识别码").fill(referenceCode);
        await form.getByLabel("到账金额（元）").fill("5,000");
        await form.getByLabel("银行流水号").fill(DEPOSIT_REFERENCE);
        await form.getByRole("button", { name: "核对信息" }).click();
        await page.locator(".summary").getByRole("button", { name: "确认入账" }).click();
        await expectText(page.getByRole("alert")).toContain("未做任何更改");
        await screenshot(page, "ledger-finance-replay");
        const recent = page.locator('[data-testid="recent-deposits"] tbody tr');
        await expectCount(recent.filter({ hasText: DEPOSIT_REFERENCE })).toBe(1);
      });
    });
    await as(ENTERPRISE, async (page) => {
      await page.goto(`${app.baseUrl}/wallet`);
      await available(page).toContain("¥100,000.00");
    });
  });

  it("refuses the finance queue and the ledger to the enterprise", async () => {
    await as(ENTERPRISE, async (page) => {
      await step(page, "enterprise-forbidden", async () => {
        const response = await page.goto(`${app.baseUrl}/finance`);
        expect(response?.status()).toBe(403);
        await expectText(page.locator("main")).toContain("confirm:deposit:any");
        expect((await page.goto(`${app.baseUrl}/admin/ledger`))?.status()).toBe(403);
        await expectCount(page.getByRole("link", { name: "财务工作台" })).toBe(0);
      });
    });
  });

  it("shows the admin a clean reconciliation, accounts, statements and postings", async () => {
    await as(ADMIN, async (page) => {
      await step(page, "admin-ledger", async () => {
        await page.getByRole("link", { name: "总账" }).click();
        await page.waitForURL(`${app.baseUrl}/admin/ledger`);
        await Promise.all([page.waitForURL(/reconciled=1/), page.getByRole("button", { name: "立即对账" }).click()]);
        await expectText(page.locator('[data-testid="reconciliation-status"]')).toContain("平衡");
        await expectCount(page.locator('[data-testid="reconciliation-mismatch"]')).toBe(0);
        await expectText(page.locator('[data-testid="reconciliation-history"]')).toContain("平衡");
        await screenshot(page, "ledger-admin");

        await page.getByLabel("按地址搜索账户").fill(`org:${enterpriseOrgId}:wallet`);
        // The header has a 搜索 button of its own (site search); this one is the account search's.
        await Promise.all([
          page.waitForURL(/q=org/),
          page.locator("main").getByRole("button", { name: "搜索", exact: true }).click(),
        ]);
        const accounts = page.locator('[data-testid="accounts"] tbody tr');
        await expectCount(accounts).toBe(1);
        await accounts.first().getByRole("link").click();
        await page.waitForURL(/\/admin\/ledger\/accounts\//);
        await expectText(page.locator('[data-testid="statement"]')).toContain("platform:bank");
        await screenshot(page, "ledger-admin-account");

        await page.locator('[data-testid="statement"] tbody tr').nth(1).getByRole("link", { name: "提现" }).click();
        await page.waitForURL(/\/admin\/ledger\/transactions\/\d+/);
        const postings = page.locator('[data-testid="postings"]');
        await expectText(postings).toMatch(/org:\w+:wallet/);
        await expectText(postings).toContain("platform:bank");
        await expectText(postings).toContain("¥20,000.00");
        await expectText(page.locator("main")).toContain(WITHDRAWAL_REFERENCE);
        await screenshot(page, "ledger-admin-transaction");
      });
    });
  });
});
