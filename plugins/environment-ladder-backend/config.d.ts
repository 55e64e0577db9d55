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
    /** The server-side cache that all viewers of a service share. */
    cache?: {
      /**
       * How long a ladder is served from the cache before the clusters are
       * read again (the promotion rules always read anew). Default 10 seconds.
       */
      freshness?: HumanDuration | string;
    };
    /**
     * The live model of the rung clusters (list once, then watch, through the
     * Kubernetes plugin's proxy). On by default.
     */
    model?: {
      /**
       * Views read the model instead of the clusters. Default true; false: each
       * view lists from the clusters (with the short `cache.freshness` cache).
       */
      enabled?: boolean;
      /** What the model lists and watches. Default `backstage.io/kubernetes-id`. */
      labelSelector?: string;
      /** The label objects are indexed by. Default `backstage.io/kubernetes-id`. */
      indexLabel?: string;
      /** How long each watch is asked to last (`timeoutSeconds`) before it is resumed. Default 60 seconds. */
      watchTimeout?: HumanDuration | string;
      /**
       * A watch stream that says nothing (no event, no bookmark) for this long was
       * dropped silently (by a proxy or load balancer): it is cut and resumed from its
       * resourceVersion (a re-list on 410 Gone). Must be longer than `watchTimeout`.
       * Default 90 seconds.
       */
      watchIdleTimeout?: HumanDuration | string;
    };
    /** Reuse of a caller's catalog visibility and read permission between views. */
    accessReuse?: {
      /** How long; 0 (the default) turns reuse off. */
      window?: HumanDuration | string;
    };
    /** How promotions are followed. */
    promotions?: {
      /**
       * How long a worker's claim on a promotion lasts unless renewed. The worker that
       * advances a promotion (a request, an approval, a reconciler pass, on any replica)
       * holds a claim in the ledger and renews it while it works, so nobody else touches
       * the promotion meanwhile; after a crash, another replica resumes it this long
       * after. Default 30 seconds.
       */
      claimDuration?: HumanDuration | string;
      /** How often the reconciler follows the promotions in flight. Default 30 seconds. */
      reconcileEvery?: HumanDuration | string;
      /**
       * How long one reconciler pass may take; a pass of a replica that died holds the
       * scheduler's lock this long. Default 5 minutes.
       */
      reconcileTimeout?: HumanDuration | string;
      /**
       * Whether the requester and the service's owners get a notification (through the
       * notifications plugin) for each promotion, updated in place as its state moves.
       * Default true.
       */
      notifications?: boolean;
    };
    /** Where services' digests live in Git, and how a promotion changes one. */
    gitops?: {
      /** Repository URL on a host with a GitHub integration, e.g. `https://github.com/acme/gitops`. */
      repository: string;
      /** Branch pull requests target; the repository's default branch when absent. */
      baseBranch?: string;
      /**
       * File of a service's digest in a rung, with `{{name}}`, `{{environment}}`
       * and `{{namespace}}`, e.g. `apps/{{name}}/overlays/{{environment}}/kustomization.yaml`.
       * Must use `{{name}}` and `{{environment}}`, so that each service and each rung has
       * its own file. Entities may override it only as `annotationOverrides` allows.
       */
      pathTemplate: string;
      /** `kustomize` (`images[].digest`) or `yamlPath` (e.g. Helm values). Default kustomize. */
      format?: 'kustomize' | 'yamlPath';
      /** For `yamlPath`: the digest's path, e.g. `image.digest`. */
      yamlPath?: string;
      /** Labels put on promotion pull requests. */
      labels?: string[];
      /** GitHub users asked to review promotion pull requests. */
      reviewers?: string[];
      /**
       * What entity annotations may override. Absent (the default): a promotion of an
       * entity carrying `environment-ladder.io/gitops-repository`, `-path-template` or
       * `-yaml-path` is refused, since whoever owns a catalog-info.yaml writes them.
       */
      annotationOverrides?: {
        /** Repositories `environment-ladder.io/gitops-repository` may name. */
        repositories?: string[];
        /**
         * Globs the path an `environment-ladder.io/gitops-path-template` renders must
         * match, each using `{{name}}` and `{{environment}}` (e.g.
         * `apps/{{name}}/overlays/{{environment}}/*.yaml`): `*` stays in one path segment,
         * `**` spans segments, neither matches a hidden (dot) file or folder.
         */
        paths?: string[];
        /** YAML paths `environment-ladder.io/gitops-yaml-path` may name; may use `{{name}}`. */
        yamlPaths?: string[];
      };
    };
    /**
     * Signature checks of every digest the ladder shows (cosign `.sig` signatures
     * and Sigstore bundles), and which rungs require them. Absent: no checks.
     */
    signatures?: {
      /** Trusted public keys (ECDSA, PEM), named as the ladder shows them. */
      keys?: Array<{
        /** e.g. `ci-2026`: the ladder says "signed by ci-2026". */
        name: string;
        /** PEM text (e.g. with `$file:`) or a path to a PEM file. */
        publicKey: string;
      }>;
      /** Trusted keyless identities: the certificate's OIDC issuer and subject, exactly. */
      identities?: Array<{
        name?: string;
        /** e.g. `https://token.actions.githubusercontent.com`. */
        issuer: string;
        /** e.g. `https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main`. */
        subject: string;
      }>;
      /** Sigstore trusted root JSON (text, e.g. with `$file:`, or a path); needed for keyless. */
      trustedRoot?: string;
      /** Registries by host: where to reach them (a mirror) and how to sign in. */
      registries?: Array<{
        /** e.g. `ghcr.io`, as image references name it. */
        host: string;
        /** Base URL of the registry API; `https://<host>` when absent. */
        url?: string;
        username?: string;
        /** @visibility secret */
        password?: string;
        /** @visibility secret */
        token?: string;
        /**
         * A Docker config JSON (text or path) whose `auths` hold the host's credentials.
         * @visibility secret
         */
        dockerConfig?: string;
      }>;
      /** Per rung name: `required` (promotion refused, error), `warn` (flagged) or `off` (default). */
      rungs?: { [rung: string]: 'required' | 'warn' | 'off' };
      /** How long a valid signature's verdict is kept. Default 24 hours. */
      verifiedFor?: HumanDuration | string;
      /** How long a negative or could-not-check verdict is kept before asking again. Default 1 minute. */
      retryAfter?: HumanDuration | string;
      /** How long one registry request may take. Default 5 seconds. */
      timeout?: HumanDuration | string;
    };
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
      /**
       * Namespaces to read in those clusters; all namespaces when absent. Not allowed
       * on a preview rung, whose namespaces come and go with pull requests.
       */
      namespaces?: string[];
      /**
       * Makes this a preview rung: one environment per open pull request, created by
       * an Argo CD ApplicationSet pull-request generator. Previews are found in the
       * rung's clusters among the namespaces, Argo CD Applications and ApplicationSets
       * that carry the entity's label (like its workloads), and read back with the
       * template and annotations below. A preview rung is never a promotion source or
       * target and is skipped when a rung is compared with the one below. A preview is
       * flagged when its pull request is closed or merged (from GitHub, or because its
       * ApplicationSet no longer lists it), and when it uses the declared `endpoints` or
       * `secretsSource` of the highest rung (production).
       */
      previews?: {
        /**
         * The name the ApplicationSet gives each preview's Application or namespace,
         * built from the generator's parameters (`number`, `branch`, `branch_slug`,
         * `head_sha`, `head_short_sha`, ...) and `{{entity}}` (the entity's
         * `backstage.io/kubernetes-id`, else its name), e.g.
         * `{{entity}}-{{branch_slug}}-{{number}}`. An entity may override it with the
         * annotation `environment-ladder.io/preview-name-template`.
         */
        nameTemplate?: string;
        /** Labels that every preview Application or namespace carries. */
        labels?: { [name: string]: string };
        /**
         * Annotation (or label) keys on the namespace or Application that carry the
         * pull request's parameters. Default: `preview.environment-ladder.io/pr-number`,
         * `preview.environment-ladder.io/branch`, `preview.environment-ladder.io/head-sha`.
         */
        annotations?: {
          prNumber?: string;
          branch?: string;
          headSha?: string;
        };
        /**
         * Link to a preview's pull request; may use `{{owner}}` and `{{repo}}` (from the
         * entity's `github.com/project-slug`), `{{number}}`, `{{entity}}` and the other
         * generator parameters. Default:
         * `https://github.com/{{owner}}/{{repo}}/pull/{{number}}` (on the GitHub
         * Enterprise host when the ApplicationSet's generator names one).
         */
        pullRequestUrlTemplate?: string;
      };
      /** How a promotion into this rung is gated. */
      gate?: {
        /** `auto-merge`, `review`, or `review-and-approval`. */
        type?: 'auto-merge' | 'review' | 'review-and-approval';
        /** Whether a canary with a successful analysis is required after merge. */
        canaryAnalysis?: boolean;
      };
      /**
       * Freeze windows: while one is in force, a promotion into this rung is refused
       * (rule `target-is-not-frozen`, 409) with the window's reason and end, unless the
       * request sets `overrideFreeze` and the permission policy grants
       * `environment-ladder.freeze.override`. A window is recurring (`schedule`,
       * `duration`, `timeZone`, like Argo CD's sync windows) or dated (`from`, `until`).
       * Windows that follow each other without a gap are one freeze.
       */
      freezes?: Array<{
        /** Why, shown to whoever is refused, e.g. `Weekend freeze`. */
        reason: string;
        /** Five cron fields in `timeZone`: when each opening starts, e.g. `0 18 * * FRI`. */
        schedule?: string;
        /** How long each opening lasts (at most 31 days), e.g. `62h` or `{ hours: 62 }`. */
        duration?: string | { days?: number; hours?: number; minutes?: number };
        /** IANA time zone of the schedule; default `UTC`. */
        timeZone?: string;
        /** Dated window start: ISO 8601 with an offset, e.g. `2026-12-23T00:00:00+01:00`. */
        from?: string;
        /** Dated window end (excluded): ISO 8601 with an offset. */
        until?: string;
      }>;
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
