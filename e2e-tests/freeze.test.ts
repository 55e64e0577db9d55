import { expect, test } from '@playwright/test';
import { browserTestFreeze, FROZEN_BACKEND } from './configs';
import { guestToken, signInAsGuest } from './demo';

/**
 * A freeze window, as a developer meets it: the second demo backend (:7008)
 * is the demo with staging frozen by a dated window (e2e-tests/configs.ts).
 * The guest owns checkout and may promote it to staging any other day; now
 * the tab says staging is frozen, with the window's reason and end, and the
 * promote button gives that as its reason. A request anyway is refused by
 * rule target-is-not-frozen, and the ledger stays empty.
 */
const freeze = browserTestFreeze();
const CHECKOUT = `${FROZEN_BACKEND}/api/environment-ladder/entities/component/default/checkout`;

test('a frozen staging: the tab shows the freeze, the button and the API refuse with its reason and end', async ({
  page,
  request,
}) => {
  await signInAsGuest(page, request, FROZEN_BACKEND);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(
    `${FROZEN_BACKEND}/catalog/default/component/checkout/environments`,
  );

  const shown = page.getByTestId('freeze-staging');
  await expect(shown).toContainText(freeze.reason);
  await expect(shown.locator('time')).toHaveAttribute(
    'datetime',
    new Date(freeze.until).toISOString(),
  );
  // Prod's own windows are the demo's; dev is never frozen.
  await expect(page.getByTestId('freeze-dev')).toHaveCount(0);

  const promote = page
    .getByTestId('connector-staging')
    .getByRole('button', { name: 'Promote to Staging' });
  await expect(promote).toHaveAttribute('aria-disabled', 'true');
  const reason = page.locator('#promote-staging-reason');
  await expect(reason).toContainText(freeze.reason);
  // The reason says when it ends, in the backend's words (UTC).
  await expect(reason).toContainText(freeze.until.slice(0, 10));
  // Clicking it anyway opens nothing.
  await promote.click({ force: true });
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Asked anyway, through the API the button would call: refused, nothing recorded.
  const token = await guestToken(request, FROZEN_BACKEND);
  const headers = { Authorization: `Bearer ${token}` };
  const requestPromotion = (extra: object = {}) =>
    request.post(`${FROZEN_BACKEND}/api/environment-ladder/promotions`, {
      headers,
      data: {
        entityRef: 'component:default/checkout',
        targetEnvironment: 'staging',
        reason: 'Release 1.5.0, frozen or not',
        ...extra,
      },
    });
  const response = await requestPromotion();
  expect(response.status()).toBe(409);
  const { error } = await response.json();
  expect(error.message).toContain('target-is-not-frozen');
  expect(error.message).toContain(freeze.reason);
  // Overriding needs environment-ladder.freeze.override, which the demo's
  // policy gives only the platform team.
  expect((await requestPromotion({ overrideFreeze: true })).status()).toBe(403);
  const ledger = await request.get(`${CHECKOUT}/promotions`, { headers });
  expect((await ledger.json()).items).toEqual([]);
});
