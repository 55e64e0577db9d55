import type { Promotion } from '@environment-ladder/plugin-environment-ladder-common';

/** The digest checkout runs in dev in the demo (release 1.5.0). */
export const DEV_DIGEST =
  'sha256:867d848fca6fc5b214b1a7d033720452b95b422764aecf313e828e19ca45ed2a';
/** The digest checkout runs in staging in the demo (release 1.4.0). */
export const STAGING_DIGEST =
  'sha256:1f04c1cf8c648ef4a03c3da4077550b138fe05e0b2bd15a9b610730e57734fca';

/** A promotion as the ledger answers it, with its pull request open. */
export function promotionFixture(
  overrides: Partial<Promotion> = {},
): Promotion {
  return {
    id: 'c0ffee00-0000-4000-8000-000000000001',
    entityRef: 'component:default/checkout',
    sourceEnvironment: 'dev',
    targetEnvironment: 'staging',
    digest: DEV_DIGEST,
    reason: 'Release 1.5.0',
    requestedBy: 'user:default/jane',
    state: 'pr-open',
    verdicts: [
      {
        rule: 'next-rung',
        passed: true,
        message: 'staging is the rung above dev',
      },
    ],
    pullRequest: {
      url: 'https://github.com/acme/gitops/pull/42',
      number: 42,
      branch: 'environment-ladder/checkout/staging-867d848fca6f',
    },
    approvals: [],
    createdAt: '2026-11-27T12:00:00.000Z',
    updatedAt: '2026-11-27T12:00:01.000Z',
    history: [
      {
        state: 'requested',
        at: '2026-11-27T12:00:00.000Z',
        message: 'Requested',
      },
      {
        state: 'pr-open',
        at: '2026-11-27T12:00:01.000Z',
        message: 'Opened #42',
      },
    ],
    error: null,
    ...overrides,
  };
}

/** What a dry run answers: nothing stored, the exact change and pull request text. */
export function dryRunResponseFixture(
  entityRef = 'component:default/checkout',
) {
  const diff = [
    '--- a/apps/checkout/staging/kustomization.yaml',
    '+++ b/apps/checkout/staging/kustomization.yaml',
    '@@ -3,3 +3,3 @@',
    ' images:',
    '   - name: ghcr.io/acme/checkout',
    `-    digest: ${STAGING_DIGEST}`,
    `+    digest: ${DEV_DIGEST}`,
    '',
  ].join('\n');
  return {
    promotion: promotionFixture({
      id: 'dry-run',
      entityRef,
      state: 'requested',
      pullRequest: null,
      history: [],
    }),
    created: false,
    dryRun: {
      diff,
      repository: 'acme/gitops',
      filePath: 'apps/checkout/staging/kustomization.yaml',
      pullRequest: {
        branch: 'environment-ladder/checkout/staging-867d848fca6f',
        title: 'Promote checkout to staging: sha256:867d848fca6f',
        body: '## Promote checkout to staging\n\nThis pull request changes only the image digest.',
      },
    },
  };
}
