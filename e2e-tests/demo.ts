import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** The demo backend, which serves the app's bundle too (scripts/serve-bundle.sh). */
const BACKEND = 'http://localhost:7007';

/** A guest's Backstage token, as the app's sign-in page gets it. */
export async function guestToken(
  request: APIRequestContext,
  backend = BACKEND,
): Promise<string> {
  const response = await request.get(`${backend}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  return (await response.json()).backstageIdentity.token as string;
}

/**
 * Waits until the demo answers and its catalog has read checkout (a cold backend
 * ingests the catalog after it is ready), then signs in as guest on the home page.
 * `backend`: another demo backend than the default one, which serves its own app.
 */
export async function signInAsGuest(
  page: Page,
  request: APIRequestContext,
  backend = BACKEND,
) {
  await expect
    .poll(
      async () =>
        (
          await request
            .get(`${backend}/.backstage/health/v1/readiness`)
            .catch(() => null)
        )?.status(),
      { timeout: 180_000 },
    )
    .toBe(200);
  const token = await guestToken(request, backend);
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${backend}/api/catalog/entities/by-name/component/default/checkout`,
            { headers: { Authorization: `Bearer ${token}` } },
          )
        ).status(),
      { timeout: 120_000 },
    )
    .toBe(200);
  await page.goto(backend === BACKEND ? '/' : `${backend}/`);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByRole('heading', { name: 'BitVault Catalog' }),
  ).toBeVisible();
}
