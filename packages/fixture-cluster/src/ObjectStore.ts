import crypto from 'node:crypto';
import { asKubeObject, SourcedObject } from './loadFixtures';
import {
  findResourceTypeForObject,
  groupVersionOf,
  RESOURCE_TYPES,
  ResourceType,
} from './resources';
import { KubeObject } from './types';

/** Namespaces every real cluster has. */
const SYSTEM_NAMESPACES = [
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system',
];

const typeKey = (t: { group: string; version: string; plural: string }) =>
  `${groupVersionOf(t)}/${t.plural}`;

function deterministicUid(seed: string): string {
  const hex = crypto.createHash('sha1').update(seed).digest('hex');
  // Shaped like the v4 UUIDs the API server hands out.
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

/**
 * The objects of one cluster, validated and indexed by resource type. Loaded
 * once; never changes afterwards (the cluster is read-only).
 */
export class ObjectStore {
  private readonly byType = new Map<string, KubeObject[]>();
  /** The newest resourceVersion handed out; lists report it. */
  readonly resourceVersion: string;
  readonly size: number;

  constructor(clusterName: string, sourced: SourcedObject[]) {
    const seen = new Map<string, string>();
    let counter = 1000;
    let maxVersion = 0;
    const namespacesUsed = new Set<string>();

    for (const { object, source } of sourced) {
      const o = structuredClone(asKubeObject(object, source));
      const type = findResourceTypeForObject(o.apiVersion, o.kind);
      if (!type || type.group === 'metrics.k8s.io') {
        const known = RESOURCE_TYPES.filter(t => t.group !== 'metrics.k8s.io')
          .map(t => `${groupVersionOf(t)} ${t.kind}`)
          .join(', ');
        throw new Error(
          `${source}: the fixture cluster does not serve kind ${o.kind} of apiVersion ${o.apiVersion}; it serves ${known}`,
        );
      }
      if (type.namespaced) {
        o.metadata.namespace ??= 'default';
        namespacesUsed.add(o.metadata.namespace);
      } else {
        delete o.metadata.namespace;
      }
      const id = `${typeKey(type)} ${o.metadata.namespace ?? ''}/${
        o.metadata.name
      }`;
      const earlier = seen.get(id);
      if (earlier) {
        throw new Error(
          `${source}: duplicate ${o.kind} ${
            o.metadata.namespace ? `${o.metadata.namespace}/` : ''
          }${o.metadata.name}, already defined in ${earlier}`,
        );
      }
      seen.set(id, source);

      o.metadata.uid ??= deterministicUid(`${clusterName} ${id}`);
      if (o.metadata.resourceVersion === undefined) {
        counter += 1;
        o.metadata.resourceVersion = String(counter);
      } else {
        o.metadata.resourceVersion = String(o.metadata.resourceVersion);
      }
      const numeric = Number(o.metadata.resourceVersion);
      if (Number.isFinite(numeric)) {
        maxVersion = Math.max(maxVersion, numeric);
      }
      if (type.kind === 'Namespace') {
        // The API server labels every namespace with its own name.
        o.metadata.labels = {
          'kubernetes.io/metadata.name': o.metadata.name,
          ...o.metadata.labels,
        };
        o.spec ??= { finalizers: ['kubernetes'] };
        o.status ??= { phase: 'Active' };
      }
      this.add(type, o);
    }

    // A namespaced object implies its namespace exists; so do the system ones.
    const declared = new Set(
      (this.byType.get('v1/namespaces') ?? []).map(n => n.metadata.name),
    );
    const namespaceType = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;
    for (const name of [...SYSTEM_NAMESPACES, ...[...namespacesUsed].sort()]) {
      if (declared.has(name)) {
        continue;
      }
      declared.add(name);
      counter += 1;
      this.add(namespaceType, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          uid: deterministicUid(`${clusterName} v1/namespaces /${name}`),
          resourceVersion: String(counter),
          creationTimestamp: '2024-01-08T09:00:00Z',
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }

    this.resourceVersion = String(Math.max(maxVersion, counter));
    this.size = [...this.byType.values()].reduce((n, l) => n + l.length, 0);

    for (const list of this.byType.values()) {
      list.sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(
            b.metadata.namespace ?? '',
          ) || a.metadata.name.localeCompare(b.metadata.name),
      );
    }
  }

  private add(type: ResourceType, object: KubeObject) {
    const key = typeKey(type);
    const list = this.byType.get(key) ?? [];
    list.push(object);
    this.byType.set(key, list);
  }

  /** Objects of a type, in one namespace or all of them, sorted by namespace and name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    if (type.group === 'metrics.k8s.io') {
      return this.metrics(type, namespace);
    }
    const all = this.byType.get(typeKey(type)) ?? [];
    return namespace === undefined
      ? all
      : all.filter(o => o.metadata.namespace === namespace);
  }

  /** One object by name, or undefined. */
  get(type: ResourceType, namespace: string | undefined, name: string) {
    return this.list(type, namespace).find(o => o.metadata.name === name);
  }

  /**
   * The metrics API, computed from running pods: a small, steady usage per
   * container, so that clients that ask for pod metrics get real-shaped data.
   */
  private metrics(type: ResourceType, namespace?: string): KubeObject[] {
    if (type.plural !== 'pods') {
      return [];
    }
    const podType = RESOURCE_TYPES.find(t => t.plural === 'pods' && !t.group)!;
    return this.list(podType, namespace)
      .filter(pod => (pod.status as { phase?: string })?.phase === 'Running')
      .map(pod => {
        const containers =
          (pod.spec as { containers?: Array<{ name: string }> })?.containers ??
          [];
        const seed = crypto
          .createHash('sha1')
          .update(`${pod.metadata.namespace}/${pod.metadata.name}`)
          .digest();
        return {
          apiVersion: 'metrics.k8s.io/v1beta1',
          kind: 'PodMetrics',
          metadata: {
            name: pod.metadata.name,
            namespace: pod.metadata.namespace,
            labels: pod.metadata.labels,
            creationTimestamp: '2025-06-02T12:00:00Z',
          },
          timestamp: '2025-06-02T12:00:00Z',
          window: '15s',
          containers: containers.map((c, i) => ({
            name: c.name,
            usage: {
              cpu: `${(seed[i % seed.length] % 40) + 2}m`,
              memory: `${(seed[(i + 7) % seed.length] % 200) * 1024 + 32768}Ki`,
            },
          })),
        };
      });
  }
}
