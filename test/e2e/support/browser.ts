import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { WAIT } from "./expect.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether browser tests can run here; says why once when they cannot. */
export const hasChromium: boolean = fs.existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  console.log(`browser tests not run: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)`);
}

/** Debian's Chromium, headless, as root (MACHINE-FACTS: no sandbox, no background networking). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

const RESULTS = path.resolve(__dirname, "..", "..", "..", "test-results");

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs a browser step; on failure saves a screenshot and names it in the error. */
export async function step<T>(page: Page, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    let file = "(no screenshot)";
    try {
      file = await screenshot(page, `failed-${name}`);
    } catch {
      // the page may be gone
    }
    throw new Error(`${name} failed (screenshot: ${file}): ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel(/邮箱|Email/).fill(email);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith("/login")),
    page.getByRole("button", { name: /^(登录|Log in)$/ }).click(),
  ]);
}

/** Waits (up to `WAIT.timeout`) until the locator's first match is visible. */
export async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: "visible", timeout: WAIT.timeout });
}

/**
 * Reads a value (a reference code, an amount to compute with) from a page that has settled.
 * Not for asserting what an action did: that is `expectText` (support/expect.ts), which waits.
 */
export async function visibleText(locator: Locator): Promise<string> {
  await visible(locator);
  return locator.first().innerText();
}

/** Runs `run` in a fresh browser context (no cookies), signed in first when `as` is given. */
export async function withPage<T>(
  browser: Browser,
  run: (page: Page) => Promise<T>,
  as?: { baseUrl: string; email: string; password: string },
): Promise<T> {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    if (as) await logIn(page, as.baseUrl, as.email, as.password);
    return await run(page);
  } finally {
    await context.close();
  }
}
