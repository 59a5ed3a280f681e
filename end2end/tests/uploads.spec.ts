import { expect, test } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import zlib from "node:zlib";
import { accountNav, logIn, newAccount, PASSWORD, signUp } from "./accounts";
import { expectVerdictOn, openHydrated, picture, pictureKey } from "./helpers";

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** A `width` x `height` PNG: orange on the left, purple on the right. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set(x < width / 2 ? [240, 140, 30] : [120, 40, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("a member uploads a photo and finds it on their profile", async ({ page, member: { username } }) => {
  await accountNav(page).getByRole("link", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Upload a derp" })).toBeVisible();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), colorScheme).toEqual([]);
  }

  // Something that is not a picture is refused, with the reason.
  await page.getByLabel("Title").fill("Not a picture");
  await page.getByLabel("Photo").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("alert")).toContainText("JPEG, PNG or WebP");

  const title = `Sunny blep ${Date.now().toString(36)}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Photo").setInputFiles({ name: "blep.png", mimeType: "image/png", buffer: png(900, 600) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status")).toContainText("Your picture is now in the rotation");

  await page.getByRole("link", { name: "See it on your profile" }).click();
  await expect(page).toHaveURL(new RegExp(`/u/${username}$`));
  const uploaded = page.getByRole("img", { name: title });
  await expect(uploaded).toBeVisible();
  // Served square, whatever the original's shape.
  const size = await uploaded.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size[0]).toBe(size[1]);
});

test("an unconfirmed account is asked to confirm first, and can have the link sent again", async ({ page }) => {
  const { username, email } = newAccount();
  await signUp(page, username, email);
  await logIn(page, username, PASSWORD);
  await expect(accountNav(page).getByRole("link", { name: username })).toBeVisible();

  await openHydrated(page, "/upload");
  await expect(page.getByText("Confirm your email address first")).toBeVisible();
  await expect(page.getByLabel("Photo")).toHaveCount(0);
  await page.getByRole("button", { name: "Send the confirmation link again" }).click();
  await expect(page.getByRole("status")).toContainText("Check your inbox");
});

test("a visitor is asked to log in to upload", async ({ page }) => {
  await openHydrated(page, "/upload");
  await expect(page.getByText("Log in to share")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Log in" })).toBeVisible();
});

test("a member's picture is a locked tile to others until they rate it", async ({ page, browser, member: { username } }) => {
  await openHydrated(page, "/upload");
  const title = `Locked blep ${Date.now().toString(36)}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Photo").setInputFiles({ name: "blep.png", mimeType: "image/png", buffer: png(600, 600) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status")).toContainText("Your picture is now in the rotation");

  const visitor = await (await browser.newContext()).newPage();
  await openHydrated(visitor, `/u/${username}`);
  const rateIt = visitor.getByRole("button", { name: `Rate it to see it: ${title}` });
  await expect(rateIt).toBeVisible();
  await expect(visitor.getByRole("img", { name: title })).toHaveCount(0);
  for (const colorScheme of ["light", "dark"] as const) {
    await visitor.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page: visitor }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), colorScheme).toEqual([]);
  }

  // Rating it is the way to see it: it comes after the picture already in front of the visitor.
  await rateIt.click();
  await expect(visitor).toHaveURL(/\/$/);
  await expect(picture(visitor)).toBeVisible();
  const asked = visitor.getByRole("main").getByRole("img", { name: title });
  if ((await picture(visitor).getAttribute("alt")) !== title) {
    await expect(visitor.getByText(`Next up: “${title}”`)).toBeVisible();
    await visitor.getByRole("button", { name: "Rate 5 out of 10" }).click();
  }
  await expect(asked).toBeVisible();
  const key = await pictureKey(visitor);
  await visitor.getByRole("button", { name: "Rate 8 out of 10" }).click();
  // The vote is counted (its verdict is shown) before the visitor leaves the page; leaving at
  // once could cancel its request.
  await expectVerdictOn(visitor, key);
  await openHydrated(visitor, `/u/${username}`);
  await expect(visitor.getByRole("img", { name: title })).toBeVisible();
  // Its score, too. Other tests vote at the same time on the same server, and a new picture is
  // in everyone's rotation: the count is at least this visitor's vote, not exactly it.
  await expect(visitor.getByText(/^\d+\.\d · \d+ votes?$/)).toBeVisible();
});
