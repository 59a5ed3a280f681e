import { defineConfig, devices } from "@playwright/test";
import os from "node:os";
import path from "node:path";

// The release build, started fresh for this run: a throw-away database with the 36 demo
// pictures, deleted when the server stops.
const port = Number(process.env.E2E_PORT ?? 3100);
const bin = process.env.E2E_SERVER_BIN ?? path.resolve(__dirname, "../target/release/ratemyderp");
const baseURL = `http://127.0.0.1:${port}`;
// Where the server writes its emails (no SMTP in tests); the tests read links from it.
export const outbox = process.env.E2E_OUTBOX ?? path.join(os.tmpdir(), `rmd-e2e-outbox-${port}`);

// A second server for tests/integrity.spec.ts, with the defences on (the minimum viewing time,
// longer than a site's, the limits) and the anomaly detectors every two seconds. It believes
// X-Forwarded-For from this machine, so a test can play voters from other networks, and keeps
// its database in a folder (emptied at start) whose socket `ratemyderp admin grant` can reach.
export const integrity = {
  baseURL: `http://127.0.0.1:${port + 1}`,
  bin,
  dataDir: path.join(os.tmpdir(), `rmd-e2e-integrity-${port + 1}`),
};

const chromium = {
  // Debian's Chromium: Playwright's own browser downloads are not reachable here.
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
};

const commonEnv = {
  LEPTOS_SITE_ROOT: "target/site",
  RUST_LOG: "warn",
  RMD_ACCOUNTS__OUTBOX_DIR: outbox,
  // Every test signs up from this machine's address: the per-client limits are for the public.
  RMD_ACCOUNTS__SIGN_UPS_PER_CLIENT_PER_HOUR: "1000",
  RMD_ACCOUNTS__RESETS_PER_CLIENT_PER_HOUR: "1000",
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  // A test.only left in by mistake would quietly skip the rest on CI.
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    {
      name: "phone",
      use: { ...devices["Pixel 7"], launchOptions: chromium },
      testMatch: /layout\.spec\.ts/,
    },
  ],
  webServer: [
    {
      command: `"${bin}" serve --ephemeral --port ${port}`,
      cwd: path.resolve(__dirname, ".."),
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        ...commonEnv,
        // Ranks every two seconds, so that the leaderboards fill while the tests run.
        RMD_STANDINGS__RANK_EVERY_SECS: "2",
        // The tests click as fast as a script can, all from one address. The minimum viewing
        // time, the limits and the detectors are checked by the integration tests
        // (tests/api/integrity.rs, anomalies.rs) and by integrity.spec.ts on the second server.
        RMD_VOTES__MIN_VIEW_MS: "0",
        RMD_VOTES__PER_NETWORK_PER_MINUTE: "0",
        RMD_VOTES__PER_VOTER_PER_MINUTE: "0",
        RMD_VOTES__ANOMALY_CHECK_EVERY_SECS: "0",
      },
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `rm -rf "${integrity.dataDir}" && exec "${bin}" serve --port ${port + 1}`,
      cwd: path.resolve(__dirname, ".."),
      url: `${integrity.baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        ...commonEnv,
        RMD_DATABASE__DATA_DIR: integrity.dataDir,
        RMD_DATABASE__DEMO_PICTURES: "36",
        RMD_SERVER__TRUSTED_PROXIES: "[127.0.0.1]",
        RMD_VOTES__MIN_VIEW_MS: "2000",
        RMD_VOTES__ANOMALY_CHECK_EVERY_SECS: "2",
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
