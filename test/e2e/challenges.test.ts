import type { Browser, Locator, Page } from "playwright-core";
import { verifyAndConfirm } from "./support/identity.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCreditCode } from "#domain/identity/credit-code.ts";
import { DEMO_PASSWORD } from "../../prisma/seed.ts";
import { startApp, type RunningApp } from "./support/app.ts";
import {
  hasChromium,
  launchBrowser,
  newContext,
  screenshot,
  step,
  visible,
  visibleText,
  withPage,
} from "./support/browser.ts";
import { WAIT, currentText, expectAttribute, expectText, expectValue } from "./support/expect.ts";

const ENTERPRISE = "qiye@demo.jiebang.cn";
const RESEARCHER = "keyan@demo.jiebang.cn"; // 张云龙, 昆明理工大学
const EXPERT = "zhuanjia@demo.jiebang.cn"; // 陈海燕, 云南省新材料研究院
const OFFICER = "guanwei@demo.jiebang.cn"; // 昆明高新区管委会
const FINANCE = "caiwu@demo.jiebang.cn";
const ENTERPRISE_NAME = "云南滇中锂电新材料科技有限公司";
const SOLVER = {
  name: "李思远",
  email: "li.siyuan@example.cn",
  password: "思远固态电解质2026",
  org: "昆明先进储能材料研究所",
};
const EXPERT2 = {
  name: "杨文博",
  email: "yang.wenbo@example.cn",
  password: "文博评审专家2026口令",
  org: "云南科创技术咨询有限公司",
};
const TITLE = "硫化物固态电解质界面稳定性提升（浏览器测试榜）";

/** Shanghai wall-clock text `days` from now, for datetime-local (or date) inputs. */
function shanghai(days: number, dateOnly = false): string {
  const text = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString();
  return dateOnly ? text.slice(0, 10) : text.slice(0, 16);
}

/**
 * 揭榜挂帅 end to end in Chromium: finance funds the enterprise, the enterprise posts a challenge,
 * the zone approves it, two researchers bid (sealed, with receipts), the deadline passes on the
 * test clock, one expert recuses and another scores, feedback is written, the 公示 runs (with an
 * objection the zone answers) and ends, both sides sign (first refused for lack of funds), a
 * milestone is delivered and accepted, and the solver's wallet shows the payment less the 3% fee.
 */
describe.skipIf(!hasChromium)("揭榜挂帅 in Chromium", () => {
  let app: RunningApp;
  let browser: Browser;
  let challengeUrl = "";
  let referenceCode = "";

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const as = <T>(email: string, password: string, run: (page: Page) => Promise<T>) =>
    withPage(browser, run, { baseUrl: app.baseUrl, email, password });
  const demo = <T>(email: string, run: (page: Page) => Promise<T>) => as(email, DEMO_PASSWORD, run);

  async function deposit(amount: string, bankReference: string) {
    await demo(FINANCE, async (page) => {
      await step(page, `deposit-${bankReference}`, async () => {
        await page.goto(`${app.baseUrl}/finance`);
        const form = page.locator('section[aria-labelledby="deposit-heading"]');
        await form.getByLabel("单位识别码").fill(referenceCode);
        await form.getByLabel("到账金额（元）").fill(amount);
        await form.getByLabel("银行流水号").fill(bankReference);
        await form.getByRole("button", { name: "核对信息" }).click();
        await page.locator(".summary").getByRole("button", { name: "确认入账" }).click();
        await expectText(page.getByRole("status")).toContain(`已为 ${ENTERPRISE_NAME} 入账`);
      });
    });
  }

  /** Moves the server's test clock forward and runs the timed transitions (app/routes/[__test].clock.tsx). */
  async function advanceClock(page: Page, days: number): Promise<Locator> {
    await page.goto(`${app.baseUrl}/__test/clock`);
    await page.getByLabel("Advance by days").fill(String(days));
    await page.getByRole("button", { name: "Advance and run timed transitions" }).click();
    return page.locator('[data-testid="clock-result"]');
  }

  async function signUp(page: Page, who: typeof SOLVER, orgType: string, role: string) {
    await page.goto(`${app.baseUrl}/signup`);
    await page.getByLabel("姓名").fill(who.name);
    await page.getByLabel("邮箱").fill(who.email);
    await page.getByLabel("密码", { exact: true }).fill(who.password);
    await page.getByLabel("单位名称").fill(who.org);
    await page.getByLabel("单位类型").selectOption(orgType);
    await page.getByLabel("统一社会信用代码").fill(generateCreditCode({ division: "530100" }));
    await page.getByLabel(role).check();
    await page.getByRole("button", { name: "注册" }).click();
    await page.getByRole("status").filter({ hasText: who.email }).waitFor();
    await verifyAndConfirm(browser, page, {
      baseUrl: app.baseUrl,
      email: who.email,
      organisation: who.org,
      adminEmail: "admin@demo.jiebang.cn",
      adminPassword: DEMO_PASSWORD,
    });
  }

  it("funds the enterprise's wallet through finance (half of the bounty, for now)", async () => {
    await demo(ENTERPRISE, async (page) => {
      await page.goto(`${app.baseUrl}/wallet`);
      referenceCode = (await visibleText(page.locator('[data-testid="reference-code"]'))).trim();
    });
    await deposit("50,000.00", "ICBC20261125000777");
  });

  it("lets the enterprise draft a challenge (errors next to fields) and submit it to the zone", async () => {
    await demo(ENTERPRISE, async (page) => {
      await step(page, "post-challenge", async () => {
        await page.getByRole("link", { name: "揭榜挂帅", exact: true }).first().click();
        await page.waitForURL(`${app.baseUrl}/challenges`);
        await page.getByRole("link", { name: "发布榜单" }).first().click();
        await page.waitForURL(`${app.baseUrl}/challenges/new`);
        await page.getByLabel("榜单标题").fill(TITLE);
        await page
          .getByLabel("问题描述")
          .fill(
            "现有高镍三元正极材料在 4.4V 高电压下循环 500 次后容量保持率不足 80%。\n\n希望揭榜团队提出表面包覆或掺杂改性方案，并完成中试验证。",
          );
        await page.getByLabel("所属产业").selectOption("new_materials");
        await page.getByLabel("技术领域标签").fill("锂电池，正极材料");
        await page.locator("#c-ind-0-name").fill("1000 次循环容量保持率");
        await page.locator("#c-ind-0-target").fill("≥ 90");
        await page.locator("#c-ind-0-unit").fill("%");
        await page.locator("#c-ms-0-name").fill("小试样品");
        await page.locator("#c-ms-0-deliverable").fill("改性正极材料小试样品 1 kg 及检测报告");
        await page.locator("#c-ms-0-criteria").fill("第三方检测 500 次循环保持率 ≥ 92%");
        await page.locator("#c-ms-0-amount").fill("60,000.005");
        await page.locator("#c-ms-0-due").fill(shanghai(60, true));
        await page.locator("#c-ms-1-name").fill("中试验证");
        await page.locator("#c-ms-1-deliverable").fill("中试工艺包与 100 kg 批次样品");
        await page.locator("#c-ms-1-criteria").fill("批次一致性与循环指标达到榜单要求");
        await page.locator("#c-ms-1-amount").fill("40,000");
        await page.locator("#c-ms-1-due").fill(shanghai(120, true));
        await page.getByLabel("揭榜截止时间").fill(shanghai(2));
        await page.getByRole("button", { name: "保存草稿" }).click();
        // Bad money comes back next to its field; everything typed is kept.
        await expectText(page.locator("#c-ms-0-amount-error")).toContain("两位小数");
        await expectValue(page.getByLabel("榜单标题")).toBe(TITLE);
        await screenshot(page, "challenges-new-errors");
        await page.locator("#c-ms-0-amount").fill("60,000");
        await Promise.all([
          page.waitForURL(/\/challenges\/[^/]+\/manage\?created=1$/),
          page.getByRole("button", { name: "保存草稿" }).click(),
        ]);
        challengeUrl = page.url().replace(/\/manage\?created=1$/, "");
        await expectText(page.getByRole("status")).toContain("草稿已保存");
        await page.getByRole("button", { name: "提交审核" }).click();
        await expectText(page.locator(".badge.status-submitted")).toContain("待审核");
        await screenshot(page, "challenges-submitted");
      });
    });
  });

  it("lets the zone approve it from its queue and the enterprise publish it", async () => {
    await demo(OFFICER, async (page) => {
      await step(page, "zone-approve", async () => {
        await page.getByRole("link", { name: "管委会待办" }).click();
        await page.waitForURL(`${app.baseUrl}/zone`);
        const item = page.locator(".challenge-card", { hasText: TITLE });
        await visible(item);
        await screenshot(page, "challenges-zone-queue");
        await Promise.all([page.waitForURL(/\/manage$/), item.getByRole("button", { name: "审核通过" }).click()]);
        await expectText(page.locator('[data-testid="done"]')).toContain("审核通过");
      });
    });
    await demo(ENTERPRISE, async (page) => {
      await step(page, "publish", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "发布榜单" }).click();
        await expectText(page.locator(".badge.status-published")).toContain("揭榜中");
      });
    });
    // The public list filters without JavaScript (plain GET query parameters).
    const context = await browser.newContext({
      javaScriptEnabled: false,
      locale: "zh-CN",
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    try {
      await step(page, "public-list", async () => {
        await page.goto(`${app.baseUrl}/challenges`);
        await page.getByLabel("产业").selectOption("new_materials");
        await page.getByLabel("最低赏金（元）").fill("10万");
        await page.getByRole("button", { name: "筛选", exact: true }).click();
        await page.waitForURL(/industry=new_materials/);
        await expectText(page.locator('[data-testid="challenge-list"]')).toContain(TITLE);
        await screenshot(page, "challenges-public-list");
        await page.getByLabel("产业").selectOption("biomedicine");
        await page.getByRole("button", { name: "筛选", exact: true }).click();
        await page.waitForURL(/industry=biomedicine/);
        await expectText(page.locator("main")).toContain("没有符合条件的榜单");
        await page.goto(challengeUrl);
        await expectText(page.locator('[data-testid="bounty"]')).toContain("¥100,000.00");
        await expectText(page.locator("main")).toContain("1000 次循环容量保持率");
        await screenshot(page, "challenges-public-detail");
      });
    } finally {
      await context.close();
    }
  });

  it("takes two sealed bids with receipts, and the enterprise invites two experts", async () => {
    await demo(RESEARCHER, async (page) => {
      await step(page, "bid-keyan", async () => {
        await page.goto(challengeUrl);
        await page.getByLabel("向发榜方提问").fill("小试样品的第三方检测机构可否由揭榜方推荐？");
        await page.getByRole("button", { name: "提交问题" }).click();
        await expectText(page.getByRole("status")).toContain("问题已提交");
        await page.getByRole("link", { name: "我要揭榜" }).click();
        await page
          .getByLabel("技术方案")
          .fill("采用原子层沉积氧化铝包覆结合铌掺杂，抑制高电压下的界面副反应与晶格氧流失。");
        await page.getByLabel("报价（元）").fill("95,000");
        await page.getByLabel(/里程碑 1「小试样品」计划天数/).fill("45");
        await page.getByLabel(/里程碑 2「中试验证」计划天数/).fill("60");
        await page.locator("#b-m-0-name").fill("张云龙");
        await page.locator("#b-m-0-role").fill("负责人");
        await page.getByRole("button", { name: "提交方案" }).click();
        await expectText(page.locator('[data-testid="receipt"]')).toMatch(/[0-9a-f]{64}/);
      });
    });
    const context = await newContext(browser);
    const page = await context.newPage();
    try {
      await step(page, "bid-solver", async () => {
        await signUp(page, SOLVER, "research_institute", "科研人员");
        await page.goto(`${challengeUrl}/bid`);
        await page
          .getByLabel("技术方案")
          .fill("以单晶化高镍前驱体配合梯度钴包覆，兼顾容量与循环寿命，已有公斤级小试数据。");
        await page.getByLabel("报价（元）").fill("90,000");
        await page.getByLabel(/里程碑 1「小试样品」计划天数/).fill("40");
        await page.getByLabel(/里程碑 2「中试验证」计划天数/).fill("70");
        await page.locator("#b-m-0-name").fill(SOLVER.name);
        await page.locator("#b-m-0-role").fill("负责人");
        await page.getByRole("button", { name: "提交方案" }).click();
        await expectText(page.locator('[data-testid="receipt"]')).toMatch(/[0-9a-f]{64}/);
        await screenshot(page, "challenges-bid-receipt");
        await page.goto(`${app.baseUrl}/challenges/mine`);
        await expectText(page.locator('[data-testid="my-bid"]')).toContain(TITLE);
      });
    } finally {
      await context.close();
    }
    const expertContext = await newContext(browser);
    const expertPage = await expertContext.newPage();
    try {
      await step(expertPage, "signup-expert", () => signUp(expertPage, EXPERT2, "service_provider", "评审专家"));
    } finally {
      await expertContext.close();
    }
    await demo(ENTERPRISE, async (page) => {
      await step(page, "sealed-and-invite", async () => {
        // Q&A: the enterprise answers publicly.
        await page.goto(challengeUrl);
        await page.getByLabel("答复", { exact: true }).fill("可以，但须具备 CMA 资质，并在签约时写明。");
        await page.getByRole("button", { name: "提交答复" }).click();
        await visible(page.locator(".answer", { hasText: "CMA 资质" }));
        await page.goto(`${challengeUrl}/manage`);
        // Sealed before the deadline: no bid is shown to the enterprise.
        await expectText(page.locator("main")).toContain("截止并关闭揭榜后才能查看");
        for (const name of ["陈海燕", EXPERT2.name]) {
          await page.getByLabel("邀请评审专家").selectOption({ label: name });
          await page.getByRole("button", { name: "邀请", exact: true }).click();
          await visible(page.locator('[data-testid="reviewers"]', { hasText: name }));
        }
      });
    });
  });

  it("closes bidding when the deadline passes on the test clock; one expert recuses, the other scores", async () => {
    await demo(ENTERPRISE, async (page) => {
      await step(page, "deadline", async () => {
        await expectText(await advanceClock(page, 3)).toMatch(/closed [1-9]/);
        await page.goto(`${challengeUrl}/manage`);
        await expectText(page.locator(".badge.status-bidding_closed")).toContain("揭榜已截止");
        await page.getByRole("button", { name: "开始评审" }).click();
        await expectText(page.locator(".badge.status-under_review")).toContain("评审中");
        await expectText(page.locator("main")).toContain("揭榜方案（2）");
      });
    });
    await demo(EXPERT, async (page) => {
      await step(page, "recuse", async () => {
        await page.getByRole("link", { name: "我的揭榜挂帅" }).first().click();
        await page.locator('[data-testid="my-reviews"]').getByRole("link", { name: TITLE }).click();
        await page.getByLabel("申报利益冲突").fill("本人曾与揭榜团队负责人合作承担省重点研发项目，申请回避。");
        await page.getByRole("button", { name: "申报并回避" }).click();
        await expectText(page.locator('[data-testid="recused"]')).toContain("本人申报利益冲突");
        await screenshot(page, "challenges-reviewer-recused");
      });
    });
    await as(EXPERT2.email, EXPERT2.password, async (page) => {
      await step(page, "score", async () => {
        await page.goto(`${challengeUrl}/manage`);
        const scores: Record<string, number[]> = { [SOLVER.name]: [88, 85, 80, 90], 张云龙: [75, 70, 78, 72] };
        for (const [name, values] of Object.entries(scores)) {
          const form = page.getByRole("form", { name: `为 ${name} 评分` });
          for (const [i, label] of ["技术先进性", "可行性", "团队", "报价"].entries()) {
            await form.getByLabel(new RegExp(`^${label}`)).fill(String(values[i]));
          }
          await form.getByRole("button", { name: "提交评分" }).click();
          await visible(form.getByRole("button", { name: "更新评分" }));
        }
        await screenshot(page, "challenges-reviewer-scored");
      });
    });
  });

  it("requires feedback for the losing bid before the winner is proposed", async () => {
    await demo(ENTERPRISE, async (page) => {
      await step(page, "feedback-propose", async () => {
        await page.goto(`${challengeUrl}/manage`);
        // The better-scored bid is ranked first.
        await expect
          .poll(async () => {
            const ranking = await currentText(page.locator('[data-testid="ranking"]'));
            return ranking.indexOf(SOLVER.name) - ranking.indexOf("张云龙");
          }, WAIT)
          .toBeLessThan(0);
        await page.getByRole("button", { name: `建议 ${SOLVER.name} 中选` }).click();
        await expectText(page.getByRole("alert")).toContain("尚未填写反馈");
        const feedback = page.getByRole("form", { name: "给 张云龙 的反馈" });
        await feedback.getByLabel("报价").check();
        await feedback.getByLabel("进度安排").check();
        await feedback
          .getByLabel("给 张云龙 的反馈说明")
          .fill("方案技术路线可行，但报价偏高且中试周期较长，综合评分低于中选方案。");
        await feedback.getByRole("button", { name: "保存反馈" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain("反馈已保存");
        await page.getByRole("button", { name: `建议 ${SOLVER.name} 中选` }).click();
        await expectText(page.locator(".badge.status-winner_proposed")).toContain("拟中选待确认");
        await screenshot(page, "challenges-proposed");
      });
    });
  });

  it("runs the 公示: an objection is filed and answered, then the notice ends on the test clock", async () => {
    await demo(OFFICER, async (page) => {
      await step(page, "start-notice", async () => {
        await page.goto(`${app.baseUrl}/zone`);
        await Promise.all([
          page.waitForURL(/\/manage$/),
          page.locator(".challenge-card", { hasText: TITLE }).getByRole("button", { name: "开始公示" }).click(),
        ]);
        await expectText(page.locator('[data-testid="done"]')).toContain("开始公示");
        await expectText(page.locator(".badge.status-public_notice")).toContain("公示中");
      });
    });
    await demo(RESEARCHER, async (page) => {
      await step(page, "objection", async () => {
        await page.goto(challengeUrl);
        await expectText(page.locator('[data-testid="notice-winner"]')).toContain(SOLVER.name);
        await page.getByLabel("对公示结果的异议").fill("请说明中选方案的小试数据是否经过第三方检测。");
        await page.getByRole("button", { name: "提出异议" }).click();
        await expectText(page.getByRole("status")).toContain("异议已提交");
      });
    });
    await demo(OFFICER, async (page) => {
      await step(page, "answer-objection", async () => {
        // Not over yet: the notice cannot end while an objection is open.
        await expectText(await advanceClock(page, 12)).toMatch(/waiting [1-9]/);
        await page.goto(`${app.baseUrl}/zone`);
        await expectText(page.locator('section[aria-labelledby="objections-heading"]')).toContain("第三方检测");
        await page.goto(`${challengeUrl}/manage`);
        await page.getByLabel("答复（公开）").fill("经核查，中选团队已提交第三方检测报告，数据真实有效。");
        await page.getByRole("button", { name: "答复异议" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain("异议已答复");
        await expectText(await advanceClock(page, 0)).toMatch(/notices ended [1-9]/);
        await page.goto(challengeUrl);
        await expectText(page.locator('[data-testid="objections"]')).toContain("数据真实有效");
        await screenshot(page, "challenges-notice");
      });
    });
  });

  it("signs only when the wallet can fund the escrow, then pays an accepted milestone less the fee", async () => {
    await as(SOLVER.email, SOLVER.password, async (page) => {
      await step(page, "solver-confirms", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "确认签约条款" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain("已确认签约条款");
        await visible(page.locator('[data-testid="solver-confirmed"] time'));
        await expectText(page.locator('[data-testid="seeker-confirmed"]')).toContain("尚未确认");
      });
    });
    await demo(ENTERPRISE, async (page) => {
      await step(page, "insufficient-funds", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "确认签约条款" }).click();
        const alert = page.locator('[data-testid="insufficient-funds"]');
        await expectText(alert).toContain("¥100,000.00");
        await expectText(alert).toContain("¥50,000.00");
        await expectAttribute(page.locator('[data-testid="insufficient-funds"] a'), "href").toBe("/wallet");
        await screenshot(page, "challenges-insufficient-funds");
      });
    });
    await deposit("60,000.00", "ICBC20261125000888");
    await demo(ENTERPRISE, async (page) => {
      await step(page, "sign", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.getByRole("button", { name: "确认签约条款" }).click();
        await expectText(page.locator(".badge.status-contracted")).toContain("已签约");
        await page.getByRole("button", { name: "启动攻关" }).click();
        await expectText(page.locator(".badge.status-in_progress")).toContain("攻关中");
        await page.goto(`${app.baseUrl}/wallet`);
        await expectText(page.locator('[data-testid="available"] dd')).toContain("¥10,000.00");
      });
    });
    await as(SOLVER.email, SOLVER.password, async (page) => {
      await step(page, "deliver", async () => {
        await page.goto(`${app.baseUrl}/challenges/mine`);
        await page.getByRole("link", { name: "签约与里程碑交付" }).click();
        await page
          .locator('[data-testid="milestone-1"]')
          .getByLabel("交付说明")
          .fill("已提交小试样品 1 kg 及第三方检测报告（编号 YNJC-2026-1125）。");
        await page.locator('[data-testid="milestone-1"]').getByRole("button", { name: "提交交付" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain("交付已提交");
      });
    });
    await demo(ENTERPRISE, async (page) => {
      await step(page, "accept", async () => {
        await page.goto(`${challengeUrl}/manage`);
        await page.locator('[data-testid="milestone-1"]').getByRole("button", { name: "验收通过" }).click();
        await expectText(page.locator('[data-testid="done"]')).toContain(
          "已向揭榜方支付 ¥58,200.00，平台服务费 ¥1,800.00",
        );
        await screenshot(page, "challenges-accepted");
        await page.goto(challengeUrl);
        const totals = page.locator('[data-testid="escrow-totals"]');
        await expectText(totals).toContain("¥100,000.00");
        await expectText(totals).toContain("¥60,000.00");
        await expectText(totals).toContain("¥40,000.00");
        await screenshot(page, "challenges-progress");
      });
    });
    await as(SOLVER.email, SOLVER.password, async (page) => {
      await step(page, "solver-wallet", async () => {
        await page.goto(`${app.baseUrl}/wallet`);
        await expectText(page.locator('[data-testid="available"] dd')).toContain("¥58,200.00");
        await screenshot(page, "challenges-solver-wallet");
      });
    });
  });
});
