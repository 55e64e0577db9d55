import { expect, test, type Page } from '@playwright/test';
import fs from 'fs';
import path from 'path';
import {
  overflowingText,
  seriousA11yViolations,
  wordsBrokenMidWord,
} from './layout';
import { signInAsGuest } from './demo';

/**
 * The demo's stories, seen as a user sees them: sign in as guest, open a
 * service's Environments tab, and compare each rung's digest with what the
 * fixture cluster's pods run (examples/clusters/expected.json). Then the
 * tab's layout at two widths and in both themes: nothing overflows, no word
 * breaks mid-word, axe finds nothing serious, the ladder fits the first
 * screen, and a keyboard alone can promote.
 */
const ROOT = path.resolve(__dirname, '..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const expected: Record<
  string,
  Record<string, { digests?: string[] }>
> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'examples/clusters/expected.json'), 'utf8'),
);
const RUNGS = ['dev', 'staging', 'prod'];
const SERVICES = ['checkout', 'payments', 'inventory'];
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];

test.beforeEach(async ({ page, request }) => {
  await signInAsGuest(page, request);
});

async function openTab(page: Page, service: string, query = '') {
  await page.goto(`/catalog/default/component/${service}/environments${query}`);
  const tab = page.getByTestId('environments-tab');
  await expect(tab).toBeVisible();
  await expect(tab.getByTestId('rung-prod')).toBeVisible();
  return tab;
}

for (const service of SERVICES) {
  test(`the Environments tab of ${service} shows the digest each rung runs`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const tab = await openTab(page, service);
    for (const rung of RUNGS) {
      const card = tab.getByTestId(`rung-${rung}`);
      await expect(card).toBeVisible();
      const want = expected[service][rung].digests ?? [];
      const shown = card.getByTestId(`digest-${rung}`);
      await expect(shown).toHaveCount(want.length);
      const got = await shown.evaluateAll(nodes =>
        nodes.map(node => node.getAttribute('data-digest')),
      );
      expect(got.sort()).toEqual([...want].sort());
    }
    await expect(tab.getByTestId('rung-local')).toContainText('Not observed');
    // Ages read like a live system's: the fixtures' timestamps were moved.
    await expect(tab.getByTestId('rung-dev')).not.toContainText(/· \d{3,}d/);
  });
}

test('payments: prod mid-canary is amber with the canary said in words, never "unknown"', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const tab = await openTab(page, 'payments');
  await expect(tab.getByTestId('health-prod')).toHaveText(
    /^canary 3\/8 · 20% · analysis running$/,
  );
  await expect(
    tab.getByTestId('rung-prod').getByTestId('status-warning'),
  ).toBeVisible();
  await expect(tab.getByTestId('comparison-prod')).toHaveText('rolling out');
  await expect(tab).not.toContainText(/unknown/i);
});

for (const { width, height } of WIDTHS) {
  for (const theme of ['light', 'dark'] as const) {
    test(`the tab at ${width}×${height}, ${theme}: no overflow, no word broken mid-word, nothing serious for axe`, async ({
      page,
    }) => {
      test.setTimeout(300_000);
      if (theme === 'dark') {
        await page.addInitScript(() => localStorage.setItem('theme', 'dark'));
      }
      await page.setViewportSize({ width, height });
      for (const service of SERVICES) {
        const tab = await openTab(page, service);
        // The theme really is the one asked for.
        const background = await page.evaluate(
          () => getComputedStyle(document.body).backgroundColor,
        );
        const [r] = background.match(/\d+/g)!.map(Number);
        expect(theme === 'dark' ? r < 100 : r > 200).toBe(true);

        const row = tab.getByTestId('ladder-row');
        const box = (await row.boundingBox())!;
        if (width === 1440) {
          // The whole ladder within the first screen, without scrolling.
          expect(box.y + box.height).toBeLessThanOrEqual(height);
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        }
        expect(await overflowingText(tab)).toEqual([]);
        expect(
          await seriousA11yViolations(page, '[data-testid="environments-tab"]'),
        ).toEqual([]);
        const tabHeight = Math.round((await tab.boundingBox())!.height);
        console.log(
          `tab height ${service} ${width}x${height} ${theme}: ${tabHeight} px`,
        );
        if (theme === 'light') {
          await page.screenshot({
            path: path.join(
              SHOTS,
              width === 1440
                ? `environments-${service}.png`
                : `environments-${service}-${width}.png`,
            ),
          });
        } else if (service === 'payments' && width === 1440) {
          await page.screenshot({
            path: path.join(SHOTS, 'environments-payments-dark.png'),
          });
        }

        // Each rung's details, on demand.
        for (const rung of ['dev', 'preview', 'staging', 'prod']) {
          if ((await tab.getByTestId(`select-${rung}`).count()) === 0) continue;
          await tab.getByTestId(`select-${rung}`).click();
          const details = tab.getByTestId(`details-${rung}`);
          await expect(details).toBeVisible();
          await expect(page).toHaveURL(new RegExp(`[?&]rung=${rung}`));
          expect(await overflowingText(tab)).toEqual([]);
          const values = details.getByTestId('values-list');
          if ((await values.count()) > 0) {
            expect(await wordsBrokenMidWord(values)).toEqual([]);
          }
          if (service === 'payments' && rung === 'prod') {
            expect(
              await seriousA11yViolations(
                page,
                '[data-testid="environments-tab"]',
              ),
            ).toEqual([]);
            if (theme === 'light' && width === 1440) {
              await page.screenshot({
                path: path.join(SHOTS, 'environments-payments-prod.png'),
                fullPage: true,
              });
            }
          }
        }
      }
    });
  }
}

test('keyboard only: select a rung, open the promote dialog, run a dry run, close it', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openTab(page, 'checkout');
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.getAttribute('data-testid') ?? el?.textContent ?? '';
    });
  async function tabTo(testId: string) {
    for (let i = 0; i < 80; i++) {
      if ((await focused()) === testId) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${testId}`);
  }
  await tabTo('select-staging');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-staging')).toBeVisible();
  await expect(page).toHaveURL(/[?&]rung=staging/);

  // The promote action sits on the connector between dev and staging.
  await page.keyboard.down('Shift');
  await tabTo('promote-dev');
  await page.keyboard.up('Shift');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // The dialog fits the screen.
  const box = (await dialog.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(900);

  await tabTo('promotion-reason');
  await page.keyboard.type('Release 1.5.0: keyboard only');
  await tabTo('promotion-dry-run');
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('promotion-verdict')).toHaveAttribute(
    'data-passed',
    'true',
  );
  await expect(dialog.getByTestId('promotion-diff')).toBeVisible();
  expect(await seriousA11yViolations(page, '[role="dialog"]')).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // Focus returns to the button that opened the dialog.
  expect(await focused()).toBe('promote-dev');
});

test('a service without the Kubernetes annotation says what to add', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/storefront-docs/environments');
  await expect(
    page.getByText('backstage.io/kubernetes-id', { exact: false }),
  ).toBeVisible();
});

test("inventory's previews: #41 open, #38 flagged for outliving its closed pull request", async ({
  page,
}) => {
  const previews = (
    expected.inventory as unknown as {
      previews: Array<{
        prNumber: number;
        branch: string;
        headSha: string;
        digest: string;
        url: string;
      }>;
    }
  ).previews;
  await page.setViewportSize({ width: 1440, height: 900 });
  const tab = await openTab(page, 'inventory', '?rung=preview');

  await expect(tab.getByTestId('rung-preview')).toContainText('Previews');
  const rung = tab.getByTestId('details-preview');
  await expect(rung).toBeVisible();
  for (const want of previews) {
    const row = rung.getByTestId(`preview-${want.prNumber}`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(`#${want.prNumber}`);
    await expect(row).toContainText(want.branch);
    await expect(row).toContainText(want.headSha.slice(0, 7));
    await expect(
      row.getByTestId(`preview-digest-${want.prNumber}`),
    ).toHaveAttribute('data-digest', want.digest);
    // The link Argo CD derives from the Ingress, opening in a new tab.
    const link = row.getByTestId(`preview-link-${want.prNumber}`);
    await expect(link).toHaveCount(1);
    await expect(link).toHaveAttribute('href', new URL(want.url).href);
    await expect(link).toHaveAttribute('target', '_blank');
  }
  // Newest first.
  const order = await rung
    .getByTestId(/^preview-\d+$/)
    .evaluateAll(rows => rows.map(row => row.getAttribute('data-testid')));
  expect(order).toEqual(previews.map(p => `preview-${p.prNumber}`));

  await expect(rung.getByTestId('preview-flag-41')).toHaveCount(0);
  const flag = rung.getByTestId('preview-flag-38');
  await expect(flag).toBeVisible();
  await expect(flag).toContainText(
    'PR #38 is no longer open: tear this preview down.',
  );
  await expect(flag).toContainText(
    'ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it',
  );

  await page.screenshot({
    path: path.join(SHOTS, 'environments-previews.png'),
    fullPage: true,
  });
});
