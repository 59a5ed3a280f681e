import { expect, test } from "./fixtures";
import { openHydrated, picture, rateButton } from "./helpers";

test("the picture and all ten buttons fit on screen, buttons big enough for thumbs", async ({ page }, testInfo) => {
  await openHydrated(page);
  const viewport = page.viewportSize();
  expect(viewport).not.toBeNull();
  const pictureBox = await picture(page).boundingBox();
  expect(pictureBox).not.toBeNull();
  // Square, and the largest thing on the page.
  expect(Math.abs((pictureBox?.width ?? 0) - (pictureBox?.height ?? 0))).toBeLessThan(2);
  expect(pictureBox?.width ?? 0).toBeGreaterThan((viewport?.width ?? 0) * 0.3);

  const boxes = [];
  for (let rating = 1; rating <= 10; rating++) {
    const box = await rateButton(page, rating).boundingBox();
    expect(box, `button ${rating}`).not.toBeNull();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(viewport?.height ?? 0);
    boxes.push(box);
  }
  const rows = new Set(boxes.map((box) => Math.round(box?.y ?? 0))).size;
  expect(rows).toBe(testInfo.project.name === "phone" ? 2 : 1);
});
