import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { integrity } from "../playwright.config";
import { expectAccessible, openHydrated, voteOnce } from "./helpers";

// On the second server, whose database a test can reach to make an admin.
test.use({ baseURL: integrity.baseURL });

function grantAdmin(username: string): void {
  execFileSync(integrity.bin, ["admin", "grant", username], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, RMD_DATABASE__DATA_DIR: integrity.dataDir, RUST_LOG: "error" },
  });
}

/** The counted votes in the dashboard's range, from the votes chart's table of numbers. */
async function countedVotes(page: Page): Promise<number> {
  const table = page.getByRole("table", { name: "Votes per minute", includeHidden: true });
  const cells = await table.locator("tbody tr td:first-of-type").allTextContents();
  return cells.reduce((sum, cell) => sum + Number(cell), 0);
}

test("an admin's dashboard moves within seconds when somebody votes elsewhere", async ({ page, member, browser }) => {
  grantAdmin(member.username);
  // The account menu leads an admin there (the grant counts from the next request).
  await openHydrated(page, "/");
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("img", { name: /Votes per minute/ })).toBeVisible();
  await expectAccessible(page, "/admin");
  const before = await countedVotes(page);

  // Somebody votes in another browser.
  const elsewhere = await browser.newContext();
  const voter = await elsewhere.newPage();
  await openHydrated(voter, "/");
  await voteOnce(voter, 2_100);
  await elsewhere.close();

  // Without reloading, the chart takes the vote in.
  await expect.poll(() => countedVotes(page), { timeout: 10_000 }).toBeGreaterThan(before);

  // The time range picker.
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByRole("img", { name: /Votes per 3 hours/ })).toBeVisible();
});

test("the system dashboard shows live figures", async ({ page, member }) => {
  grantAdmin(member.username);
  await openHydrated(page, "/admin/system");
  const readAt = page.getByText(/^Read at \d\d:\d\d:\d\d UTC/);
  const first = await readAt.textContent();
  await expect(page.getByText("Database connections")).toBeVisible();
  await expect(page.getByText("Cache hit ratio")).toBeVisible();
  await expect(page.getByRole("img", { name: /Server memory, MiB/ })).toBeVisible();
  await expect.poll(() => readAt.textContent(), { timeout: 10_000 }).not.toBe(first);
  await expectAccessible(page, "/admin/system");
});
