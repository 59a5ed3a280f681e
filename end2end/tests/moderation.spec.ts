import { test, expect } from "./fixtures";
import { request as http } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { integrity } from "../playwright.config";
import { expectAccessible, openHydrated, pictureKey, voteOnce } from "./helpers";

test("a voter reports the picture in front of them and is thanked in place", async ({ page }) => {
  await openHydrated(page);
  const key = await pictureKey(page);
  await page.getByText("Report this picture").click();
  await page.getByRole("radio", { name: "It isn't a pet" }).check();
  await expectAccessible(page, "the vote page with the report form open");
  await page.getByRole("button", { name: "Send report" }).click();
  await expect(page.getByText("Thanks for telling us. A moderator will take a look.")).toBeVisible();
  // Reporting does not skip: the picture is still the one to rate.
  expect(await pictureKey(page)).toBe(key);
});

test.describe("on the server with the defences on", () => {
  test.use({ baseURL: integrity.baseURL });

  test("reports hold a picture, and an admin approves it back", async ({ page, member }) => {
    await openHydrated(page);
    await voteOnce(page, 2_100);
    const href = (await page.getByRole("link", { name: /^How it stands: / }).getAttribute("href")) as string;
    const id = href.split("/").pop() as string;
    await openHydrated(page, href);
    await page.getByRole("button", { name: "Get a share link" }).click();
    const link = await page.getByRole("textbox", { name: "Share link" }).inputValue();

    // Three newcomers follow the link and report what they are shown.
    for (const address of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      const session = await http.newContext({
        baseURL: integrity.baseURL,
        extraHTTPHeaders: { "x-forwarded-for": address, accept: "text/html" },
      });
      await session.get(new URL(link).pathname);
      const reported = await session.post("/api/report", {
        form: { id, reason: "offensive", from: "vote" },
        headers: { accept: "application/json" },
      });
      expect(reported.ok(), await reported.text()).toBeTruthy();
      await session.dispose();
    }

    execFileSync(integrity.bin, ["admin", "grant", member.username], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env, RMD_DATABASE__DATA_DIR: integrity.dataDir, RUST_LOG: "error" },
    });
    await openHydrated(page, "/admin/pictures");
    const item = page.getByRole("listitem").filter({ hasText: `#${id},` });
    await expect(item).toContainText("It's offensive or cruel (3)");
    await expectAccessible(page, "/admin/pictures");
    await item.getByRole("button", { name: /^Approve / }).click();
    await expect(page.getByText("No reported pictures are waiting.")).toBeVisible();
  });
});
