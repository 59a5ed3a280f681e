import { chromium } from "@playwright/test";
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto(base + "/");
await page.locator("html[data-hydrated=true]").waitFor();
for (let i = 0; i < 3; i++) {
  const src = await page.getByRole("main").getByRole("img").first().getAttribute("src");
  await page.getByRole("button", { name: "Rate 7 out of 10" }).click();
  await page.locator(`section[aria-label="Your last vote"] img[src*="${src.split("/")[2]}"]`).waitFor();
}
await page.screenshot({ path: "/tmp/shots/vote.png" });
const href = await page.getByRole("link", { name: /^How it stands/ }).getAttribute("href");
for (const [name, path] of [["top", "/top"], ["picture", href], ["about", "/about/scores"], ["search", "/search?q=sir"]]) {
  await page.goto(base + path);
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
}
await page.emulateMedia({ colorScheme: "dark" });
await page.goto(base + href);
await page.screenshot({ path: `/tmp/shots/picture-dark.png`, fullPage: true });
const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
await phone.goto(base + "/top");
await phone.screenshot({ path: `/tmp/shots/top-phone.png`, fullPage: false });
await browser.close();
