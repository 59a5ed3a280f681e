import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { openHydrated, picture, rateButton } from "./helpers";

/** The client code a page asked for: chunk files only (not the main WASM, its glue or the loader). */
function watchChunks(page: Page): string[] {
  const chunks: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/pkg/") && path.endsWith(".wasm") && !path.startsWith("/pkg/ratemyderp.")) {
      chunks.push(path);
    }
  });
  return chunks;
}

/** Script errors, and errors logged by the page (not the browser's notes on 4xx answers). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** Every title the document has had once parsed, hydration included. */
async function watchTitles(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { titles: string[] }).titles = seen;
    const note = () => {
      if (seen[seen.length - 1] !== document.title) seen.push(document.title);
    };
    // From the parsed document on (while it is parsed, the title is not there yet).
    document.addEventListener("DOMContentLoaded", () => {
      note();
      new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
    });
  });
}

test("the vote page fetches no other page's code; pointing at a link fetches its page's, and the click opens it in the page", async ({ page }) => {
  const chunks = watchChunks(page);
  const errors = watchErrors(page);
  await openHydrated(page);
  await rateButton(page, 6).click();
  await expect(page.getByRole("region", { name: "Your last vote" })).toBeVisible();
  await expect(picture(page)).toBeVisible();
  expect(chunks, "the vote loop needs only the main bundle").toEqual([]);

  // Pointing at a link in the header starts fetching the leaderboard's code, before any click;
  // the click is then followed in the page (no new document).
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const top = page.getByRole("navigation", { name: "Pictures" }).getByRole("link", { name: "Top", exact: true });
  await top.hover();
  await expect.poll(() => chunks.length).toBeGreaterThan(0);
  await top.click();
  await expect(page).toHaveURL(/\/top$/);
  await expect(page.getByRole("heading", { name: "The derpiest of all" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(errors).toEqual([]);
});

test("a page whose code is a chunk hydrates when opened directly, and its form is handled in the page", async ({ page }) => {
  const chunks = watchChunks(page);
  const errors = watchErrors(page);
  await watchTitles(page);
  await openHydrated(page, "/login");
  expect(chunks.length, "the log-in page's code came as chunks").toBeGreaterThan(0);
  // Hydration waited for the page's chunk without blanking the title meanwhile.
  const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
  expect(titles.filter((title) => title !== "Log in · RateMyDerp")).toEqual([]);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByLabel("Username or email").fill("nobody@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(errors).toEqual([]);
});
