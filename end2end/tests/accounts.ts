import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { outbox } from "../playwright.config";
import { openHydrated } from "./helpers";

export const PASSWORD = "derpy-horse-battery";

/** A username and address no other test (or earlier run) uses. */
export function newAccount(): { username: string; email: string } {
  const username = `e2e_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  return { username, email: `${username}@example.com` };
}

/** The link in the newest email the server wrote to `email`, waiting for it to arrive. */
export async function linkFor(email: string, count = 1): Promise<string> {
  let links: string[] = [];
  await expect
    .poll(() => {
      const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).sort() : [];
      links = files
        .map((file) => fs.readFileSync(path.join(outbox, file), "utf8"))
        .filter((text) => text.startsWith(`To: ${email}\r\n`))
        .map((text) => text.split(/\r?\n/).find((line) => line.startsWith("http")) ?? "");
      return links.length;
    })
    .toBeGreaterThanOrEqual(count);
  return links[links.length - 1];
}

export async function signUp(page: Page, username: string, email: string): Promise<void> {
  await openHydrated(page, "/signup");
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
}

export async function logIn(page: Page, identifier: string, password: string): Promise<void> {
  await openHydrated(page, "/login");
  await page.getByLabel("Username or email").fill(identifier);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export const accountNav = (page: Page) => page.getByRole("navigation", { name: "Account" });

/** A new account, confirmed and logged in. */
export async function newMember(page: Page): Promise<{ username: string; email: string }> {
  const account = newAccount();
  await signUp(page, account.username, account.email);
  await page.goto(await linkFor(account.email));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();
  await logIn(page, account.username, PASSWORD);
  await expect(accountNav(page).getByRole("link", { name: account.username })).toBeVisible();
  return account;
}
