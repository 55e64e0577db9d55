import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';

/**
 * What to read from one cluster for one entity.
 *
 * @public
 */
export interface ClusterReadRequest {
  /** The cluster's name in the Kubernetes plugin's configuration. */
  cluster: string;
  /** Namespaces to read; empty means all namespaces. */
  namespaces: string[];
  /** The entity's label selector, e.g. `backstage.io/kubernetes-id=checkout`. */
  labelSelector: string;
  /**
   * Also list what a preview rung needs: namespaces and Argo CD Applications and
   * ApplicationSets (those that carry the label selector).
   */
  previews?: boolean;
  /**
   * Read the cluster now, never a copy: what the promotion rules decide on.
   * Without it a reader may answer from the live model.
   */
  fresh?: boolean;
  /** Aborts the reads, e.g. when the cluster's timeout has passed. */
  signal?: AbortSignal;
}

/**
 * Reads the objects the ladder needs from a cluster the Kubernetes plugin knows.
 *
 * @public
 */
export interface ClusterReader {
  readObjects(request: ClusterReadRequest): Promise<RungObjects>;
}
