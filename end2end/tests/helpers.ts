import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

/** Opens the vote page and waits until it is hydrated (clicks no longer post the form). */
export async function openHydrated(page: Page, path = "/"): Promise<void> {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** The picture being rated (its alt text is its title; the verdict's thumbnail has none). */
export function picture(page: Page): Locator {
  return page.getByRole("main").getByRole("img");
}

export function verdict(page: Page): Locator {
  return page.getByRole("region", { name: "Your last vote" });
}

export function rateButton(page: Page, rating: number): Locator {
  return page.getByRole("button", { name: `Rate ${rating} out of 10` });
}

/** The image key of the picture being rated, from its address (/media/<key>/<width>.jpg). */
export async function pictureKey(page: Page): Promise<string> {
  const src = await picture(page).getAttribute("src");
  const key = src?.split("/")[2];
  expect(key, `picture src ${src}`).toBeTruthy();
  return key as string;
}

/** Waits until the verdict is about the picture with `key`, i.e. the vote on it was counted. */
export async function expectVerdictOn(page: Page, key: string): Promise<void> {
  await expect(verdict(page).locator(`img[src*="${key}"]`)).toBeAttached();
}

/** Axe finds nothing on the page, in the light and the dark theme. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), `${what}, ${colorScheme}`).toEqual([]);
  }
}

/**
 * Rates the picture in front of `page` after looking `lookMs`; answers its image key. Other tests on this server
 * hold reported pictures out of the rotation; when the one in front of a newcomer is held before
 * they vote, the page says so and shows another (tests/api/moderation.rs), which is rated then.
 */
export async function voteOnce(page: Page, lookMs: number): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.waitForTimeout(lookMs);
    const key = await pictureKey(page);
    await rateButton(page, 7).click();
    const counted = verdict(page).locator(`img[src*="${key}"]`);
    const refused = page.getByRole("alert");
    await expect(counted.or(refused).first()).toBeAttached();
    if ((await counted.count()) > 0) return key;
  }
  throw new Error("no vote was taken in three attempts");
}
