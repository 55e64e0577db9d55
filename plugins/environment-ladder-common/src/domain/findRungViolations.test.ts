import { REPOSITORY, builds, pinned } from '../__fixtures__/ladder/kubernetes';
import type {
  Digest,
  ObservedRungValues,
  RolloutStatus,
  WorkloadStatus,
} from '../types';
import { findRungViolations } from './findRungViolations';

function workload(
  options: Partial<WorkloadStatus> & {
    digests?: Array<[Digest | null, number]>;
    image?: string;
  },
): WorkloadStatus {
  const image = options.image ?? pinned(builds.v2);
  return {
    kind: 'Deployment',
    cluster: 'eu-1',
    namespace: 'shop',
    name: 'shop',
    specImages: [image],
    replicas: { desired: 3, current: 3, updated: 3, ready: 3, available: 3 },
    running: (options.digests ?? [[builds.v2, 3]]).map(([digest, pods]) => ({
      image,
      pinnedByDigest: image.includes('@'),
      digest,
      pods,
      readyPods: pods,
      since: null,
    })),
    revision: 2,
    history: [],
    ...options,
  };
}

function rollout(options: Partial<RolloutStatus>): RolloutStatus {
  return {
    cluster: 'eu-1',
    namespace: 'shop',
    name: 'shop',
    strategy: 'Canary',
    phase: 'Healthy',
    message: '',
    step: null,
    setWeight: 100,
    actualWeight: 100,
    replicas: { desired: 3, current: 3, updated: 3, ready: 3, available: 3 },
    images: [],
    analysisRuns: [],
    aborted: false,
    ...options,
  };
}

const observed: ObservedRungValues = {
  replicas: 3,
  autoscaler: null,
  ingressHosts: ['shop.acme.com'],
  rolloutStrategy: 'Deployment',
};

const staging = {
  name: 'staging',
  title: 'Staging',
  workloads: [
    workload({
      history: [
        {
          revision: 1,
          firstRevision: 1,
          image: pinned(builds.v1),
          digests: [builds.v1],
        },
        {
          revision: 2,
          firstRevision: 2,
          image: pinned(builds.v2),
          digests: [builds.v2],
        },
      ],
    }),
  ],
  rollouts: [],
};

function check(
  overrides: Partial<Parameters<typeof findRungViolations>[0]> = {},
) {
  return findRungViolations({
    name: 'prod',
    title: 'Production',
    workloads: [workload({})],
    rollouts: [],
    declared: {},
    observedValues: observed,
    below: staging,
    ...overrides,
  });
}

describe('findRungViolations', () => {
  it('finds nothing wrong with a promoted, pinned, settled rung', () => {
    expect(
      check({
        declared: {
          replicas: { min: 3, max: 5 },
          endpoints: ['https://shop.acme.com/'],
        },
      }),
    ).toEqual([]);
  });

  it('reports an image asked for by tag, with the pin to use', () => {
    const tagged = workload({ image: `${REPOSITORY}:1.4` });
    expect(check({ workloads: [tagged] })).toEqual([
      {
        rule: 'tag-not-digest',
        severity: 'error',
        rung: 'prod',
        message: `Production runs ${REPOSITORY}:1.4 by tag, not by digest (Deployment shop/shop on eu-1): a tag can be moved to another build, so what runs cannot be traced or promoted as it is. Pin it as ${REPOSITORY}@${builds.v2}.`,
      },
    ]);
    // Only a warning on the lowest rung, where builds enter the ladder.
    expect(check({ workloads: [tagged], below: null })[0].severity).toBe(
      'warning',
    );
  });

  it('reports a digest that never ran in the rung below', () => {
    expect(
      check({ workloads: [workload({ digests: [[builds.rebuild, 3]] })] }),
    ).toEqual([
      {
        rule: 'digest-not-from-rung-below',
        severity: 'error',
        rung: 'prod',
        message: `Production runs sha256:eeeeeeeeeeee… (${pinned(
          builds.v2,
        )} in Deployment shop/shop on eu-1), which never ran in Staging: it was not promoted from there, so it is a rebuild or a direct push.`,
      },
    ]);
  });

  it('only warns when the rung below has revisions of unknown digest, and skips the check when told', () => {
    const below = {
      ...staging,
      workloads: [
        workload({
          history: [
            {
              revision: 1,
              firstRevision: 1,
              image: `${REPOSITORY}:old`,
              digests: [],
            },
            {
              revision: 2,
              firstRevision: 2,
              image: pinned(builds.v2),
              digests: [builds.v2],
            },
          ],
        }),
      ],
    };
    const prod = [workload({ digests: [[builds.rebuild, 3]] })];
    expect(
      check({ workloads: prod, below }).map(v => [v.rule, v.severity]),
    ).toEqual([['digest-not-from-rung-below', 'warning']]);
    expect(check({ workloads: prod, checkDigestFromBelow: false })).toEqual([]);
    expect(
      check({ workloads: prod, below: { ...staging, workloads: [] } }),
    ).toEqual([]);
  });

  it('reports pods of a settled rung on different digests', () => {
    const violations = check({
      workloads: [
        workload({ digests: [[builds.v2, 2]] }),
        workload({ cluster: 'us-1', digests: [[builds.v1, 1]] }),
      ],
    });
    expect(violations).toEqual([
      {
        rule: 'mixed-digests',
        severity: 'error',
        rung: 'prod',
        message:
          "Production's pods run 2 different digests outside a rollout: sha256:b2b2b2b2b2b2… on 2 pods (Deployment shop/shop on eu-1); sha256:a1a1a1a1a1a1… on 1 pod (Deployment shop/shop on us-1). Pods pulled a moving tag at different times, or a workload was changed by hand.",
      },
    ]);
  });

  it('accepts two digests during a canary or a rolling update', () => {
    const canary = workload({
      kind: 'Rollout',
      digests: [
        [builds.v1, 2],
        [builds.v2, 1],
      ],
    });
    const midCanary = rollout({
      phase: 'Paused',
      images: [
        { image: pinned(builds.v2), digests: [builds.v2], roles: ['canary'] },
        { image: pinned(builds.v1), digests: [builds.v1], roles: ['stable'] },
      ],
    });
    expect(check({ workloads: [canary], rollouts: [midCanary] })).toEqual([]);
    // …but not next to another cluster that runs a third digest.
    expect(
      check({
        workloads: [
          canary,
          workload({ cluster: 'us-1', digests: [[builds.v2, 3]] }),
        ],
        rollouts: [midCanary],
      }).map(v => v.rule),
    ).toEqual(['mixed-digests']);

    const rolling = workload({
      digests: [
        [builds.v1, 2],
        [builds.v2, 2],
      ],
      replicas: { desired: 3, current: 4, updated: 2, ready: 4, available: 4 },
    });
    expect(check({ workloads: [rolling] })).toEqual([]);

    // A rollout that finished with pods on two digests is mixed.
    expect(
      check({
        workloads: [canary],
        rollouts: [{ ...midCanary, phase: 'Healthy' }],
      }).map(v => v.rule),
    ).toEqual(['mixed-digests']);
  });

  it('reports an aborted or Degraded rollout', () => {
    expect(
      check({
        rollouts: [
          rollout({
            phase: 'Degraded',
            aborted: true,
            message: 'RolloutAborted: Metric "success-rate" assessed Failed',
          }),
          rollout({
            name: 'cart',
            phase: 'Degraded',
            message:
              'ProgressDeadlineExceeded: ReplicaSet "cart-1" has timed out progressing.',
          }),
        ],
      }),
    ).toEqual([
      {
        rule: 'rollout-degraded',
        severity: 'error',
        rung: 'prod',
        message:
          'Rollout shop/shop on eu-1 in Production was aborted: RolloutAborted: Metric "success-rate" assessed Failed.',
      },
      {
        rule: 'rollout-degraded',
        severity: 'error',
        rung: 'prod',
        message:
          'Rollout shop/cart on eu-1 in Production is Degraded: ProgressDeadlineExceeded: ReplicaSet "cart-1" has timed out progressing.',
      },
    ]);
  });

  it('compares declared replicas with the autoscaler, or with each workload without one', () => {
    const declared = { replicas: { min: 3, max: 10 } };
    expect(
      check({
        declared,
        observedValues: { ...observed, autoscaler: { min: 2, max: 20 } },
      }).map(v => v.message),
    ).toEqual([
      "Production's autoscaler may scale down to 2 replicas, but Production declares 3 to 10 replicas.",
      "Production's autoscaler may scale up to 20 replicas, but Production declares 3 to 10 replicas.",
    ]);
    expect(
      check({
        declared,
        observedValues: { ...observed, autoscaler: { min: 3, max: 10 } },
      }),
    ).toEqual([]);
    const small = workload({
      replicas: { desired: 1, current: 1, updated: 1, ready: 1, available: 1 },
    });
    expect(
      check({
        declared: { replicas: { min: 2 } },
        workloads: [small],
        checkDigestFromBelow: false,
      }),
    ).toEqual([
      {
        rule: 'scale-mismatch',
        severity: 'warning',
        rung: 'prod',
        message:
          'Deployment shop/shop on eu-1 in Production wants 1 replica, but Production declares at least 2 replicas.',
      },
    ]);
  });

  it('compares declared endpoints with Ingress hosts', () => {
    const declared = {
      endpoints: ['https://shop.acme.com/api', 'http://admin.acme.com:8443'],
    };
    expect(
      check({
        declared,
        observedValues: {
          ...observed,
          ingressHosts: ['shop.acme.com', 'shop-old.acme.com'],
        },
      }).map(v => v.message),
    ).toEqual([
      'Production declares the endpoint admin.acme.com, but no Ingress serves it (Ingresses serve shop.acme.com, shop-old.acme.com).',
      'An Ingress in Production serves shop-old.acme.com, which Production does not declare as an endpoint.',
    ]);
    expect(
      check({
        declared,
        observedValues: { ...observed, ingressHosts: ['*.acme.com'] },
      }),
    ).toEqual([]);
    expect(
      check({
        declared: { endpoints: ['a.b.acme.com'] },
        observedValues: { ...observed, ingressHosts: ['*.acme.com'] },
      }),
    ).toHaveLength(2);
    expect(
      check({
        declared,
        observedValues: { ...observed, ingressHosts: [] },
      }).map(v => v.message),
    ).toEqual([
      'Production declares the endpoint shop.acme.com, but no Ingress serves it (the rung has no Ingress).',
      'Production declares the endpoint admin.acme.com, but no Ingress serves it (the rung has no Ingress).',
    ]);
    // Nothing deployed: nothing to compare.
    expect(
      check({
        declared,
        workloads: [],
        observedValues: { ...observed, ingressHosts: [] },
      }),
    ).toEqual([]);
  });

  it('survives declared values of the wrong type', () => {
    expect(() =>
      check({
        declared: {
          replicas: {
            min: '3' as unknown as number,
            max: null as unknown as number,
          },
          endpoints: [42, null, 'x'.repeat(100_000), ''] as unknown as string[],
        },
      }),
    ).not.toThrow();
  });
});
