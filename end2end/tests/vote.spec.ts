import { expect, test } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { expectVerdictOn, openHydrated, picture, pictureKey, rateButton, verdict } from "./helpers";

test("voting by click shows the crowd's verdict and the next picture, without a reload", async ({ page }) => {
  await openHydrated(page);
  const title = await page.getByRole("heading", { level: 1 }).textContent();
  await expect(picture(page)).toHaveAttribute("alt", title ?? "");
  const key = await pictureKey(page);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await rateButton(page, 7).click();

  await expectVerdictOn(page, key);
  await expect(verdict(page)).toContainText("The crowd says");
  await expect(verdict(page)).toContainText("you said 7");
  await expect(verdict(page)).toContainText(title ?? "");
  expect(await pictureKey(page)).not.toBe(key);
  // The next picture actually loads.
  await expect(picture(page)).toHaveJSProperty("complete", true);
  expect(await picture(page).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test("keys 1–9 and 0 vote, and Enter on a focused button keeps the focus there", async ({ page }) => {
  await openHydrated(page);
  let key = await pictureKey(page);
  await page.keyboard.press("8");
  await expectVerdictOn(page, key);
  await expect(verdict(page)).toContainText("you said 8");

  key = await pictureKey(page);
  await page.keyboard.press("0");
  await expectVerdictOn(page, key);
  await expect(verdict(page)).toContainText("you said 10");

  key = await pictureKey(page);
  await rateButton(page, 3).focus();
  await page.keyboard.press("Enter");
  await expectVerdictOn(page, key);
  await expect(verdict(page)).toContainText("you said 3");
  await expect(rateButton(page, 3)).toBeFocused();
});

test("reloading shows the same picture: only a vote reveals the next", async ({ page }) => {
  await openHydrated(page);
  const key = await pictureKey(page);
  await page.reload();
  expect(await pictureKey(page)).toBe(key);
});

test("after rating every picture, a designed page says so and offers a next step", async ({ page }) => {
  test.slow();
  await openHydrated(page);
  const allRated = page.getByRole("heading", { name: "You've rated every derp we have!" });
  // The 36 demo pictures, and any that tests running alongside upload meanwhile.
  let votes = 0;
  while (!(await allRated.isVisible()) && votes < 60) {
    const key = await pictureKey(page);
    await page.keyboard.press(String((votes % 9) + 1));
    await expectVerdictOn(page, key);
    votes++;
  }
  expect(votes).toBeGreaterThanOrEqual(36);
  await expect(allRated).toBeVisible();
  await expect(page.getByText(`That's ${votes} pictures rated.`)).toBeVisible();
  await expect(page.getByRole("link", { name: "Check for new derps" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Rate \d+ out of 10/ })).toHaveCount(0);
});

test("the vote page has no detectable accessibility problems, in light and dark", async ({ page }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await openHydrated(page);
    const key = await pictureKey(page);
    await rateButton(page, 6).click();
    await expectVerdictOn(page, key);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), colorScheme).toEqual([]);
  }
});

test("keyboard focus is visible", async ({ page }) => {
  await openHydrated(page);
  await rateButton(page, 5).focus();
  await page.keyboard.press("Tab");
  const ring = await rateButton(page, 6).evaluate((el) => getComputedStyle(el).boxShadow);
  expect(ring).not.toBe("none");
});

test("an unknown address shows a 404 page with a way back", async ({ page }) => {
  const response = await page.goto("/no/such/derp");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page wandered off" })).toBeVisible();
  await page.getByRole("link", { name: "Rate some derps" }).click();
  await expect(rateButton(page, 1)).toBeVisible();
});

test("the browser is sent the picture as WebP, preloaded and shown from one download", async ({ page }) => {
  const pictures: { url: string; type: string | undefined }[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/media/")) {
      pictures.push({ url: response.url(), type: response.headers()["content-type"] });
    }
  });
  await openHydrated(page);
  await expect(picture(page)).toHaveJSProperty("complete", true);
  expect(pictures.length, JSON.stringify(pictures)).toBe(1);
  expect(pictures[0].type).toBe("image/webp");
  expect(await picture(page).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});
