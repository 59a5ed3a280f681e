import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expectAccessible, expectVerdictOn, openHydrated, pictureKey, rateButton, verdict } from "./helpers";

/** Rates the picture in front of the voter; answers its id (from its page link's address). */
async function rateOne(page: Page, rating: number): Promise<string> {
  const key = await pictureKey(page);
  await rateButton(page, rating).click();
  await expectVerdictOn(page, key);
  return key;
}

test("the leaderboards are linked from the header, lock unrated pictures and pass axe", async ({ page }) => {
  await openHydrated(page);
  const rated = await rateOne(page, 9);
  const nav = page.getByRole("navigation", { name: "Pictures" });
  for (const board of ["Top", "Hot", "New", "Divisive"]) {
    await expect(nav.getByRole("link", { name: board, exact: true })).toBeVisible();
  }
  // The ranking job runs every few seconds in these tests: the board fills once it has.
  await expect(async () => {
    await page.goto("/top");
    await expect(page.getByRole("list", { name: "The derpiest of all" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("heading", { name: "The derpiest of all" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Top", exact: true }).last()).toHaveAttribute("aria-current", "page");
  // The one picture this visitor rated is shown, on whichever page it ranks; the others are
  // locked (other tests vote meanwhile, so its rank is not known in advance).
  await expect(page.getByRole("button", { name: /^Rate it to see it: / }).first()).toBeVisible();
  await expectAccessible(page, "/top");
  // The ranking job reorders the board every two seconds while others vote: a picture moving up
  // past the page boundary between two page loads is missed by that walk, so walk again.
  await expect(async () => {
    await page.goto("/top");
    const shown: (string | null)[] = [];
    for (let pages = 1; ; pages++) {
      shown.push(...(await page.locator(".tile-grid img").evaluateAll((imgs) => imgs.map((img) => img.getAttribute("src")))));
      const next = page.getByRole("link", { name: "Next page" });
      if (!(await next.count()) || pages > 20) break;
      await next.click();
      await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
    }
    expect(shown.length).toBe(1);
    expect(shown[0]).toContain(rated);
  }).toPass({ timeout: 20_000 });
  await page.getByRole("link", { name: "New", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Just arrived" })).toBeVisible();
  await expectAccessible(page, "/new");
  await page.goto("/about/scores");
  await expect(page.getByRole("heading", { name: "How scores work" })).toBeVisible();
  await expectAccessible(page, "/about/scores");
  await page.goto("/search?q=derp");
  await expect(page.getByRole("searchbox", { name: "Pictures and members" })).toHaveValue("derp");
  await expectAccessible(page, "/search");
});

test("a picture's page shows its charts to its voter, and a share link brings a friend to rate it first", async ({
  page,
  browser,
}) => {
  await openHydrated(page);
  const key = await pictureKey(page);
  await rateButton(page, 8).click();
  await expectVerdictOn(page, key);
  // The verdict links to the rated picture's page.
  const href = await verdict(page).getByRole("link", { name: /^How it stands: / }).getAttribute("href");
  const id = href?.match(/^\/p\/(\d+)$/)?.[1];
  expect(id).toBeTruthy();
  await openHydrated(page, `/p/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("You rated it 8.")).toBeVisible();
  await expect(page.getByRole("img", { name: "How voters rated it" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Votes per rating" })).toBeVisible();
  await expectAccessible(page, "picture page");

  await page.getByRole("button", { name: "Get a share link" }).click();
  const field = page.getByRole("textbox", { name: "Share link" });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{16}$/);
  const link = await field.inputValue();

  // A friend who has never been here: the shared picture is the first one they rate.
  const friendContext = await browser.newContext();
  const friend = await friendContext.newPage();
  await friend.goto(new URL(link).pathname);
  await expect(friend).toHaveURL(/\/$/);
  await expect(friend.locator("html")).toHaveAttribute("data-hydrated", "true");
  expect(await pictureKey(friend)).toBe(key);
  await rateButton(friend, 6).click();
  await expectVerdictOn(friend, key);
  await friend.goto(`/p/${id}`);
  await expect(friend.getByText("You rated it 6.")).toBeVisible();
  await friendContext.close();

  // The sharer sees the share counted.
  await page.goto(`/p/${id}`);
  const shares = page.locator(".picture-stats div", { hasText: "Shares" }).locator("dd");
  await expect(shares).toHaveText("1");
});

test("a locked picture's page invites to rate it, and its preview carries the teaser only", async ({ page }) => {
  await page.goto("/new");
  const href = await page.locator(".tile-grid a[href^='/p/']").first().getAttribute("href");
  await page.goto(href as string);
  await expect(page.getByRole("button", { name: /^Rate it to see it/ })).toBeVisible();
  await expect(page.locator("img[src^='/media/']")).toHaveCount(0);
  const preview = await page.locator("meta[property='og:image']").getAttribute("content");
  expect(preview).toMatch(/\/teasers\/\d+\.jpg$/);
  await expectAccessible(page, "locked picture page");
});

test("my pictures lists a member's uploads with how they stand", async ({ page, member }) => {
  await page.goto("/my-pictures");
  await expect(page.getByRole("heading", { name: "My pictures" })).toBeVisible();
  await expect(page.getByText("You haven't uploaded a picture yet.")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Sort by" }).getByRole("link")).toHaveCount(4);
  expect(member.username).toBeTruthy();
  await expectAccessible(page, "my pictures");
});

test("the feeds are valid Atom", async ({ request }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rmd-feeds-"));
  for (const feed of ["top", "new"]) {
    const response = await request.get(`/feeds/${feed}.atom`);
    expect(response.status()).toBe(200);
    const file = path.join(dir, `${feed}.atom`);
    writeFileSync(file, await response.text());
    // Throws, with the validator's report, if the feed is not valid.
    execFileSync("python3", [path.resolve(__dirname, "../feeds/validate_atom.py"), file]);
  }
});
