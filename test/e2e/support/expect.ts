import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Web-first assertions for playwright-core, which has no `expect` of its own. After an action the
 * page is not settled when its first result shows: React Router is still reloading the route's
 * data, so a read taken then can see the page from before the action. Every assertion on page
 * content therefore polls until the matcher passes or `WAIT.timeout` runs out:
 *
 *   await expectText(page.getByRole("status")).toContain("已入账");
 *   await expectCount(rows).toBe(2);
 *
 * Each helper returns vitest's `expect.poll(…)`, so any matcher (`toContain`, `toMatch`, `toBe`,
 * `not.toBe`, `toBeGreaterThan`) keeps its meaning; await it.
 */
export const WAIT = { timeout: 15_000, interval: 100 } as const;

/** A single read inside a poll gives up quickly, so the poll keeps its own deadline. */
const READ = { timeout: 1_000 };

const poll = <T>(read: () => Promise<T>, what: string) => expect.poll(read, { ...WAIT, message: what });

/** The first match's rendered text once it is visible; "" while nothing matching is visible. */
export async function currentText(locator: Locator): Promise<string> {
  const first = locator.first();
  if (!(await first.isVisible())) return "";
  return first.innerText(READ);
}

/** The text of the locator's first visible match, polled. */
export const expectText = (locator: Locator) => poll(() => currentText(locator), `text of ${locator}`);

/** How many elements match, polled. */
export const expectCount = (locator: Locator) => poll(() => locator.count(), `count of ${locator}`);

/** An input's value, polled. */
export const expectValue = (locator: Locator) => poll(() => locator.inputValue(READ), `value of ${locator}`);

/** Whether a checkbox or radio button is checked, polled. */
export const expectChecked = (locator: Locator) => poll(() => locator.isChecked(READ), `checked state of ${locator}`);

/** An attribute of the (single) match, polled; null while absent. */
export const expectAttribute = (locator: Locator, name: string) =>
  poll(() => locator.getAttribute(name, READ), `attribute ${name} of ${locator}`);

/** The page's URL, polled. */
export const expectUrl = (page: Page) => poll(() => Promise.resolve(page.url()), "page URL");

/**
 * Waits until React Router has nothing in flight (navigation, revalidation, fetchers) and the
 * browser has painted twice since. Only for a read that decides the test's next step (which link
 * to follow, whether a button is there): assertions poll instead.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      type State = { state: string };
      const router = (
        window as {
          __remixRouter?: { state: { navigation: State; revalidation: string; fetchers: Map<string, State> } };
        }
      ).__remixRouter;
      if (!router) return true; // no JavaScript on this page: nothing renders after the load
      const { navigation, revalidation, fetchers } = router.state;
      return (
        navigation.state === "idle" &&
        revalidation === "idle" &&
        [...fetchers.values()].every((f) => f.state === "idle")
      );
    },
    undefined,
    { timeout: WAIT.timeout },
  );
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}
