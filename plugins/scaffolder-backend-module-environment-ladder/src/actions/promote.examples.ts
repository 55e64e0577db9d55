import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `environment-ladder:promote`, shown in the scaffolder's action list and tested. */
export const examples: TemplateExample[] = [
  {
    description:
      'Promote the digest running healthy in dev to staging: the backend picks the digest and opens a reviewed pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          name: 'Promote to staging',
          action: 'environment-ladder:promote',
          input: {
            entityRef: 'component:default/checkout',
            targetEnvironment: 'staging',
            reason: 'Release 1.5.0: new payment options',
          },
        },
      ],
    }),
  },
  {
    description:
      'Promote a given digest to prod; the backend refuses it unless that digest runs healthy in staging',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          name: 'Promote to prod',
          action: 'environment-ladder:promote',
          input: {
            entityRef: 'component:default/checkout',
            targetEnvironment: 'prod',
            digest:
              'sha256:1f04c1cf8c648ef4a03c3da4077550b138fe05e0b2bd15a9b610730e57734fca',
            reason: 'Release 1.4.0 passed its staging soak',
          },
        },
      ],
    }),
  },
  {
    description:
      'Preview a promotion: check the rules and show the exact diff and pull request text, opening nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          name: 'Preview the promotion to staging',
          action: 'environment-ladder:promote',
          input: {
            entityRef: 'component:default/checkout',
            targetEnvironment: 'staging',
            reason: 'See what the pull request would change',
            dryRun: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Roll staging back to the previous digest that ran verified there (from the ledger, else its ReplicaSet history), through the same digest-only pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          name: 'Roll back staging',
          action: 'environment-ladder:promote',
          input: {
            entityRef: 'component:default/checkout',
            targetEnvironment: 'staging',
            kind: 'rollback',
            reason: 'Checkout errors since 1.5.0',
          },
        },
      ],
    }),
  },
];
