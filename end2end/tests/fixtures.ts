import { test as base } from "@playwright/test";
import { newMember } from "./accounts";

/** What tests ask for by name, set up only for the tests that ask. */
type Fixtures = {
  /** A new account, signed up, confirmed and logged in on `page`. */
  member: { username: string; email: string };
};

export const test = base.extend<Fixtures>({
  member: async ({ page }, use) => {
    await use(await newMember(page));
  },
});

export { expect } from "@playwright/test";
