import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';

/** How one cluster of the model is doing. */
export interface ClusterModelStatus {
  cluster: string;
  /** `live`: every kind is listed and watched; `syncing`: a list or reconnect is under way; `error`: a read fails. */
  state: 'live' | 'syncing' | 'error';
  error?: string;
  objects: number;
  lists: number;
  watches: number;
  relistsAfterGone: number;
}

/** What a read of the model selects: like a list with a label selector. */
export interface ClusterModelQuery {
  cluster: string;
  /** Empty: every namespace the model holds. */
  namespaces: string[];
  labelSelector: string;
  previews?: boolean;
  /** Bounds the wait for a cluster that is still listing or reconnecting. */
  signal?: AbortSignal;
}

/**
 * A live copy of what the ladder reads from each rung cluster, shared by all
 * services: each kind is listed once and then watched.
 */
export interface ClusterModel {
  /** Starts listing and watching every cluster (all kinds at once). */
  start(): void;
  stop(): Promise<void>;
  /**
   * The objects a query selects. Waits (bounded by `signal`) while the
   * cluster lists or reconnects; throws when the cluster fails, with a message
   * that starts with `cluster '<name>'`.
   */
  read(query: ClusterModelQuery): Promise<RungObjects>;
  /** Whether the model holds this cluster. */
  has(cluster: string): boolean;
  /**
   * Tells `listener` which index-label values (e.g. kubernetes-ids) changed,
   * batched; `undefined` means "anything may have changed" (a re-list).
   */
  onChange(listener: (change: ModelChange) => void): () => void;
  /** Increases with every change; a derivation made at one version is current while it holds. */
  readonly version: number;
  status(): ClusterModelStatus[];
}

/** A batch of changes the model saw. */
export interface ModelChange {
  clusters: Set<string>;
  /** The index-label values of the objects that changed, before and after the change. */
  ids: Set<string>;
  /**
   * A cluster failed or came back: every ladder with a rung on it may change
   * (its rung's error), whatever objects it selects.
   */
  state?: boolean;
}
