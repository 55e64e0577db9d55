import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Environment Ladder: the promotion ladder that every service climbs. */
  environmentLadder?: {
    /**
     * Name of the container that is "the service" when a pod runs several.
     * Without it: the container named like its workload, else the first one
     * that is not a known sidecar (istio-proxy, linkerd-proxy, ...).
     * @visibility frontend
     */
    serviceContainer?: string;
    /**
     * How long one cluster may take to answer before its rung reports a
     * timeout while the other rungs answer. Default 5 seconds.
     */
    clusterTimeout?: HumanDuration | string;
    /** The rungs in order, lowest first (e.g. local, dev, preview, staging, prod). */
    rungs: Array<{
      /**
       * Short name, lowercase letters, digits and dashes (e.g. `staging`).
       * @visibility frontend
       */
      name: string;
      /**
       * Title shown in the tab (defaults to the name).
       * @visibility frontend
       */
      title?: string;
      /**
       * Kubernetes clusters that make up this rung, by the names the
       * Kubernetes plugin's `kubernetes.clusterLocatorMethods` give them.
       * A rung without clusters (e.g. `local`) is shown but not observed.
       */
      clusters?: string[];
      /** Namespaces to read in those clusters; all namespaces when absent. */
      namespaces?: string[];
      /** How a promotion into this rung is gated. */
      gate?: {
        /** `auto-merge`, `review`, or `review-and-approval`. */
        type?: 'auto-merge' | 'review' | 'review-and-approval';
        /** Whether a canary with a successful analysis is required after merge. */
        canaryAnalysis?: boolean;
      };
      /** The values the company declares for this rung, shown next to what runs. */
      declared?: {
        /** Free text, e.g. `1–2 replicas` or `HPA-managed`. */
        scale?: string;
        /** Replica bounds that what runs must stay within. */
        replicas?: { min?: number; max?: number };
        dependencyTier?: string;
        /** Hosts the rung serves on, compared with its Ingress hosts. */
        endpoints?: string[];
        featureFlags?: string;
        secretsSource?: string;
        rolloutAggressiveness?: string;
      };
    }>;
  };
}
