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

/** A uid made from `seed`, the same every run; shaped like the v4 UUIDs the API server hands out. */
export function deterministicUid(seed: string): string {
  const hex = crypto.createHash('sha1').update(seed).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

/** One change to the store, as a watch reports it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The resourceVersion the change was given. */
  resourceVersion: number;
  resourceType: ResourceType;
  object: KubeObject;
  /** The object before the change (MODIFIED only): a watch needs it to tell "left the selection". */
  previous?: KubeObject;
}

/** How many changes the store remembers for watches that resume; older resumes get 410 Gone. */
const HISTORY_LIMIT = 10_000;

/**
 * The objects of one cluster, validated and indexed by resource type. Loaded
 * at start-up; afterwards only the admin API changes them (see
 * {@link ObjectStore.apply}), each change with a new resourceVersion that
 * watches receive, like etcd's revisions.
 */
export class ObjectStore {
  private readonly byType = new Map<string, KubeObject[]>();
  private revision: number;
  /** Changes after `compactedRevision`, oldest first, for watches that resume. */
  private history: StoreEvent[] = [];
  /** A watch may resume from this revision or later; older ones are gone (410). */
  private compactedRevision: number;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

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

    this.revision = Math.max(maxVersion, counter);
    this.compactedRevision = this.revision;

    for (const list of this.byType.values()) {
      list.sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(
            b.metadata.namespace ?? '',
          ) || a.metadata.name.localeCompare(b.metadata.name),
      );
    }
  }

  /** The newest resourceVersion handed out; lists report it. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** How many objects the store holds. */
  get size(): number {
    return [...this.byType.values()].reduce((n, l) => n + l.length, 0);
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumableVersion(): number {
    return this.compactedRevision;
  }

  /** Changes after a resourceVersion, oldest first; undefined when they are no longer known (410). */
  changesSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.compactedRevision) {
      return undefined;
    }
    return this.history.filter(e => e.resourceVersion > resourceVersion);
  }

  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets every change so far: a watch that resumes from before now gets 410 Gone. */
  compact() {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  /**
   * Creates or replaces an object (matched by kind, namespace and name) and
   * gives it a new resourceVersion, as an API server's update would.
   */
  apply(object: unknown, source = 'admin API'): StoreEvent {
    const o = structuredClone(asKubeObject(object, source));
    const type = findResourceTypeForObject(o.apiVersion, o.kind);
    if (!type || type.group === 'metrics.k8s.io') {
      throw new Error(
        `${source}: the fixture cluster does not serve kind ${o.kind} of apiVersion ${o.apiVersion}`,
      );
    }
    if (type.namespaced) {
      o.metadata.namespace ??= 'default';
    } else {
      delete o.metadata.namespace;
    }
    const list = this.byType.get(typeKey(type)) ?? [];
    const index = list.findIndex(
      x =>
        x.metadata.name === o.metadata.name &&
        x.metadata.namespace === o.metadata.namespace,
    );
    const previous = index >= 0 ? list[index] : undefined;
    this.revision += 1;
    o.metadata.uid = previous?.metadata.uid ?? o.metadata.uid;
    o.metadata.uid ??= deterministicUid(
      `${typeKey(type)} ${o.metadata.namespace ?? ''}/${o.metadata.name}`,
    );
    o.metadata.resourceVersion = String(this.revision);
    if (previous) {
      list[index] = o;
    } else {
      this.add(type, o);
      this.sortType(type);
    }
    return this.record({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceVersion: this.revision,
      resourceType: type,
      object: o,
      previous,
    });
  }

  /** Deletes an object; returns the event, or undefined when there was no such object. */
  remove(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }): StoreEvent | undefined {
    const type = findResourceTypeForObject(ref.apiVersion, ref.kind);
    if (!type) {
      return undefined;
    }
    const namespace = type.namespaced ? ref.namespace ?? 'default' : undefined;
    const list = this.byType.get(typeKey(type)) ?? [];
    const index = list.findIndex(
      x => x.metadata.name === ref.name && x.metadata.namespace === namespace,
    );
    if (index < 0) {
      return undefined;
    }
    const [removed] = list.splice(index, 1);
    this.revision += 1;
    return this.record({
      type: 'DELETED',
      resourceVersion: this.revision,
      resourceType: type,
      object: {
        ...removed,
        metadata: {
          ...removed.metadata,
          resourceVersion: String(this.revision),
        },
      },
    });
  }

  private record(event: StoreEvent): StoreEvent {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(
        0,
        this.history.length - HISTORY_LIMIT,
      );
      this.compactedRevision = dropped[dropped.length - 1].resourceVersion;
    }
    for (const listener of this.listeners) {
      listener(event);
    }
    return event;
  }

  private sortType(type: ResourceType) {
    this.byType
      .get(typeKey(type))
      ?.sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(
            b.metadata.namespace ?? '',
          ) || a.metadata.name.localeCompare(b.metadata.name),
      );
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

  /** One object by apiVersion, kind, namespace and name, or undefined. */
  find(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const type = findResourceTypeForObject(apiVersion, kind);
    return type
      ? this.get(type, type.namespaced ? namespace : undefined, name)
      : undefined;
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
