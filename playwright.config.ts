import { defineConfig } from '@playwright/test';
import {
  FROZEN_BACKEND,
  writeDemoConfig,
  writeFrozenConfig,
} from './e2e-tests/configs';

/**
 * The browser test: starts the demo exactly as `scripts/demo.sh` does (fixture
 * clusters, backend serving the app's production bundle) and drives Debian's
 * Chromium against it. Playwright never downloads a browser of its own.
 * `E2E_DEV=1` runs it against `yarn start` (the webpack dev server) instead.
 */
const dev = process.env.E2E_DEV === '1';
const demoConfig = writeDemoConfig();
const frozenConfig = writeFrozenConfig();
const appUrl = dev ? 'http://localhost:3000' : 'http://localhost:7007';
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export default defineConfig({
  testDir: './e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',
  webServer: [
    {
      command:
        'yarn fixture-cluster --config examples/clusters/clusters.yaml --gitops-speed 10',
      url: 'http://127.0.0.1:7104/version',
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: 'yarn fixture-github --repositories examples/gitops --port 7110',
      url: 'http://127.0.0.1:7110/_fixture/state',
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: 'yarn fixture-registry --dir examples/registry --port 7120',
      url: 'http://127.0.0.1:7120/_fixture/state',
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    dev
      ? {
          command: 'yarn start',
          url: 'http://localhost:3000',
          reuseExistingServer: !process.env.CI,
          timeout: 240_000,
        }
      : {
          // Builds the bundle first when it is stale: a few minutes on 2 cores.
          command: `bash scripts/serve-bundle.sh --config ${demoConfig}`,
          url: 'http://localhost:7007/catalog',
          reuseExistingServer: !process.env.CI,
          timeout: 600_000,
        },
    // The same demo with staging frozen, for the freeze test. Started after
    // the one above (Playwright starts its servers in turn), so the bundle is
    // built once.
    {
      command: `bash scripts/serve-bundle.sh --config ${frozenConfig}`,
      url: `${FROZEN_BACKEND}/catalog`,
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
    },
  ],
  use: {
    baseURL: appUrl,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumFlags,
    },
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium' },
      testIgnore: /lifecycle\.test\.ts$/,
    },
    // Promotions that merge change what the clusters run: after every other test.
    {
      name: 'lifecycle',
      use: { browserName: 'chromium' },
      testMatch: /lifecycle\.test\.ts$/,
      dependencies: ['chromium'],
    },
  ],
});
