import type {
  Promotion,
  PromotionState,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { PromotionResponse } from '@environment-ladder/plugin-environment-ladder-common';

/** The digests of the ladder fixture (`src/__fixtures__/ladder.ts`): dev runs D2, staging D1. */
export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;

/** A promotion of checkout from dev to staging whose pull request is open. */
export const promotion: Promotion = {
  id: '7d6f0a52-1c1e-4f5e-9f55-2f3c1d0e0b01',
  entityRef: 'component:default/checkout',
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
  digest: D2,
  reason: 'Release 1.5.0',
  requestedBy: 'user:default/jane',
  state: 'pr-open',
  verdicts: [
    {
      rule: 'next-rung',
      passed: true,
      message: 'staging is the rung right above dev',
    },
    {
      rule: 'healthy-in-source',
      passed: true,
      message: 'dev runs the digest with 2/2 replicas ready',
    },
  ],
  pullRequest: {
    url: 'https://github.com/acme/gitops/pull/42',
    number: 42,
    branch: 'environment-ladder/checkout/staging-222222222222',
  },
  approvals: [],
  createdAt: '2026-11-27T11:00:00.000Z',
  updatedAt: '2026-11-27T11:00:02.000Z',
  history: [
    {
      state: 'requested',
      at: '2026-11-27T11:00:00.000Z',
      message: 'Requested by user:default/jane',
    },
    {
      state: 'pr-open',
      at: '2026-11-27T11:00:02.000Z',
      message: 'Opened pull request #42',
    },
  ],
  error: null,
};

/** Another promotion of the same entity, with overrides. */
export function promotionWith(
  overrides: Partial<Promotion> & { state: PromotionState },
): Promotion {
  return { ...promotion, ...overrides };
}

/** What the backend answers to a dry run of the dev → staging promotion. */
export const dryRunResult: PromotionResponse = {
  promotion: {
    ...promotion,
    id: 'dry-run',
    state: 'requested',
    pullRequest: null,
    history: [],
  },
  created: false,
  dryRun: {
    repository: 'acme/gitops',
    filePath: 'apps/checkout/staging/kustomization.yaml',
    diff: [
      '--- a/apps/checkout/staging/kustomization.yaml',
      '+++ b/apps/checkout/staging/kustomization.yaml',
      '@@ -4,3 +4,3 @@',
      ' images:',
      '   - name: ghcr.io/acme/checkout',
      `-    digest: ${D1}`,
      `+    digest: ${D2}`,
    ].join('\n'),
    pullRequest: {
      branch: 'environment-ladder/checkout/staging-222222222222',
      title: 'Promote checkout to staging: sha256:222222222222',
      body: '## Promote checkout to staging\n\nThis pull request changes only the image digest of checkout in the staging manifest.',
    },
  },
};
