import { expect, test } from '@playwright/test';
import path from 'path';
import { signInAsGuest } from './demo';

/**
 * Signed digests as a user sees them (README "Signed digests"): the fixture registry
 * (examples/registry) stands in for ghcr.io with real signatures. checkout is signed
 * everywhere; inventory's prod rebuild is unsigned and its dev build signed by a key
 * that is not trusted; acme/payments answers 429, so its digests could not be checked.
 */
const ROOT = path.resolve(__dirname, '..');
const KEYLESS_CHECKOUT =
  'signed by workflow acme/checkout/.github/workflows/release.yml@refs/heads/main via keyless';
const I3 =
  'sha256:c79fe132b7882cba2ef0b51bc8b28978dda87ba9c6faa5fa22642cfcc19d94f9';
const I9 =
  'sha256:d248f6d756cc41f153ab03a60752fe49a4fbbf2b97953c9bfed0ac8715e066d6';
const P2 =
  'sha256:a6a6516390c17f76bd8f41cfcc281789f1c7f337c1f8b51ab29d652f745f16e2';

test.beforeEach(async ({ page, request }) => {
  await signInAsGuest(page, request);
  await page.setViewportSize({ width: 1600, height: 1000 });
});

test('checkout: every digest is signed, by the CI key or keyless by its release workflow', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkout/environments');
  await expect(page.getByTestId('signatures-dev')).toContainText(
    'signed by ci-2026',
  );
  for (const rung of ['staging', 'prod', 'preview']) {
    await expect(page.getByTestId(`signatures-${rung}`)).toContainText(
      KEYLESS_CHECKOUT,
    );
  }
  await expect(page.getByTestId('signatures-prod')).toContainText(
    'required here',
  );
  await expect(
    page.locator(
      '[data-testid^="broken-rule-"][data-testid$="-digest-not-signed"]',
    ),
  ).toHaveCount(0);
});

test("inventory: prod's unsigned rebuild is flagged, and dev's untrusted signature does not verify", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/inventory/environments');
  const prod = page.getByTestId('rung-prod');
  const unsigned = prod.getByTestId(`signature-${I9}`);
  await expect(unsigned).toHaveAttribute('data-status', 'unsigned');
  await expect(unsigned).toContainText('unsigned');
  // The broken rule is said once: in the summary above the ladder, and in full
  // in prod's details.
  await expect(
    page.getByTestId('broken-rule-prod-digest-not-signed'),
  ).toBeVisible();
  await page.getByTestId('select-prod').click();
  await expect(
    page.getByTestId('details-prod').getByTestId('violation-digest-not-signed'),
  ).toContainText(
    'Prod requires signed digests, but sha256:d248f6d756cc… is not signed',
  );

  const dev = page.getByTestId('rung-dev');
  const untrusted = dev.getByTestId(`signature-${I3}`);
  await expect(untrusted).toHaveAttribute('data-status', 'invalid');
  await expect(untrusted).toContainText('signature does not verify');
  await untrusted.hover();
  await expect(
    page
      .getByRole('tooltip')
      .getByText('Signed with a key that is not trusted (tried ci-2026)'),
  ).toBeVisible();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/environments-signatures.png'),
    fullPage: true,
  });
});

test('payments: a rate-limited registry (429) reads "could not check", and the ladder still shows', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/payments/environments');
  const staging = page.getByTestId('rung-staging');
  await expect(staging.getByTestId(`digest-staging`)).toHaveCount(1);
  const badge = staging.getByTestId(`signature-${P2}`);
  await expect(badge).toHaveAttribute('data-status', 'unavailable');
  await expect(badge).toContainText('could not check: registry unavailable');
  await badge.hover();
  await expect(
    page
      .getByText(
        'Ghcr.io answered 429 Too Many Requests (rate limited, retry after 60 s)',
      )
      .first(),
  ).toBeVisible();
});
