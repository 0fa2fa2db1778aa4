import type { Browser, Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../../prisma/seed.ts";
import { withPage } from "./browser.ts";

/**
 * The dev mailbox is for platform admins only (ADR 0021): reads it in a separate page signed in as
 * the demo admin, polling until the in-process mail job has delivered a link containing `fragment`.
 */
export async function mailedLink(browser: Browser, baseUrl: string, email: string, fragment: string): Promise<string> {
  return withPage(
    browser,
    async (mailbox) => {
      for (let i = 0; i < 60; i++) {
        await mailbox.goto(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`);
        const href = await mailbox
          .locator(`a[href*="${fragment}"]`)
          .first()
          .getAttribute("href", { timeout: 500 })
          .catch(() => null);
        if (href) return href;
        await mailbox.waitForTimeout(250);
      }
      throw new Error(`no mail to ${email} with a link containing ${fragment}`);
    },
    { baseUrl, email: "admin@demo.jiebang.cn", password: DEMO_PASSWORD },
  );
}

/**
 * After the sign-up form (ADR 0022): opens the mailed verification link on `page` (which then is
 * signed in), and has the platform admin confirm the new organisation so it may act.
 */
export async function verifyAndConfirm(
  browser: Browser,
  page: Page,
  options: { baseUrl: string; email: string; organisation: string; adminEmail: string; adminPassword: string },
): Promise<void> {
  const { baseUrl } = options;
  const link = await mailedLink(browser, baseUrl, options.email, "/verify-email?token=");
  await page.goto(link);
  await Promise.all([
    page.waitForURL(`${baseUrl}/dashboard?verified=1`),
    page.getByRole("button", { name: "确认邮箱并登录" }).click(),
  ]);
  await withPage(
    browser,
    async (admin) => {
      await admin.goto(`${baseUrl}/zone/verifications`);
      const row = admin.locator("li").filter({ hasText: options.organisation });
      await row.getByRole("button", { name: "确认", exact: true }).click();
      await admin.getByRole("status").filter({ hasText: "已确认" }).waitFor();
    },
    { baseUrl, email: options.adminEmail, password: options.adminPassword },
  );
}
