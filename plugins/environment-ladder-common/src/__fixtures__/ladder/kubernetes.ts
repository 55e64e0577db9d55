/*
 * Builders for the Kubernetes objects of the ladder stories: shaped like what the API
 * server returns (owner references with uids, revision annotations, pod-template-hash
 * labels, container statuses with runtime-prefixed imageIDs, an injected istio-proxy), so
 * that the domain reads them the way it reads a real cluster.
 */
import type { RungObjects } from '../../types';

/** A fake but well-formed sha256 digest made by repeating a two-character seed. */
export function digestOf(seed: string): string {
  return `sha256:${seed.repeat(32)}`;
}

/** The digests of the stories' builds, in release order; `rebuild` was never promoted. */
export const builds = {
  v1: digestOf('a1'),
  v2: digestOf('b2'),
  v3: digestOf('c3'),
  v4: digestOf('d4'),
  rebuild: digestOf('ee'),
};

export const REPOSITORY = 'ghcr.io/acme/shop';

export function pinned(digest: string): string {
  return `${REPOSITORY}@${digest}`;
}

export function emptyObjects(): RungObjects {
  return {
    pods: [],
    replicaSets: [],
    deployments: [],
    rollouts: [],
    analysisRuns: [],
    ingresses: [],
    horizontalPodAutoscalers: [],
  };
}

const ISTIO_PROXY = {
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.22.1',
};

function containers(name: string, image: string, sidecar: boolean) {
  const app = {
    name,
    image,
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
  };
  // Istio injects its proxy; listing it first checks that it is never taken for the service.
  return sidecar ? [ISTIO_PROXY, app] : [app];
}

type Kind = 'Deployment' | 'Rollout';

/** One revision of a workload: its ReplicaSet and the pods it runs now. */
export interface Revision {
  revision: number;
  hash: string;
  image: string;
  /** The digest each pod runs (imageID); empty for a scaled-down revision. */
  podDigests?: string[];
  /** Earlier revisions of the same template, after a rollback. */
  revisionHistory?: number[];
  /** Pods not ready yet. */
  unreadyPods?: number;
  createdAt?: string;
  /** When this revision's pods started; defaults to the workload's `startedAt`. */
  startedAt?: string;
}

interface WorkloadOptions {
  kind: Kind;
  namespace: string;
  name: string;
  replicas: number;
  revisions: Revision[];
  sidecar?: boolean;
  /** The pod start time of the current revision's pods. */
  startedAt?: string;
  /** Extra fields of spec.strategy (Rollout canary/blueGreen, Deployment rollingUpdate). */
  strategy?: Record<string, unknown>;
  status?: Record<string, unknown>;
  generation?: number;
  /** imageID runtime prefix: docker-pullable:// (dockershim) or none (containerd). */
  runtime?: 'docker' | 'containerd';
}

/** Builds a Deployment or Rollout with its ReplicaSets and pods; the last revision is current. */
export function workload(options: WorkloadOptions): RungObjects {
  const objects = emptyObjects();
  const uid = `${options.name}-${options.kind.toLowerCase()}-uid`;
  const current = options.revisions[options.revisions.length - 1];
  const labels = { app: options.name };
  const revisionKey =
    options.kind === 'Deployment'
      ? 'deployment.kubernetes.io/revision'
      : 'rollout.argoproj.io/revision';
  const hashLabel =
    options.kind === 'Deployment'
      ? 'pod-template-hash'
      : 'rollouts-pod-template-hash';
  const apiVersion =
    options.kind === 'Deployment' ? 'apps/v1' : 'argoproj.io/v1alpha1';
  const runningPods = options.revisions.reduce(
    (n, r) => n + (r.podDigests?.length ?? 0),
    0,
  );
  const readyPods = options.revisions.reduce(
    (n, r) =>
      n + Math.max(0, (r.podDigests?.length ?? 0) - (r.unreadyPods ?? 0)),
    0,
  );
  const generation = options.generation ?? current.revision;

  const workloadObject = {
    apiVersion,
    kind: options.kind,
    metadata: {
      name: options.name,
      namespace: options.namespace,
      uid,
      generation,
      labels: { ...labels, 'app.kubernetes.io/name': options.name },
      annotations: { [revisionKey]: String(current.revision) },
      creationTimestamp: '2024-03-01T09:00:00Z',
    },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: labels },
      strategy:
        options.strategy ??
        (options.kind === 'Deployment'
          ? {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
            }
          : { canary: {} }),
      template: {
        metadata: { labels },
        spec: {
          containers: containers(
            options.name,
            current.image,
            !!options.sidecar,
          ),
        },
      },
    },
    status: {
      // Argo Rollouts records observedGeneration as a string.
      observedGeneration:
        options.kind === 'Rollout' ? String(generation) : generation,
      replicas: runningPods,
      updatedReplicas: current.podDigests?.length ?? 0,
      readyReplicas: readyPods,
      availableReplicas: readyPods,
      ...(options.kind === 'Deployment'
        ? {
            conditions: [
              {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${options.name}-${current.hash}" has successfully progressed.`,
              },
            ],
          }
        : {}),
      ...options.status,
    },
  };
  if (options.kind === 'Deployment') {
    objects.deployments.push(workloadObject);
  } else {
    objects.rollouts.push(workloadObject);
  }

  for (const revision of options.revisions) {
    const rsName = `${options.name}-${revision.hash}`;
    const rsUid = `${rsName}-uid`;
    const pods = revision.podDigests ?? [];
    const ready = pods.length - (revision.unreadyPods ?? 0);
    objects.replicaSets.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: options.namespace,
        uid: rsUid,
        labels: { ...labels, [hashLabel]: revision.hash },
        annotations: {
          [revisionKey]: String(revision.revision),
          ...(revision.revisionHistory
            ? {
                [revisionKey.replace('/revision', '/revision-history')]:
                  revision.revisionHistory.join(','),
              }
            : {}),
        },
        ownerReferences: [
          {
            apiVersion,
            kind: options.kind,
            name: options.name,
            uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: revision.createdAt ?? '2024-03-01T09:00:00Z',
      },
      spec: {
        replicas: pods.length,
        selector: { matchLabels: { ...labels, [hashLabel]: revision.hash } },
        template: {
          metadata: { labels: { ...labels, [hashLabel]: revision.hash } },
          spec: {
            containers: containers(
              options.name,
              revision.image,
              !!options.sidecar,
            ),
          },
        },
      },
      status: {
        replicas: pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: 1,
      },
    });
    pods.forEach((digest, index) => {
      const podName = `${rsName}-${String.fromCharCode(
        97 + (index % 26),
      )}${index}x7q`;
      const isReady = index < ready;
      const startTime =
        revision.startedAt ?? options.startedAt ?? '2024-03-01T09:00:00Z';
      const imageID =
        options.runtime === 'containerd'
          ? `${REPOSITORY}@${digest}`
          : `docker-pullable://${REPOSITORY}@${digest}`;
      const statuses = [
        {
          name: options.name,
          image: revision.image,
          imageID,
          ready: isReady,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: startTime } },
        },
      ];
      if (options.sidecar) {
        statuses.unshift({
          name: ISTIO_PROXY.name,
          image: ISTIO_PROXY.image,
          imageID: `docker-pullable://docker.io/istio/proxyv2@${digestOf(
            '99',
          )}`,
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: startTime } },
        });
      }
      objects.pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: options.namespace,
          uid: `${podName}-uid`,
          labels: { ...labels, [hashLabel]: revision.hash },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rsName,
              uid: rsUid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          containers: containers(
            options.name,
            revision.image,
            !!options.sidecar,
          ),
          nodeName: `node-${index % 3}`,
        },
        status: {
          phase: 'Running',
          startTime,
          conditions: [
            { type: 'Initialized', status: 'True' },
            { type: 'Ready', status: isReady ? 'True' : 'False' },
            { type: 'ContainersReady', status: isReady ? 'True' : 'False' },
            { type: 'PodScheduled', status: 'True' },
          ],
          containerStatuses: statuses,
        },
      });
    });
  }
  return objects;
}

/** An Ingress serving the given hosts for the workload's Service. */
export function ingress(
  namespace: string,
  name: string,
  hosts: string[],
): unknown {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts, secretName: `${name}-tls` }],
      rules: hosts.map(host => ({
        host,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name, port: { number: 80 } } },
            },
          ],
        },
      })),
    },
  };
}

/** A HorizontalPodAutoscaler for a workload. */
export function autoscaler(
  namespace: string,
  target: { kind: Kind; name: string },
  min: number,
  max: number,
): unknown {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target.name, namespace },
    spec: {
      scaleTargetRef: {
        apiVersion:
          target.kind === 'Deployment' ? 'apps/v1' : 'argoproj.io/v1alpha1',
        kind: target.kind,
        name: target.name,
      },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    },
    status: { currentReplicas: min, desiredReplicas: min },
  };
}

/** Concatenates the objects of several builders into one rung's objects. */
export function merge(...parts: Array<Partial<RungObjects>>): RungObjects {
  const merged = emptyObjects();
  for (const part of parts) {
    for (const key of Object.keys(merged) as Array<keyof RungObjects>) {
      merged[key]!.push(...(part[key] ?? []));
    }
  }
  return merged;
}
