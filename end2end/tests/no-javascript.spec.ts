import { expect, test } from "./fixtures";
import { expectVerdictOn, picture, pictureKey, rateButton, verdict } from "./helpers";

test.use({ javaScriptEnabled: false });

test("voting works without JavaScript: the form posts and the next picture comes back", async ({ page }) => {
  await page.goto("/");
  await expect(picture(page)).toBeVisible();
  const key = await pictureKey(page);

  await rateButton(page, 4).click();

  await expectVerdictOn(page, key);
  await expect(verdict(page)).toContainText("you said 4");
  expect(await pictureKey(page)).not.toBe(key);
  expect(new URL(page.url()).pathname).toBe("/");

  const next = await pictureKey(page);
  await rateButton(page, 9).click();
  await expectVerdictOn(page, next);
  await expect(verdict(page)).toContainText("you said 9");
});
