import {
  REPOSITORY,
  builds,
  digestOf,
  emptyObjects,
  merge,
  pinned,
  workload,
} from '../__fixtures__/ladder/kubernetes';
import type { RungObjects } from '../types';
import { observeWorkloads } from './observeWorkloads';

function pod(options: {
  name: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; uid?: string };
  containers: Array<{ name: string; image: string; imageID?: string }>;
  ready?: boolean;
  startTime?: string;
  phase?: string;
  deleting?: boolean;
}): unknown {
  return {
    metadata: {
      name: options.name,
      namespace: 'shop',
      labels: options.labels ?? { app: 'shop' },
      ...(options.owner
        ? { ownerReferences: [{ ...options.owner, controller: true }] }
        : {}),
      ...(options.deleting
        ? { deletionTimestamp: '2024-05-08T12:00:00Z' }
        : {}),
    },
    spec: {
      containers: options.containers.map(c => ({
        name: c.name,
        image: c.image,
      })),
    },
    status: {
      phase: options.phase ?? 'Running',
      startTime: options.startTime ?? '2024-05-08T10:00:00Z',
      conditions: [
        { type: 'Ready', status: options.ready === false ? 'False' : 'True' },
      ],
      containerStatuses: options.containers.map(c => ({
        name: c.name,
        image: c.image,
        imageID: c.imageID ?? '',
      })),
    },
  };
}

const deployment = {
  metadata: {
    name: 'shop',
    namespace: 'shop',
    uid: 'd-1',
    annotations: { 'deployment.kubernetes.io/revision': '4' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'shop' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: {
      spec: {
        containers: [
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.1' },
          { name: 'shop', image: pinned(builds.v2) },
        ],
      },
    },
  },
  status: {
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: [
      {
        type: 'Available',
        status: 'False',
        message: 'Deployment does not have minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        message: 'ReplicaSet "shop-6c7b8d9e5f" is progressing.',
      },
    ],
  },
};

function objects(parts: Partial<RungObjects>): RungObjects {
  return merge(emptyObjects(), parts);
}

describe('observeWorkloads', () => {
  it('reads a Deployment, its ReplicaSets and pods through owner references', () => {
    const rung = workload({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'shop',
      replicas: 3,
      sidecar: true,
      startedAt: '2024-05-06T10:15:00Z',
      revisions: [
        { revision: 1, hash: 'aaaaaaaaa1', image: pinned(builds.v1) },
        {
          revision: 2,
          hash: 'bbbbbbbbb2',
          image: pinned(builds.v2),
          podDigests: [builds.v2, builds.v2, builds.v2],
          unreadyPods: 1,
        },
      ],
    });
    expect(observeWorkloads(rung, { cluster: 'dev-eu-1' })).toEqual([
      {
        kind: 'Deployment',
        cluster: 'dev-eu-1',
        namespace: 'shop',
        name: 'shop',
        specImages: [pinned(builds.v2)],
        replicas: {
          desired: 3,
          current: 3,
          updated: 3,
          ready: 2,
          available: 2,
        },
        running: [
          {
            image: pinned(builds.v2),
            pinnedByDigest: true,
            digest: builds.v2,
            pods: 3,
            readyPods: 2,
            since: '2024-05-06T10:15:00Z',
          },
        ],
        revision: 2,
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
        deployment: {
          progressing: true,
          available: true,
          maxSurge: '25%',
          message: 'ReplicaSet "shop-bbbbbbbbb2" has successfully progressed.',
        },
      },
    ]);
  });

  it('reads a Rollout the same way, without Deployment conditions', () => {
    const rung = workload({
      kind: 'Rollout',
      namespace: 'shop',
      name: 'shop',
      replicas: 2,
      runtime: 'containerd',
      revisions: [
        {
          revision: 5,
          hash: 'ccccccccc3',
          image: pinned(builds.v3),
          podDigests: [builds.v3, builds.v3],
        },
      ],
    });
    const [status] = observeWorkloads(rung, { cluster: 'prod' });
    expect(status.kind).toBe('Rollout');
    expect(status.revision).toBe(5);
    expect(status.deployment).toBeUndefined();
    expect(status.running).toEqual([
      expect.objectContaining({ digest: builds.v3, pods: 2, readyPods: 2 }),
    ]);
  });

  it('takes the pod template of a Rollout with workloadRef from its Deployment', () => {
    const rollout = {
      metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        replicas: 2,
        workloadRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'shop-template',
        },
      },
    };
    const template = {
      ...deployment,
      metadata: { ...deployment.metadata, name: 'shop-template' },
    };
    const result = observeWorkloads(
      objects({ rollouts: [rollout], deployments: [template] }),
      {
        cluster: 'c',
      },
    );
    expect(result.find(w => w.kind === 'Rollout')?.specImages).toEqual([
      pinned(builds.v2),
    ]);
  });

  it('groups pods by image and digest, with the earliest start per group', () => {
    const result = observeWorkloads(
      objects({
        deployments: [deployment],
        pods: [
          pod({
            name: 'a',
            containers: [
              {
                name: 'shop',
                image: `${REPOSITORY}:1.4`,
                imageID: `docker-pullable://${REPOSITORY}@${builds.v2}`,
              },
            ],
            startTime: '2024-05-08T10:00:00Z',
          }),
          pod({
            name: 'b',
            containers: [
              {
                name: 'shop',
                image: `${REPOSITORY}:1.4`,
                imageID: `${REPOSITORY}@${builds.v2}`,
              },
            ],
            startTime: '2024-05-07T10:00:00Z',
            ready: false,
          }),
          pod({
            name: 'c',
            containers: [
              {
                name: 'shop',
                image: `${REPOSITORY}:1.4`,
                imageID: `docker-pullable://${REPOSITORY}@${builds.v3}`,
              },
            ],
          }),
          pod({
            name: 'pulling',
            containers: [{ name: 'shop', image: `${REPOSITORY}:1.4` }],
          }),
        ],
      }),
      { cluster: 'c' },
    );
    expect(result[0].running).toEqual([
      {
        image: `${REPOSITORY}:1.4`,
        pinnedByDigest: false,
        digest: builds.v2,
        pods: 2,
        readyPods: 1,
        since: '2024-05-07T10:00:00Z',
      },
      {
        image: `${REPOSITORY}:1.4`,
        pinnedByDigest: false,
        digest: builds.v3,
        pods: 1,
        readyPods: 1,
        since: '2024-05-08T10:00:00Z',
      },
      {
        image: `${REPOSITORY}:1.4`,
        pinnedByDigest: false,
        digest: null,
        pods: 1,
        readyPods: 1,
        since: '2024-05-08T10:00:00Z',
      },
    ]);
  });

  it('falls back to the selector when the ReplicaSet is missing or the pod has no owner, never for pods of other controllers', () => {
    const image = {
      name: 'shop',
      image: pinned(builds.v2),
      imageID: `${REPOSITORY}@${builds.v2}`,
    };
    const result = observeWorkloads(
      objects({
        deployments: [deployment],
        pods: [
          pod({
            name: 'rs-not-listed',
            owner: { kind: 'ReplicaSet', name: 'shop-123' },
            containers: [image],
          }),
          pod({ name: 'no-owner', containers: [image] }),
          pod({
            name: 'statefulset',
            owner: { kind: 'StatefulSet', name: 'db' },
            containers: [image],
          }),
          pod({
            name: 'other-labels',
            labels: { app: 'cart' },
            containers: [image],
          }),
        ],
      }),
      { cluster: 'c' },
    );
    expect(result[0].running).toEqual([expect.objectContaining({ pods: 2 })]);
  });

  it('never matches pods through an empty selector', () => {
    const result = observeWorkloads(
      objects({
        deployments: [
          { ...deployment, spec: { ...deployment.spec, selector: {} } },
        ],
        pods: [pod({ name: 'p', containers: [{ name: 'shop', image: 'x' }] })],
      }),
      { cluster: 'c' },
    );
    expect(result[0].running).toEqual([]);
  });

  it('matches selector expressions', () => {
    const selector = {
      matchExpressions: [
        { key: 'app', operator: 'In', values: ['shop', 'shop-v2'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'tier', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    const container = [{ name: 'shop', image: 'x' }];
    const result = observeWorkloads(
      objects({
        deployments: [
          { ...deployment, spec: { ...deployment.spec, selector } },
        ],
        pods: [
          pod({
            name: 'yes',
            labels: { app: 'shop', tier: 'web' },
            containers: container,
          }),
          pod({
            name: 'canary',
            labels: { app: 'shop', tier: 'web', track: 'canary' },
            containers: container,
          }),
          pod({
            name: 'no-tier',
            labels: { app: 'shop' },
            containers: container,
          }),
          pod({
            name: 'legacy',
            labels: { app: 'shop', tier: 'web', legacy: 'y' },
            containers: container,
          }),
        ],
      }),
      { cluster: 'c' },
    );
    expect(result[0].running[0].pods).toBe(1);
  });

  it('leaves out pods that ended or are being deleted', () => {
    const container = [{ name: 'shop', image: 'x' }];
    const result = observeWorkloads(
      objects({
        deployments: [deployment],
        pods: [
          pod({ name: 'done', phase: 'Succeeded', containers: container }),
          pod({ name: 'failed', phase: 'Failed', containers: container }),
          pod({ name: 'deleting', deleting: true, containers: container }),
        ],
      }),
      { cluster: 'c' },
    );
    expect(result[0].running).toEqual([]);
  });

  describe('service container', () => {
    const run = (
      containers: Array<{ name: string; image: string }>,
      containerName?: string,
    ) =>
      observeWorkloads(
        objects({
          deployments: [
            {
              ...deployment,
              spec: { ...deployment.spec, template: { spec: { containers } } },
            },
          ],
          pods: [pod({ name: 'p', containers })],
        }),
        { cluster: 'c', containerName },
      )[0];

    it('takes the configured container', () => {
      const result = run(
        [
          { name: 'shop', image: 'shop:1' },
          { name: 'app', image: 'app:1' },
        ],
        'app',
      );
      expect(result.specImages).toEqual(['app:1']);
      expect(result.running[0].image).toBe('app:1');
    });

    it('takes none when the configured container is absent', () => {
      const result = run([{ name: 'shop', image: 'shop:1' }], 'app');
      expect(result.specImages).toEqual([]);
      expect(result.running).toEqual([]);
    });

    it('takes the container named like the workload', () => {
      const result = run([
        { name: 'migrate', image: 'migrate:1' },
        { name: 'shop', image: 'shop:1' },
      ]);
      expect(result.specImages).toEqual(['shop:1']);
    });

    it('takes the first container that is not a sidecar', () => {
      const result = run([
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.1' },
        { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:stable-2.14' },
        { name: 'mesh', image: 'docker.io/istio/proxyv2:1.22.1' },
        { name: 'server', image: 'server:1' },
      ]);
      expect(result.specImages).toEqual(['server:1']);
    });

    it('takes none from a pod made of sidecars', () => {
      const result = run([
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.1' },
        { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:stable-2.14' },
      ]);
      expect(result.specImages).toEqual([]);
      expect(result.running).toEqual([]);
    });
  });

  it('reads Deployment conditions and surge in Kubernetes words', () => {
    const [status] = observeWorkloads(objects({ deployments: [deployment] }), {
      cluster: 'c',
    });
    expect(status.deployment).toEqual({
      progressing: true,
      available: false,
      maxSurge: '1',
      message: 'Deployment does not have minimum availability.',
    });

    const stuck = {
      ...deployment,
      spec: { ...deployment.spec, strategy: { type: 'Recreate' } },
      status: {
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "shop-1" has timed out progressing.',
          },
          {
            type: 'ReplicaFailure',
            status: 'True',
            message: 'pods "shop-1-x" is forbidden: exceeded quota',
          },
        ],
      },
    };
    expect(
      observeWorkloads(objects({ deployments: [stuck] }), { cluster: 'c' })[0]
        .deployment,
    ).toEqual({
      progressing: false,
      available: null,
      maxSurge: null,
      message: 'pods "shop-1-x" is forbidden: exceeded quota',
    });
  });

  it('records when a rolled-back ReplicaSet first rolled out', () => {
    const rung = workload({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'shop',
      replicas: 1,
      revisions: [
        { revision: 2, hash: 'bbbbbbbbb2', image: pinned(builds.v2) },
        {
          revision: 3,
          hash: 'aaaaaaaaa1',
          image: pinned(builds.v1),
          revisionHistory: [1],
          podDigests: [builds.v1],
        },
      ],
    });
    expect(observeWorkloads(rung, { cluster: 'c' })[0].history).toEqual([
      {
        revision: 2,
        firstRevision: 2,
        image: pinned(builds.v2),
        digests: [builds.v2],
      },
      {
        revision: 3,
        firstRevision: 1,
        image: pinned(builds.v1),
        digests: [builds.v1],
      },
    ]);
  });

  it('keeps workloads of the same name apart by namespace and kind, and drops duplicates', () => {
    const other = {
      ...deployment,
      metadata: { ...deployment.metadata, namespace: 'other', uid: 'd-2' },
    };
    const rollout = {
      ...deployment,
      metadata: { ...deployment.metadata, uid: 'r-1' },
    };
    const result = observeWorkloads(
      objects({
        deployments: [deployment, other, deployment],
        rollouts: [rollout],
      }),
      { cluster: 'c' },
    );
    expect(result.map(w => `${w.kind} ${w.namespace}/${w.name}`)).toEqual([
      'Deployment shop/shop',
      'Deployment other/shop',
      'Rollout shop/shop',
    ]);
  });

  it('stays fast with 10,000 pods', () => {
    const many = workload({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'shop',
      replicas: 10_000,
      sidecar: true,
      revisions: [
        {
          revision: 1,
          hash: 'aaaaaaaaa1',
          image: `${REPOSITORY}:1`,
          podDigests: Array.from({ length: 10_000 }, (_, i) =>
            i % 2 ? builds.v1 : digestOf('f0'),
          ),
        },
      ],
    });
    // Half of them reach the workload only through its selector.
    for (const [index, p] of many.pods.entries()) {
      if (index % 2)
        delete (p as { metadata: { ownerReferences?: unknown } }).metadata
          .ownerReferences;
    }
    const start = Date.now();
    const [status] = observeWorkloads(many, { cluster: 'c' });
    expect(Date.now() - start).toBeLessThan(1000);
    expect(status.running.reduce((n, r) => n + r.pods, 0)).toBe(10_000);
  });
});
