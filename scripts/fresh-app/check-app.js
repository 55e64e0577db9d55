#!/usr/bin/env node
/*
 * Checks a fresh app with the suite installed, as a user would see it: the
 * backend lists the action environment-ladder:promote and the template
 * Promote a release, and in Chromium a service's Environments tab shows the
 * digest each rung runs (examples/clusters/expected.json).
 *
 * Usage: node check-app.js <base URL of the backend, which serves the app>
 */
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('@playwright/test');

const base = process.argv[2];
const ROOT = path.resolve(__dirname, '../..');
const expected = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'examples/clusters/expected.json'), 'utf8'),
);
const SERVICE = 'checkout';

async function poll(what, check, timeoutMs = 240_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  process.stdout.write(`ok: ${message}\n`);
}

async function main() {
  await poll(
    'the backend',
    async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
  );
  const { backstageIdentity } = await (
    await fetch(`${base}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    })
  ).json();
  const headers = { Authorization: `Bearer ${backstageIdentity.token}` };
  const get = async url => {
    const response = await fetch(`${base}${url}`, { headers });
    return {
      status: response.status,
      body: response.ok ? await response.json() : null,
    };
  };

  const actions = await get('/api/scaffolder/v2/actions');
  check(
    actions.body?.some(action => action.id === 'environment-ladder:promote'),
    'GET /api/scaffolder/v2/actions lists environment-ladder:promote',
  );
  await poll(
    'the template in the catalog',
    async () =>
      (
        await get(
          '/api/catalog/entities/by-name/template/default/promote-a-release',
        )
      ).status === 200,
  );
  check(
    true,
    'the catalog has the template promote-a-release (from the scaffolder module package)',
  );
  await poll(
    `${SERVICE} in the catalog`,
    async () =>
      (
        await get(`/api/catalog/entities/by-name/component/default/${SERVICE}`)
      ).status === 200,
  );
  const ladder = await get(
    `/api/environment-ladder/entities/component/default/${SERVICE}/ladder`,
  );
  check(ladder.status === 200, `GET the ladder of ${SERVICE} answers 200`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1600, height: 1000 },
    });
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/`);
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter.click();
    // Signed in once the sign-in page is gone: navigating before that raced the
    // app's storing of the session, and the next page asked to sign in again.
    await enter.waitFor({ state: 'detached' });
    await page.goto(`${base}/catalog/default/component/${SERVICE}`);
    // The entity page's tabs are links in the new frontend system.
    await page.getByText('Environments', { exact: true }).first().waitFor();
    check(true, `the entity page of ${SERVICE} has the Environments tab`);
    await page.goto(
      `${base}/catalog/default/component/${SERVICE}/environments`,
    );
    for (const rung of ['dev', 'staging', 'prod']) {
      const card = page.getByTestId(`rung-${rung}`);
      await card.waitFor();
      const want = [...(expected[SERVICE][rung].digests ?? [])].sort();
      const shown = card.getByTestId(`digest-${rung}`);
      await poll(
        `the digests of ${rung}`,
        async () => (await shown.count()) === want.length,
        60_000,
      );
      const got = (
        await shown.evaluateAll(nodes =>
          nodes.map(node => node.getAttribute('data-digest')),
        )
      ).sort();
      check(
        JSON.stringify(got) === JSON.stringify(want),
        `the Environments tab shows what ${rung} runs (${got.join(', ')})`,
      );
    }
    if (process.env.FRESH_APP_SCREENSHOT) {
      await page.screenshot({
        path: process.env.FRESH_APP_SCREENSHOT,
        fullPage: true,
      });
    }
  } finally {
    await browser.close();
  }
}

main().catch(error => {
  process.stderr.write(`check-app: ${error.stack ?? error}\n`);
  process.exit(1);
});
