import type {
  Ladder,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const rung = (overrides: Partial<LadderRung>): LadderRung => ({
  name: 'dev',
  title: 'Dev',
  observed: true,
  digest: null,
  digests: [],
  since: null,
  replicas: { ready: 0, desired: 0 },
  workloads: [],
  rollouts: [],
  comparedToBelow: null,
  declared: {},
  observedValues: null,
  violations: [],
  error: null,
  ...overrides,
});

/** A ladder as the backend returns it: an unobserved rung, a healthy one, one behind, one mid-canary, one failing. */
export const ladder: Ladder = {
  entityRef: 'component:default/checkout',
  generatedAt: '2026-11-27T12:00:00.000Z',
  violations: [],
  rungs: [
    rung({ name: 'local', title: 'Local', observed: false }),
    rung({
      name: 'dev',
      title: 'Dev',
      digest: D2,
      digests: [D2],
      since: '2026-11-27T09:00:00.000Z',
      replicas: { ready: 2, desired: 2 },
      declared: { scale: '1–2 replicas' },
      observedValues: {
        replicas: 2,
        autoscaler: null,
        ingressHosts: [],
        rolloutStrategy: 'Deployment',
      },
    }),
    rung({
      name: 'staging',
      title: 'Staging',
      digest: D1,
      digests: [D1],
      since: '2026-11-20T12:00:00.000Z',
      replicas: { ready: 3, desired: 3 },
      comparedToBelow: { relation: 'behind', releases: 1 },
    }),
    rung({
      name: 'prod',
      title: 'Prod',
      digests: [D1, D2],
      replicas: { ready: 10, desired: 10 },
      comparedToBelow: { relation: 'unknown', reason: 'prod runs two digests' },
      rollouts: [
        {
          cluster: 'prod',
          namespace: 'checkout',
          name: 'checkout',
          strategy: 'Canary',
          phase: 'Paused',
          message: 'CanaryPauseStep',
          step: '3/8',
          setWeight: 20,
          actualWeight: 20,
          aborted: false,
          replicas: {
            desired: 10,
            current: 10,
            updated: 2,
            ready: 10,
            available: 10,
          },
          images: [
            {
              image: `ghcr.io/acme/checkout@${D1}`,
              digests: [D1],
              roles: ['stable'],
            },
            {
              image: `ghcr.io/acme/checkout@${D2}`,
              digests: [D2],
              roles: ['canary'],
            },
          ],
          analysisRuns: [
            {
              name: 'checkout-abc-3',
              phase: 'Running',
              message: null,
              metrics: [
                {
                  name: 'success-rate',
                  phase: 'Successful',
                  lastValue: '0.997',
                  successful: 3,
                  failed: 0,
                  inconclusive: 0,
                  error: 0,
                  message: null,
                },
              ],
            },
          ],
        },
      ],
      violations: [
        {
          rule: 'digest-not-from-rung-below',
          severity: 'error',
          rung: 'prod',
          message: 'prod runs a digest that never ran in staging.',
        },
      ],
    }),
    rung({
      name: 'dr',
      title: 'Disaster recovery',
      error: {
        cluster: 'dr',
        message: "cluster 'dr' did not answer within 5000 ms",
      },
    }),
  ],
  // As the backend decides them for the viewer (promotionTargets in -common).
  promotions: {
    targets: [
      {
        targetEnvironment: 'staging',
        sourceEnvironment: 'dev',
        digest: D2,
        allowed: true,
        rule: null,
        reason: null,
        freeze: null,
      },
      {
        targetEnvironment: 'prod',
        sourceEnvironment: 'staging',
        digest: D1,
        allowed: false,
        rule: 'permission',
        reason:
          "The permission policy does not let you promote into Prod; ask the service's owners or your platform team.",
        freeze: null,
      },
      {
        targetEnvironment: 'dr',
        sourceEnvironment: 'prod',
        digest: null,
        allowed: false,
        rule: 'digest-is-canonical',
        reason:
          'No digest was named and Prod runs 2 digests (sha256:111111111111…, sha256:222222222222…); name the one to promote.',
        freeze: null,
      },
    ],
    inFlight: [],
  },
};
