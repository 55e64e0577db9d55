import type {
  GitOpsSyncOptions,
  GitOpsSyncRecord,
} from './gitOpsSync/GitOpsSync';

/** A fault that a fixture cluster can be switched into. */
export type FaultMode =
  | 'none'
  | 'timeout'
  | '500'
  | '401'
  | '403'
  | 'malformed';

/** All fault modes, in the order the README lists them. */
export const FAULT_MODES: readonly FaultMode[] = [
  'none',
  'timeout',
  '500',
  '401',
  '403',
  'malformed',
];

/** A Kubernetes object as loaded from a fixture file. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** One cluster to serve. */
export interface FixtureClusterOptions {
  /** The cluster's name, used by the admin API and in log lines. */
  name: string;
  /** Port on 127.0.0.1; 0 picks a free ephemeral port. */
  port: number;
  /** Folder of YAML files to load (recursively); relative paths resolve against `baseDir`. */
  dir?: string;
  /** Objects to serve in addition to (or instead of) those in `dir`. */
  objects?: unknown[];
  /** Delay added before every answer, except on the admin endpoints. */
  latencyMs?: number;
  /** Fault the cluster starts in; `none` by default. */
  fault?: FaultMode;
  /**
   * When set, requests must carry `Authorization: Bearer <token>` or get a
   * 401, as from a real API server. Unset: any or no token is accepted.
   */
  token?: string;
}

/** Options of {@link startFixtureClusters}. */
export interface StartFixtureClustersOptions {
  clusters: FixtureClusterOptions[];
  /** Folder that relative `dir`s resolve against; the working directory by default. */
  baseDir?: string;
  /** Added to every non-zero port, so that tests can run beside a running demo. */
  portOffset?: number;
  /** Host to bind; 127.0.0.1 by default. */
  host?: string;
  /**
   * How long the `timeout` fault holds a request before closing its
   * connection; capped at 120 000 ms, which is also the default.
   */
  timeoutFaultMaxMs?: number;
  /** How often watches that ask for bookmarks get one; 5000 ms by default. */
  bookmarkIntervalMs?: number;
  /**
   * Moves every timestamp of every cluster's objects by one offset so that the newest
   * lands on this instant (ages then read like a live system's); unset keeps them as written.
   */
  newestTimestamp?: Date;
  /**
   * Makes the clusters follow a GitOps repository on the GitHub stand-in, as Argo CD
   * would sync it (see the README's "GitOps sync"); off when absent.
   */
  gitops?: GitOpsSyncOptions;
}

/** Requests counted on one cluster since start or the last reset. */
export interface FixtureClusterStats {
  /** All requests except those to the admin endpoints (watches included). */
  total: number;
  /** Of those, the watch requests (each one long-lived stream). */
  watches: number;
  /** The same requests by URL path (query string left out). */
  byPath: Record<string, number>;
  /** When counting started (ISO 8601). */
  since: string;
}

/** A running set of fixture clusters. */
export interface FixtureClusters {
  /** Each cluster's name, base URL, bound port and number of objects served. */
  clusters: Array<{ name: string; url: string; port: number; objects: number }>;
  setFault(name: string, fault: FaultMode): void;
  setLatency(name: string, latencyMs: number): void;
  stats(name: string): FixtureClusterStats;
  /** Creates or replaces an object in a cluster; its watches see the change. */
  apply(name: string, object: unknown): { resourceVersion: string };
  /** Sets the image of a workload's first (or named) container: a live rollout. */
  setImage(
    name: string,
    target: {
      kind: string;
      apiVersion?: string;
      namespace?: string;
      name: string;
      container?: string;
      image: string;
    },
  ): { resourceVersion: string };
  /** Forgets a cluster's change history: watches resuming from before now get 410 Gone. */
  compact(name: string): void;
  /** Cuts a cluster's open watch streams; returns how many. */
  dropWatches(name: string): number;
  /** The GitOps sync, when `gitops` was given. */
  gitops?: {
    /** Reads the branch now (as the next poll would) and acts on changed pins. */
    poll(): Promise<void>;
    /** Resolves when no sync is under way. */
    whenIdle(): Promise<void>;
    /** The syncs started so far, oldest first. */
    syncs(): GitOpsSyncRecord[];
    /** The pins seen, by `<cluster> <overlay path> <image name>`. */
    seenPins(): Record<string, string>;
  };
  /** Resets one cluster's counters, or every cluster's when no name is given. */
  resetStats(name?: string): void;
  close(): Promise<void>;
}
