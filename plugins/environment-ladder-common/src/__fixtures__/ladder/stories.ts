/*
 * Three ladders of the service `shop` (component:default/shop), lowest rung first:
 * local (not observed) → dev → staging → prod, as the backend would hand them to
 * `buildLadder`. Builds v1…v4 were released in that order.
 */
import type { DeclaredRungValues, RungObjects } from '../../types';
import {
  REPOSITORY,
  autoscaler,
  builds,
  ingress,
  merge,
  pinned,
  workload,
} from './kubernetes';

type StoryInput = {
  entityRef: string;
  now: Date;
  rungs: Array<{
    name: string;
    title: string;
    observed: boolean;
    declared: DeclaredRungValues;
    checkDigestFromBelow?: boolean;
    result:
      | { objectsByCluster: Array<{ cluster: string; objects: RungObjects }> }
      | { error: { cluster: string; message: string } }
      | null;
  }>;
};

const NAMESPACE = 'shop';
const CANARY_STEPS = [
  { setWeight: 10 },
  { pause: { duration: '5m' } },
  { setWeight: 25 },
  { analysis: { templates: [{ templateName: 'success-rate' }] } },
  { setWeight: 50 },
  { pause: { duration: '10m' } },
  { setWeight: 75 },
  { pause: { duration: '10m' } },
];

const local = {
  name: 'local',
  title: 'Local',
  observed: false,
  declared: { scale: 'one process', dependencyTier: 'fakes' },
  result: null,
};

const declared = {
  dev: {
    scale: 'minimal',
    replicas: { min: 1, max: 2 },
    endpoints: ['https://shop.dev.acme.com'],
  },
  staging: {
    scale: 'small',
    replicas: { min: 2, max: 4 },
    endpoints: ['https://shop.staging.acme.com/'],
  },
  prod: {
    scale: 'full',
    replicas: { min: 3, max: 10 },
    endpoints: ['https://shop.acme.com'],
    rolloutAggressiveness: 'canary 10→75% with analysis',
  },
} satisfies Record<string, DeclaredRungValues>;

function dev(current: 'v3' | 'tag'): RungObjects {
  return merge(
    workload({
      kind: 'Deployment',
      namespace: NAMESPACE,
      name: 'shop',
      replicas: 1,
      startedAt: '2024-05-06T10:15:00Z',
      revisions: [
        { revision: 1, hash: '5d8f7c9b6a', image: pinned(builds.v1) },
        { revision: 2, hash: '6c7b8d9e5f', image: pinned(builds.v2) },
        current === 'v3'
          ? {
              revision: 3,
              hash: '7f9c8b6d4e',
              image: pinned(builds.v3),
              podDigests: [builds.v3],
            }
          : { revision: 3, hash: '7f9c8b6d4e', image: pinned(builds.v3) },
        ...(current === 'tag'
          ? [
              {
                revision: 4,
                hash: '8b6d4e7f9c',
                image: `${REPOSITORY}:main`,
                podDigests: [builds.v4],
              },
            ]
          : []),
      ],
    }),
    { ingresses: [ingress(NAMESPACE, 'shop', ['shop.dev.acme.com'])] },
  );
}

function stagingAt(build: 'v2' | 'v3'): RungObjects {
  return merge(
    workload({
      kind: 'Deployment',
      namespace: NAMESPACE,
      name: 'shop',
      replicas: 2,
      startedAt:
        build === 'v2' ? '2024-05-03T14:00:00Z' : '2024-05-07T08:30:00Z',
      revisions: [
        { revision: 1, hash: '5d8f7c9b6a', image: pinned(builds.v1) },
        build === 'v2'
          ? {
              revision: 2,
              hash: '6c7b8d9e5f',
              image: pinned(builds.v2),
              podDigests: [builds.v2, builds.v2],
            }
          : { revision: 2, hash: '6c7b8d9e5f', image: pinned(builds.v2) },
        ...(build === 'v3'
          ? [
              {
                revision: 3,
                hash: '7f9c8b6d4e',
                image: pinned(builds.v3),
                podDigests: [builds.v3, builds.v3],
              },
            ]
          : []),
      ],
    }),
    { ingresses: [ingress(NAMESPACE, 'shop', ['shop.staging.acme.com'])] },
  );
}

function prodCluster(
  cluster: 'prod-eu-1' | 'prod-us-1',
  story: 'healthy' | 'canary',
): RungObjects {
  const stableHash = '6c7b8d9e5f';
  const canaryHash = '7f9c8b6d4e';
  const rollout = workload({
    kind: 'Rollout',
    namespace: NAMESPACE,
    name: 'shop',
    replicas: 4,
    sidecar: true,
    runtime: cluster === 'prod-us-1' ? 'containerd' : 'docker',
    startedAt:
      cluster === 'prod-eu-1' ? '2024-05-04T09:00:00Z' : '2024-05-04T09:20:00Z',
    strategy: {
      canary: {
        canaryService: 'shop-canary',
        stableService: 'shop',
        steps: CANARY_STEPS,
      },
    },
    revisions: [
      { revision: 1, hash: '5d8f7c9b6a', image: pinned(builds.v1) },
      {
        revision: 2,
        hash: stableHash,
        image: pinned(builds.v2),
        podDigests:
          story === 'healthy'
            ? [builds.v2, builds.v2, builds.v2, builds.v2]
            : [builds.v2, builds.v2, builds.v2],
      },
      ...(story === 'canary'
        ? [
            {
              revision: 3,
              hash: canaryHash,
              image: pinned(builds.v3),
              podDigests: [builds.v3],
              startedAt: '2024-05-08T11:50:00Z',
            },
          ]
        : []),
    ],
    status:
      story === 'healthy'
        ? {
            phase: 'Healthy',
            currentPodHash: stableHash,
            stableRS: stableHash,
            currentStepIndex: CANARY_STEPS.length,
            canary: {},
            conditions: [
              {
                type: 'Available',
                status: 'True',
                reason: 'AvailableReason',
                message: 'Rollout has minimum availability',
              },
              {
                type: 'Completed',
                status: 'True',
                reason: 'RolloutCompleted',
                message:
                  'Rollout completed update to revision 2 (6c7b8d9e5f): Completed all 8 canary steps',
              },
              {
                type: 'Healthy',
                status: 'True',
                reason: 'RolloutHealthy',
                message: 'Rollout is healthy',
              },
            ],
          }
        : {
            phase: 'Progressing',
            message: 'more replicas need to be updated',
            currentPodHash: canaryHash,
            stableRS: stableHash,
            currentStepIndex: 3,
            currentStepHash: '5f4b8d7c9',
            canary: {
              currentStepAnalysisRunStatus: {
                name: 'shop-7f9c8b6d4e-3-3',
                status: 'Running',
              },
            },
            updatedReplicas: 1,
            conditions: [
              {
                type: 'Available',
                status: 'True',
                reason: 'AvailableReason',
                message: 'Rollout has minimum availability',
              },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
                message: 'Rollout "shop" is progressing.',
              },
            ],
          },
  });
  const analysisRuns =
    story === 'canary'
      ? [
          analysisRun({
            name: 'shop-6c7b8d9e5f-2-3',
            hash: stableHash,
            createdAt: '2024-05-04T08:50:00Z',
            phase: 'Successful',
            values: ['[0.9990]', '[0.9987]', '[0.9991]'],
          }),
          analysisRun({
            name: 'shop-7f9c8b6d4e-3-3',
            hash: canaryHash,
            createdAt: '2024-05-08T12:04:00Z',
            phase: 'Running',
            values: ['[0.9978]', '[0.9981]'],
          }),
        ]
      : [];
  return merge(rollout, {
    analysisRuns,
    ingresses: [ingress(NAMESPACE, 'shop', ['shop.acme.com'])],
    horizontalPodAutoscalers: [
      autoscaler(NAMESPACE, { kind: 'Rollout', name: 'shop' }, 3, 10),
    ],
  });
}

function analysisRun(options: {
  name: string;
  hash: string;
  createdAt: string;
  phase: 'Running' | 'Successful';
  values: string[];
}): unknown {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: options.name,
      namespace: NAMESPACE,
      uid: `${options.name}-uid`,
      creationTimestamp: options.createdAt,
      labels: {
        'rollout-type': 'Step',
        'step-index': '3',
        'rollouts-pod-template-hash': options.hash,
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'shop',
          uid: 'shop-rollout-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      metrics: [
        {
          name: 'success-rate',
          interval: '1m',
          count: 3,
          successCondition: 'result[0] >= 0.99',
          failureLimit: 1,
          provider: {
            prometheus: {
              address: 'http://prometheus.monitoring:9090',
              query:
                'sum(rate(http_requests_total{app="shop",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="shop"}[1m]))',
            },
          },
        },
      ],
    },
    status: {
      phase: options.phase,
      startedAt: options.createdAt,
      ...(options.phase === 'Successful'
        ? { message: 'Metric assessed Successful' }
        : {}),
      metricResults: [
        {
          name: 'success-rate',
          phase: options.phase,
          count: options.values.length,
          successful: options.values.length,
          measurements: options.values.map((value, index) => ({
            phase: 'Successful',
            value,
            startedAt: `2024-05-08T12:0${4 + index}:00Z`,
            finishedAt: `2024-05-08T12:0${4 + index}:01Z`,
          })),
        },
      ],
    },
  };
}

/** dev runs v3, one release ahead of staging and prod, which both run v2. */
export function healthyLadder(): StoryInput {
  return {
    entityRef: 'component:default/shop',
    now: new Date('2024-05-08T12:10:00Z'),
    rungs: [
      local,
      {
        name: 'dev',
        title: 'Dev',
        observed: true,
        declared: declared.dev,
        result: {
          objectsByCluster: [{ cluster: 'dev-eu-1', objects: dev('v3') }],
        },
      },
      {
        name: 'staging',
        title: 'Staging',
        observed: true,
        declared: declared.staging,
        result: {
          objectsByCluster: [
            { cluster: 'staging-eu-1', objects: stagingAt('v2') },
          ],
        },
      },
      {
        name: 'prod',
        title: 'Production',
        observed: true,
        declared: declared.prod,
        result: {
          objectsByCluster: [
            {
              cluster: 'prod-eu-1',
              objects: prodCluster('prod-eu-1', 'healthy'),
            },
            {
              cluster: 'prod-us-1',
              objects: prodCluster('prod-us-1', 'healthy'),
            },
          ],
        },
      },
    ],
  };
}

/** v3 ran in dev and staging; prod is canarying it at step 3/8 (25%) with analysis running. */
export function prodMidCanaryLadder(): StoryInput {
  return {
    entityRef: 'component:default/shop',
    now: new Date('2024-05-08T12:10:00Z'),
    rungs: [
      local,
      {
        name: 'dev',
        title: 'Dev',
        observed: true,
        declared: declared.dev,
        result: {
          objectsByCluster: [{ cluster: 'dev-eu-1', objects: dev('v3') }],
        },
      },
      {
        name: 'staging',
        title: 'Staging',
        observed: true,
        declared: declared.staging,
        result: {
          objectsByCluster: [
            { cluster: 'staging-eu-1', objects: stagingAt('v3') },
          ],
        },
      },
      {
        name: 'prod',
        title: 'Production',
        observed: true,
        declared: declared.prod,
        result: {
          objectsByCluster: [
            {
              cluster: 'prod-eu-1',
              objects: prodCluster('prod-eu-1', 'canary'),
            },
          ],
        },
      },
    ],
  };
}

/**
 * dev was switched to the moving tag `:main`; staging was switched to `:staging` and its
 * pods pulled it at different times (v2 and v3); prod runs a rebuild pushed straight to it.
 */
export function brokenLadder(): StoryInput {
  const staging = merge(
    workload({
      kind: 'Deployment',
      namespace: NAMESPACE,
      name: 'shop',
      replicas: 3,
      startedAt: '2024-05-07T08:30:00Z',
      revisions: [
        { revision: 3, hash: '5d8f7c9b6a', image: pinned(builds.v1) },
        {
          revision: 4,
          hash: '9a8b7c6d5e',
          image: `${REPOSITORY}:staging`,
          podDigests: [builds.v3, builds.v3, builds.v2],
        },
      ],
    }),
    { ingresses: [ingress(NAMESPACE, 'shop', ['shop.staging.acme.com'])] },
  );
  const prod = merge(
    workload({
      kind: 'Deployment',
      namespace: NAMESPACE,
      name: 'shop',
      replicas: 3,
      sidecar: true,
      startedAt: '2024-05-08T07:45:00Z',
      revisions: [
        { revision: 6, hash: '6c7b8d9e5f', image: pinned(builds.v2) },
        {
          revision: 7,
          hash: '4e5f6a7b8c',
          image: pinned(builds.rebuild),
          podDigests: [builds.rebuild, builds.rebuild, builds.rebuild],
        },
      ],
    }),
    {
      ingresses: [ingress(NAMESPACE, 'shop', ['shop.acme.com'])],
      horizontalPodAutoscalers: [
        autoscaler(NAMESPACE, { kind: 'Deployment', name: 'shop' }, 3, 10),
      ],
    },
  );
  return {
    entityRef: 'component:default/shop',
    now: new Date('2024-05-08T12:10:00Z'),
    rungs: [
      local,
      {
        name: 'dev',
        title: 'Dev',
        observed: true,
        declared: declared.dev,
        result: {
          objectsByCluster: [{ cluster: 'dev-eu-1', objects: dev('tag') }],
        },
      },
      {
        name: 'staging',
        title: 'Staging',
        observed: true,
        declared: declared.staging,
        result: {
          objectsByCluster: [{ cluster: 'staging-eu-1', objects: staging }],
        },
      },
      {
        name: 'prod',
        title: 'Production',
        observed: true,
        declared: declared.prod,
        result: { objectsByCluster: [{ cluster: 'prod-eu-1', objects: prod }] },
      },
    ],
  };
}
