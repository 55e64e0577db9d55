import { expect, test } from '@playwright/test';
import fs from 'fs';
import path from 'path';
import { signInAsGuest } from './demo';

/**
 * A promotion as a developer previews it: sign in as guest (an owner of
 * checkout), open checkout's Environments tab, ask to promote dev's release
 * to staging and run the dry run. The diff must change only the staging
 * manifest's digest, from the digest staging runs to the one dev runs
 * (examples/clusters/expected.json), and the pull request's title must show.
 */
const ROOT = path.resolve(__dirname, '..');
const expected: Record<
  string,
  Record<string, { digests?: string[] }>
> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'examples/clusters/expected.json'), 'utf8'),
);

test.beforeEach(async ({ page, request }) => {
  await signInAsGuest(page, request);
});

test('a dry run of promoting checkout from dev to staging shows the exact change', async ({
  page,
}) => {
  const [devDigest] = expected.checkout.dev.digests ?? [];
  const [stagingDigest] = expected.checkout.staging.digests ?? [];
  expect(devDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(stagingDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(devDigest).not.toBe(stagingDigest);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/catalog/default/component/checkout/environments');

  // The button sits on the connector between dev and staging.
  const promote = page
    .getByTestId('connector-staging')
    .getByRole('button', { name: 'Promote to Staging' });
  await expect(promote).not.toHaveAttribute('aria-disabled', 'true');
  await promote.click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('promotion-digest')).toHaveText(devDigest);
  await dialog
    .getByRole('textbox', { name: 'Reason' })
    .fill('Release 1.5.0: new payment options');
  await dialog.getByRole('button', { name: 'Preview (dry run)' }).click();
  // The verdict first.
  await expect(dialog.getByTestId('promotion-verdict')).toHaveAttribute(
    'data-passed',
    'true',
  );

  const diff = dialog.getByTestId('promotion-diff');
  await expect(diff).toBeVisible();
  const lines = ((await diff.textContent()) ?? '').split('\n');
  // Only the staging manifest changes ...
  const changedFile = lines.find(line => line.startsWith('+++ '));
  expect(changedFile).toMatch(/staging/);
  expect(lines.filter(line => line.startsWith('+++ '))).toHaveLength(1);
  // ... and in it only the digest: staging's goes, dev's comes.
  const removed = lines.filter(
    line => line.startsWith('-') && !line.startsWith('---'),
  );
  const added = lines.filter(
    line => line.startsWith('+') && !line.startsWith('+++'),
  );
  expect(removed).toEqual([expect.stringContaining(stagingDigest)]);
  expect(added).toEqual([expect.stringContaining(devDigest)]);
  expect(added[0].slice(1).replace(devDigest, stagingDigest)).toBe(
    removed[0].slice(1),
  );

  await expect(dialog.getByTestId('promotion-pr-title')).toHaveText(
    `Promote checkout to staging: ${devDigest.slice(0, 'sha256:'.length + 12)}`,
  );

  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/promotion-dry-run.png'),
  });
});

test('the scaffolder\'s "Promote a release" asks for the rung from checkout\'s own ladder', async ({
  page,
}) => {
  const [devDigest] = expected.checkout.dev.digests ?? [];
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/catalog/default/component/checkout/environments');
  // The promote dialog's link carries the service, the rung and the digest.
  await page
    .getByTestId('connector-staging')
    .getByRole('button', { name: 'Promote to Staging' })
    .click();
  await page.getByRole('link', { name: 'Open in the scaffolder' }).click();

  const picker = page.getByTestId('environment-ladder-target-picker');
  await expect(picker).toBeVisible();
  // No list of rungs in the template: the backend's verdicts for the guest.
  const staging = picker.getByTestId('target-choice-staging');
  const prod = picker.getByTestId('target-choice-prod');
  await expect(staging.getByRole('radio')).toBeEnabled();
  await expect(staging.getByRole('radio')).toBeChecked();
  await expect(prod.getByRole('radio')).toBeDisabled();
  await expect(picker.getByTestId('target-choice-prod-detail')).toContainText(
    'permission policy',
  );
  // Dev and the previews are never targets.
  await expect(picker.getByTestId('target-choice-dev')).toHaveCount(0);
  await expect(picker.getByTestId('target-choice-preview')).toHaveCount(0);

  // The digest that would move, and the rules' verdicts of a dry run.
  await expect(picker.getByTestId('target-picker-digest')).toHaveText(
    devDigest,
  );
  const verdicts = picker.getByTestId('target-picker-verdicts');
  await expect(verdicts.locator('li').first()).toBeVisible();
  expect(await verdicts.locator('li[data-passed="false"]').count()).toBe(0);
  await expect(
    verdicts.getByTestId('target-picker-verdict-digest-is-canonical'),
  ).toHaveAttribute('data-passed', 'true');

  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/scaffolder-target-picker.png'),
    fullPage: true,
  });
});
