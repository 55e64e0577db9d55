import { expect, test, type APIRequestContext } from '@playwright/test';
import fs from 'fs';
import path from 'path';

/**
 * The demo's stories, seen as a user sees them: sign in as guest, open a
 * service's Environments tab, and compare each rung's digest with what the
 * fixture cluster's pods run (examples/clusters/expected.json).
 */
const ROOT = path.resolve(__dirname, '..');
const expected: Record<
  string,
  Record<string, { digests?: string[] }>
> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'examples/clusters/expected.json'), 'utf8'),
);
const RUNGS = ['dev', 'staging', 'prod'];

async function waitForCatalog(request: APIRequestContext, name: string) {
  const { token } = await (
    await request.get('http://localhost:7007/api/auth/guest/refresh', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    })
  ).json().then(body => ({ token: body.backstageIdentity.token as string }));
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `http://localhost:7007/api/catalog/entities/by-name/component/default/${name}`,
            { headers: { Authorization: `Bearer ${token}` } },
          )
        ).status(),
      { timeout: 120_000 },
    )
    .toBe(200);
}

test.beforeEach(async ({ page, request }) => {
  await expect
    .poll(
      async () =>
        (await request.get('http://localhost:7007/.backstage/health/v1/readiness').catch(() => null))?.status(),
      { timeout: 180_000 },
    )
    .toBe(200);
  await waitForCatalog(request, 'checkout');
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(page.getByRole('heading', { name: 'BitVault Catalog' })).toBeVisible();
});

for (const service of ['checkout', 'payments', 'inventory']) {
  test(`the Environments tab of ${service} shows the digest each rung runs`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(`/catalog/default/component/${service}/environments`);
    for (const rung of RUNGS) {
      const card = page.getByTestId(`rung-${rung}`);
      await expect(card).toBeVisible();
      const want = expected[service][rung].digests ?? [];
      const shown = card.getByTestId(`digest-${rung}`);
      await expect(shown).toHaveCount(want.length);
      const got = await shown.evaluateAll(nodes =>
        nodes.map(node => node.getAttribute('data-digest')),
      );
      expect(got.sort()).toEqual([...want].sort());
    }
    await expect(page.getByTestId('rung-local')).toContainText('Not observed');
    await page.screenshot({
      path: path.join(ROOT, `docs/screenshots/environments-${service}.png`),
      fullPage: true,
    });
  });
}

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
      previews: Array<{ prNumber: number; branch: string; headSha: string; digest: string; url: string }>;
    }
  ).previews;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/catalog/default/component/inventory/environments');

  const rung = page.getByTestId('rung-preview');
  await expect(rung).toBeVisible();
  await expect(rung).toContainText('Previews');
  for (const want of previews) {
    const row = rung.getByTestId(`preview-${want.prNumber}`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(`#${want.prNumber}`);
    await expect(row).toContainText(want.branch);
    await expect(row).toContainText(want.headSha.slice(0, 7));
    await expect(row.getByTestId(`preview-digest-${want.prNumber}`)).toHaveAttribute(
      'data-digest',
      want.digest,
    );
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
  await expect(flag).toContainText('PR #38 is no longer open: tear this preview down.');
  await expect(flag).toContainText(
    'ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it',
  );

  await rung.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/environments-previews.png'),
    fullPage: true,
  });
});
