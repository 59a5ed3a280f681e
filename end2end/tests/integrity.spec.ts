import { test, expect } from "./fixtures";
import { request as http } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { integrity } from "../playwright.config";
import { expectAccessible, expectVerdictOn, openHydrated, pictureKey, rateButton, voteOnce } from "./helpers";

// The second server: the minimum viewing time (2 s there, so that "too fast" does not depend on
// how quickly the browser answers) and the detectors (every 2 s) are on.
test.use({ baseURL: integrity.baseURL });

/** Longer than that server's minimum viewing time. */
const LOOK_MS = 2_100;

test("a vote sooner than a person can look is refused in place, and the picture stays", async ({ page }) => {
  await openHydrated(page);
  await voteOnce(page, LOOK_MS);
  // The next picture has just appeared: a click now is too fast.
  const second = await pictureKey(page);
  await rateButton(page, 6).click();
  await expect(page.getByRole("alert")).toContainText("Whoa, that was quick!");
  expect(await pictureKey(page)).toBe(second);
  // Having looked, the same picture takes the vote.
  await page.waitForTimeout(LOOK_MS);
  await rateButton(page, 6).click();
  await expectVerdictOn(page, second);
  await expect(page.getByRole("alert")).toHaveCount(0);
});

/** Thirty throw-away sessions from one network follow the share link and rate the picture 10. */
async function crowdPushes(link: string): Promise<void> {
  await Promise.all(
    Array.from({ length: 30 }, async () => {
      const session = await http.newContext({
        baseURL: integrity.baseURL,
        // A browser's navigation: the share link answers it with redirects (302).
        extraHTTPHeaders: { "x-forwarded-for": "203.0.113.9", accept: "text/html" },
      });
      const page = await session.get(new URL(link).pathname);
      const ticket = (await page.text()).match(/name="ticket" value="([^"]+)"/)?.[1];
      expect(ticket, "the shared picture is put in front of a newcomer").toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
      const vote = await session.post("/api/vote", {
        form: { ticket: ticket as string, rating: "10" },
        headers: { accept: "application/json" },
      });
      expect(vote.status(), await vote.text()).toBe(200);
      await session.dispose();
    }),
  );
}

test("an admin reviews a flagged burst and restores it", async ({ page, member }) => {
  // The member rates a picture and shares it.
  await openHydrated(page);
  await voteOnce(page, LOOK_MS);
  const href = await page.getByRole("link", { name: /^How it stands: / }).getAttribute("href");
  await openHydrated(page, href as string);
  await page.getByRole("button", { name: "Get a share link" }).click();
  const field = page.getByRole("textbox", { name: "Share link" });
  await expect(field).toHaveValue(/\/s\//);
  await crowdPushes(await field.inputValue());

  // Not an admin yet: the review page does not exist for them.
  expect((await page.goto("/admin/votes"))?.status()).toBe(404);
  execFileSync(integrity.bin, ["admin", "grant", member.username], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, RMD_DATABASE__DATA_DIR: integrity.dataDir, RUST_LOG: "error" },
  });

  // Within a few runs of the detectors, the burst waits for review, with its evidence.
  const row = page.getByRole("row", { name: /new voters from 203\.0\.113\.9/ });
  await expect(async () => {
    await page.goto("/admin/votes");
    await expect(row).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(row).toContainText("30× 10");
  await expectAccessible(page, "/admin/votes");
  await row.getByRole("button", { name: /^Restore case \d+/ }).click();
  await expect(page.getByText("Nothing waiting for review.")).toBeVisible();
});
