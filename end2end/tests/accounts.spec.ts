import { expect, test } from "./fixtures";
import { PASSWORD, accountNav, linkFor, logIn, newAccount, signUp } from "./accounts";
import { openHydrated } from "./helpers";

test("sign up, confirm through the emailed link, log in, profile, settings, log out", async ({ page }) => {
  const { username, email } = newAccount();
  await signUp(page, username, email);

  await page.goto(await linkFor(email));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();

  await logIn(page, email, PASSWORD);
  await expect(accountNav(page).getByRole("link", { name: username })).toBeVisible();
  await expect(page.getByRole("button", { name: "Rate 5 out of 10" })).toBeVisible();

  await accountNav(page).getByRole("link", { name: username }).click();
  await expect(page.getByRole("heading", { level: 1, name: username })).toBeVisible();
  await expect(page.getByText("Member since")).toBeVisible();

  await accountNav(page).getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Display name").fill("Captain Derp");
  await page.getByLabel("Bio").fill("Rates every derp twice as hard.");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Profile saved.")).toBeVisible();

  await page.goto(`/u/${username}`);
  await expect(page.getByRole("heading", { level: 1, name: "Captain Derp" })).toBeVisible();
  await expect(page.getByText("Rates every derp twice as hard.")).toBeVisible();

  await openHydrated(page, "/");
  await accountNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(accountNav(page).getByRole("link", { name: "Log in" })).toBeVisible();
  await page.goto("/settings");
  await expect(page.getByText("Log in to change your settings.")).toBeVisible();
});

test("a forgotten password is reset through the emailed link", async ({ page }) => {
  const { username, email } = newAccount();
  await signUp(page, username, email);

  await openHydrated(page, "/forgot-password");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByText("If that address has an account")).toBeVisible();

  await page.goto(await linkFor(email, 2));
  await page.getByLabel("New password").fill("a-whole-new-derp");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your password has been changed")).toBeVisible();

  await logIn(page, username, "a-whole-new-derp");
  await expect(accountNav(page).getByRole("link", { name: username })).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await logIn(page, "nobody-at-all", "not-a-password");
  await expect(page.getByRole("alert")).toContainText("don't match");
});
