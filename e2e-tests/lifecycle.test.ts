import { expect, test, type Page } from '@playwright/test';
import fs from 'fs';
import path from 'path';
import { guestToken, signInAsGuest } from './demo';

/**
 * A rollback all the way, as a new user would try it: roll checkout's staging
 * back to the release before (from the ReplicaSet history the cluster keeps),
 * see the notification it sends, merge its pull request in the GitHub stand-in,
 * and watch the ledger follow it to `verified` while the fixture cluster syncs
 * the GitOps repository the way Argo CD would (packages/fixture-cluster,
 * `gitops:` in examples/clusters/clusters.yaml). The notification is updated in
 * place as the state moves: still one, now saying verified.
 *
 * It changes what staging runs, so it runs after every other browser test
 * (playwright.config.ts, project `lifecycle`).
 */
const ROOT = path.resolve(__dirname, '..');
const expected: Record<
  string,
  Record<string, { digests?: string[]; replicaSets?: { digest: string }[] }>
> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'examples/clusters/expected.json'), 'utf8'),
);
const STAGING_CLUSTER = 'http://127.0.0.1:7103';

/** The digests checkout's pods in staging run, as the cluster serves them. */
async function stagingDigests(page: Page): Promise<string[]> {
  const response = await page.request.get(
    `${STAGING_CLUSTER}/api/v1/namespaces/checkout/pods?labelSelector=${encodeURIComponent(
      'backstage.io/kubernetes-id=checkout',
    )}`,
  );
  const { items } = await response.json();
  const digests = new Set<string>();
  for (const pod of items) {
    for (const status of pod.status?.containerStatuses ?? []) {
      if (status.name === 'checkout') {
        digests.add(String(status.imageID).split('@')[1]);
      }
    }
  }
  return [...digests].sort();
}

test.beforeEach(async ({ page, request }) => {
  await signInAsGuest(page, request);
});

/** The guest's notifications about checkout's rollbacks, as the notifications backend keeps them. */
async function rollbackNotifications(page: Page) {
  const token = await guestToken(page.request);
  const response = await page.request.get(
    'http://localhost:7007/api/notifications/notifications',
    { headers: { Authorization: `Bearer ${token}` } },
  );
  const { notifications } = await response.json();
  return (
    notifications as Array<{
      payload: { title: string; severity: string; link: string; scope: string };
    }>
  )
    .map(notification => notification.payload)
    .filter(payload =>
      payload.title.startsWith('Rollback of checkout to staging'),
    );
}

test('roll back checkout in staging: pull request, notification, merge, verified', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const [running] = expected.checkout.staging.digests ?? [];
  // The release before: the newest scaled-down ReplicaSet's digest.
  const previous = expected.checkout.staging.replicaSets!.find(
    rs => rs.digest !== running,
  )!.digest;
  expect(await stagingDigests(page)).toEqual([running]);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/catalog/default/component/checkout/environments');
  const rollback = page.getByTestId('rollback-staging');
  await expect(rollback).toHaveAttribute('data-allowed', 'true');
  await rollback.click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Roll back checkout in Staging');
  await expect(dialog.getByTestId('promotion-digest')).toHaveText(previous);
  await dialog
    .getByRole('textbox', { name: 'Reason' })
    .fill('1.4.0 breaks the new payment options; back to 1.3.2');
  await dialog.getByRole('button', { name: 'Preview (dry run)' }).click();
  await expect(dialog.getByTestId('promotion-verdict')).toHaveAttribute(
    'data-passed',
    'true',
  );
  // The diff moves staging's digest back, and nothing else.
  const diff = (await dialog.getByTestId('promotion-diff').textContent()) ?? '';
  const lines = diff.split('\n');
  expect(
    lines.filter(line => line.startsWith('-') && !line.startsWith('---')),
  ).toEqual([expect.stringContaining(running)]);
  expect(
    lines.filter(line => line.startsWith('+') && !line.startsWith('+++')),
  ).toEqual([expect.stringContaining(previous)]);

  await dialog.getByRole('button', { name: 'Open pull request' }).click();
  const prLink = dialog.getByTestId('promotion-pr-link');
  await expect(prLink).toBeVisible();
  const prUrl = (await prLink.getAttribute('href'))!;
  expect(prUrl).toMatch(/\/acme\/gitops\/pull\/\d+$/);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // One notification for the guest (requester and owner alike), high severity
  // for a rollback, linking to the tab.
  await page.goto('/notifications');
  const notifications = page.getByText(/^Rollback of checkout to staging/);
  await expect(notifications).toHaveCount(1);
  await expect(notifications).toContainText(/pull request open/i);
  const [sent] = await rollbackNotifications(page);
  expect(sent).toMatchObject({
    severity: 'high',
    link: '/catalog/default/component/checkout/environments',
    scope: expect.stringMatching(/^environment-ladder:promotion:/),
  });

  // Merge it in the stand-in, as a reviewer would on GitHub.
  await page.goto(prUrl);
  await page.getByRole('button', { name: 'Merge' }).click();
  await expect(page.locator('.state')).toHaveText('merged');

  // The fixture cluster syncs the merge; staging runs the release before.
  await expect
    .poll(() => stagingDigests(page), { timeout: 60_000 })
    .toEqual([previous]);

  // The ledger follows: merged, running, verified (the e2e demo's reconciler
  // runs every 2 s; e2e-tests/configs.ts).
  await page.goto('/catalog/default/component/checkout/environments');
  const history = page.getByTestId('promotion-history');
  await expect(async () => {
    await page.reload();
    await expect(
      history.getByTestId('promotion-state').first(),
    ).toHaveAttribute('data-state', 'verified', { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await expect(
    history.getByRole('row').filter({ hasText: 'staging rolled back' }),
  ).toHaveCount(1);
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/rollback-verified.png'),
    fullPage: true,
  });

  // Still one notification, updated in place.
  await page.goto('/notifications');
  await expect(notifications).toHaveCount(1);
  await expect(notifications).toContainText(/verified/i);
  const updated = await rollbackNotifications(page);
  expect(updated).toHaveLength(1);
  expect(updated[0].scope).toBe(sent.scope);
});
