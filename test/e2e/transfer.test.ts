import type { Browser, Page } from "playwright-core";
import { verifyAndConfirm } from "./support/identity.ts";
import { afterAll, beforeAll, describe, it } from "vitest";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { formatYuan } from "#domain/money/money.ts";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import { hasChromium, launchBrowser, screenshot, step, visible, visibleText, withPage } from "./support/browser.ts";
import { expectText } from "./support/expect.ts";

const UNIVERSITY = "gaoxiao@demo.jiebang.cn"; // 王丽华, 昆明理工大学科技处
const BROKER = "jingjiren@demo.jiebang.cn"; // 赵志强
const FINANCE = "caiwu@demo.jiebang.cn";
const BUYER = {
  name: "何启明",
  email: "he.qiming@example.cn",
  password: "启明储能科技2026口令",
  org: "昆明启明储能科技有限公司",
};
const TITLE = "钠离子电池硬碳负极低成本制备技术（浏览器测试）";

/** Shanghai calendar date `days` from now. */
function shanghaiDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The first ¥ amount in a text, in fen. */
function fenOf(text: string): bigint {
  const m = /¥([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no amount in ${text}`);
  return BigInt(m[1]!.replace(/,/g, "")) * 100n + BigInt(m[2]!);
}

/**
 * 成果转化 end to end in Chromium: the university lists an offer, the broker introduces a newly
 * signed-up enterprise, which inquires; the broker proposes a 5 % commission that the seller signs,
 * terms are agreed (one instalment of ¥200,000), both sides sign, the 技术合同登记号 is recorded,
 * the buyer's first funding is refused for lack of money, finance confirms a deposit, the buyer
 * funds the escrow, the seller delivers, the buyer accepts, and the wallets move by exact amounts:
 * seller +¥184,000.00 (¥200,000 less the 3 % fee ¥6,000 and the commission ¥10,000), broker +¥10,000.00.
 */
describe.skipIf(!hasChromium)("成果转化 in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  let offerUrl = "";
  let dealUrl = "";
  let sellerBefore = 0n;
  let brokerBefore = 0n;

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
  const buyer = <T>(run: (page: Page) => Promise<T>) =>
    withPage(browser, run, { baseUrl: app.baseUrl, email: BUYER.email, password: BUYER.password });
  /** Opens the wallet page and returns where its available balance shows. */
  const sellerWallet = (page: Page) =>
    page.goto(`${app.baseUrl}/wallet`).then(() => page.locator('[data-testid="available"] dd'));
  const brokerWallet = (page: Page) =>
    page.goto(`${app.baseUrl}/broker`).then(() => page.locator('[data-testid="broker-wallet"]'));

  it("lets the university list an offer (draft, then publish) that the public list shows", async () => {
    await demo(UNIVERSITY, async (page) => {
      sellerBefore = fenOf(await visibleText(await sellerWallet(page)));
      await step(page, "list-offer", async () => {
        await page.getByRole("link", { name: "成果转化", exact: true }).first().click();
        await page.waitForURL(`${app.baseUrl}/offers`);
        await page.getByRole("link", { name: "发布成果" }).first().click();
        await page.waitForURL(`${app.baseUrl}/offers/new`);
        await page.getByLabel("成果名称").fill(TITLE);
        await page
          .getByLabel("成果简介")
          .fill("以生物质为前驱体，两步碳化制备硬碳负极，首效 ≥ 88%，成本较进口材料低 40%。");
        await page.getByLabel("技术成熟度（TRL）").selectOption("6");
        await page.getByLabel("所属产业").selectOption("new_materials");
        await page.getByLabel("技术领域").fill("新材料，钠离子电池");
        await page.getByLabel("价格", { exact: true }).fill("20万");
        await page.getByLabel("专利号 / 登记号 1").fill("ZL202410123456.7");
        await page.getByLabel("名称 1").fill("一种硬碳负极材料的制备方法");
        await page.getByRole("button", { name: "保存草稿" }).click();
        await page.waitForURL(/\/offers\/[^/]+\/edit\?created=1$/);
        await page.getByRole("button", { name: "发布", exact: true }).click();
        await visible(page.getByRole("status").filter({ hasText: "成果已发布" }));
        offerUrl = page.url().replace(/\/edit.*$/, "");
      });
      await step(page, "offer-public", async () => {
        await page.goto(`${app.baseUrl}/offers?field=钠离子电池`);
        await page.getByRole("link", { name: TITLE }).click();
        await page.waitForURL(offerUrl);
        await visible(page.locator('[data-testid="offer-price"]').filter({ hasText: "¥200,000.00" }));
        await visible(page.locator('[data-testid="offer-price"]').filter({ hasText: "20万元" }));
        await visible(page.locator('[data-testid="rights"]').filter({ hasText: "ZL202410123456.7" }));
        await screenshot(page, "transfer-offer");
      });
    });
  });

  it("signs up an enterprise, which the broker introduces to the offer", async () => {
    await withPage(browser, async (page) => {
      await page.goto(`${app.baseUrl}/signup`);
      await page.getByLabel("姓名").fill(BUYER.name);
      await page.getByLabel("邮箱").fill(BUYER.email);
      await page.getByLabel("密码", { exact: true }).fill(BUYER.password);
      await page.getByLabel("单位名称").fill(BUYER.org);
      await page.getByLabel("单位类型").selectOption("enterprise");
      await page.getByLabel("统一社会信用代码").fill(generateCreditCode({ division: "530100" }));
      await page.getByRole("button", { name: "注册" }).click();
      await page.getByRole("status").filter({ hasText: BUYER.email }).waitFor();
      await verifyAndConfirm(browser, page, {
        baseUrl: app.baseUrl,
        email: BUYER.email,
        organisation: BUYER.org,
        adminEmail: "admin@demo.jiebang.cn",
        adminPassword: DEMO_PASSWORD,
      });
    });
    await demo(BROKER, async (page) => {
      brokerBefore = fenOf(await visibleText(await brokerWallet(page)));
      await step(page, "introduce", async () => {
        const form = page.locator('[data-testid="introduce-form"]');
        await form.getByLabel("成果").selectOption({ label: TITLE });
        await form.getByLabel("受让方").selectOption({ label: BUYER.org });
        await form.getByLabel("推荐说明").fill("该企业正在建设钠电池中试线。");
        await form.getByRole("button", { name: "记录推荐" }).click();
        await visible(page.getByRole("status").filter({ hasText: "推荐已记录" }));
        await visible(page.locator('[data-testid="introductions"]').filter({ hasText: BUYER.org }));
      });
    });
    // The introduction counts once the enterprise accepts it (ADR 0022).
    await buyer(async (page) => {
      await page.goto(`${app.baseUrl}/introductions`);
      const row = page.locator("li").filter({ hasText: TITLE });
      await row.getByRole("button", { name: "接受" }).click();
      await visible(page.getByRole("status").filter({ hasText: "已接受推荐" }));
    });
  });

  it("lets the buyer inquire; the broker proposes a commission the seller signs; terms are agreed", async () => {
    await buyer(async (page) => {
      await step(page, "inquire", async () => {
        await page.goto(offerUrl);
        await visible(page.locator("main").filter({ hasText: "联系方式不公开" }));
        const form = page.locator('[data-testid="inquiry-form"]');
        await form.getByLabel("询价留言").fill("我司计划年产 500 吨硬碳负极，希望了解转让条件。");
        await form.getByRole("button", { name: "发起询价" }).click();
        await page.waitForURL(/\/deals\/[^/]+$/);
        dealUrl = page.url();
        await visible(page.locator('[data-testid="thread"]').filter({ hasText: "年产 500 吨" }));
      });
    });
    await demo(BROKER, async (page) => {
      await step(page, "commission", async () => {
        await page.goto(dealUrl);
        await page.getByLabel("留言").fill("已与让与方沟通，建议一次性付款。");
        await page.getByRole("button", { name: "发送" }).click();
        await visible(page.getByRole("status").filter({ hasText: "留言已发送" }));
        await page.getByLabel("付款方").selectOption("seller");
        await page.getByLabel("佣金比例（%）").fill("5");
        await page.getByRole("button", { name: "提出佣金协议" }).click();
        await visible(page.locator('[data-testid="commission"]').filter({ hasText: "按成交额 5.00%" }));
      });
    });
    await demo(UNIVERSITY, async (page) => {
      await step(page, "terms", async () => {
        await page.goto(dealUrl);
        await page.getByRole("button", { name: "签署佣金协议" }).click();
        await visible(page.locator('[data-testid="commission"]').filter({ hasText: "付款方已签署" }));
        const form = page.locator('[data-testid="terms-form"]');
        await form.getByLabel("成交价格").fill("200000");
        await form.getByLabel("合同条款").fill("专利权全部转让；让与方提供工艺包与两次现场指导。");
        await form.getByLabel("金额 1").fill("200000");
        await form.getByLabel("到期日 1").fill(shanghaiDate(30));
        await form.getByLabel("交付内容 1").fill("专利权转移登记、工艺包");
        await form.getByRole("button", { name: "保存条款" }).click();
        await visible(page.getByRole("status").filter({ hasText: "条款已保存" }));
        await page.getByRole("button", { name: "以让与方身份签署" }).click();
        await visible(page.getByRole("status").filter({ hasText: "已签署" }));
      });
    });
  });

  it("has the buyer sign, the registration number recorded, and escrow funded after a deposit", async () => {
    await buyer(async (page) => {
      await page.goto(dealUrl);
      await page.getByRole("button", { name: "以受让方身份签署" }).click();
      await visible(page.getByRole("status").filter({ hasText: "已签署" }));
    });
    const year = shanghaiDate(0).slice(0, 4);
    const registration = `${year}53010100${String(Date.now()).slice(-6)}`;
    await demo(UNIVERSITY, async (page) => {
      await step(page, "register", async () => {
        await page.goto(dealUrl);
        await page.getByLabel("技术合同登记号").fill(registration);
        await page.getByRole("button", { name: "录入登记号" }).click();
        await visible(page.locator('[data-testid="registration"]').filter({ hasText: registration }));
      });
    });
    let referenceCode = "";
    await buyer(async (page) => {
      await step(page, "fund-refused", async () => {
        await page.goto(dealUrl);
        await page.getByRole("button", { name: "存入托管" }).click();
        await expectText(page.locator('[data-testid="insufficient-funds"]')).toContain("¥200,000.00");
        await page.locator('[data-testid="insufficient-funds"]').getByRole("link").click();
        await page.waitForURL(/\/wallet/);
        referenceCode = (await visibleText(page.locator('[data-testid="reference-code"]'))).trim();
      });
    });
    await demo(FINANCE, async (page) => {
      await page.goto(`${app.baseUrl}/finance`);
      const form = page.locator('section[aria-labelledby="deposit-heading"]');
      await form.getByLabel("单位识别码").fill(referenceCode);
      await form.getByLabel("到账金额（元）").fill("200,000.00");
      await form.getByLabel("银行流水号").fill(`CCB${Date.now()}`);
      await form.getByRole("button", { name: "核对信息" }).click();
      await page.locator(".summary").getByRole("button", { name: "确认入账" }).click();
      await visible(page.getByRole("status").filter({ hasText: `已为 ${BUYER.org} 入账` }));
    });
    await buyer(async (page) => {
      await step(page, "fund", async () => {
        await page.goto(dealUrl);
        await page.getByRole("button", { name: "存入托管" }).click();
        await visible(page.getByRole("status").filter({ hasText: "款项已存入托管" }));
        await visible(page.locator('[data-testid="deal-money"]').filter({ hasText: "¥200,000.00" }));
      });
    });
  });

  it("pays the seller and the broker exact amounts when the buyer accepts the delivery", async () => {
    await demo(UNIVERSITY, async (page) => {
      await page.goto(dealUrl);
      await page.getByLabel("交付说明").fill("专利转移登记已提交，工艺包已上传。");
      await page.getByRole("button", { name: "确认已交付" }).click();
      await visible(page.getByRole("status").filter({ hasText: "已标记交付" }));
    });
    await buyer(async (page) => {
      await step(page, "confirm", async () => {
        await page.goto(dealUrl);
        await page.getByRole("button", { name: "确认验收并付款" }).click();
        await visible(
          page
            .getByRole("status")
            .filter({ hasText: "付让与方 ¥184,000.00，平台服务费 ¥6,000.00，经纪佣金 ¥10,000.00" }),
        );
        await visible(page.locator('[data-testid="paid-to-seller"]').filter({ hasText: "¥184,000.00" }));
        await screenshot(page, "transfer-deal-completed");
      });
    });
    await demo(UNIVERSITY, async (page) => {
      await expectText(await sellerWallet(page)).toContain(formatYuan(sellerBefore + 18_400_000n));
    });
    await demo(BROKER, async (page) => {
      await expectText(await brokerWallet(page)).toContain(formatYuan(brokerBefore + 1_000_000n));
      await screenshot(page, "transfer-broker");
    });
  });
});
