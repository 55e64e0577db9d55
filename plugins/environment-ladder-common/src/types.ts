/*
 * Wire types of the Environment Ladder API. The backend returns them, the
 * frontend and the `inspect` command print them; the domain functions in
 * `./domain` produce them from plain Kubernetes objects.
 */

import type { PreviewEnvironment } from './previews/types';
import type { LadderPromotions } from './promotions/types';
import type { RungSignatures } from './signatures/types';

/**
 * A digest in canonical form: `sha256:` followed by 64 lowercase hex characters.
 *
 * @public
 */
export type Digest = string;

/**
 * The Kubernetes objects that one rung's clusters return for one entity.
 *
 * @public
 */
export interface RungObjects {
  pods: unknown[];
  replicaSets: unknown[];
  deployments: unknown[];
  rollouts: unknown[];
  analysisRuns: unknown[];
  ingresses: unknown[];
  horizontalPodAutoscalers: unknown[];
  /** Namespaces (cluster-scoped); read for preview rungs only. */
  namespaces?: unknown[];
  /** Argo CD `Application`s; read for preview rungs only. */
  applications?: unknown[];
  /** Argo CD `ApplicationSet`s; read for preview rungs only. */
  applicationSets?: unknown[];
}

/**
 * What reading one rung's clusters gave: the objects of each cluster, the
 * error of the first cluster that failed, or null for a rung that is not observed.
 *
 * @public
 */
export type RungResult =
  | { objectsByCluster: Array<{ cluster: string; objects: RungObjects }> }
  | { error: { cluster: string; message: string } }
  | null;

/**
 * One image that a set of pods runs, as read from the pods' container statuses.
 *
 * @public
 */
export interface RunningImage {
  /** The image reference the pod spec asks for, e.g. `ghcr.io/acme/shop@sha256:…` or `ghcr.io/acme/shop:1.4`. */
  image: string;
  /** Whether the spec pins the image by digest (`@sha256:`) rather than by tag. */
  pinnedByDigest: boolean;
  /** The digest the runtime actually resolved (`imageID`), or null while it is being pulled. */
  digest: Digest | null;
  /** How many pods run this image in the service container. */
  pods: number;
  /** How many of those pods are ready. */
  readyPods: number;
  /** The earliest time a pod still running this digest started (ISO 8601), if known. */
  since: string | null;
}

/**
 * Replica counts of a workload.
 *
 * @public
 */
export interface ReplicaCounts {
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
}

/**
 * A Deployment or Rollout with what its pods run.
 *
 * @public
 */
export interface WorkloadStatus {
  kind: 'Deployment' | 'Rollout';
  cluster: string;
  namespace: string;
  name: string;
  /** Image references the spec of the service container asks for. */
  specImages: string[];
  replicas: ReplicaCounts;
  /** The images the workload's pods run (service container only). */
  running: RunningImage[];
  /** The workload's current revision (`deployment.kubernetes.io/revision` / `rollout.argoproj.io/revision`). */
  revision: number | null;
  /** For plain Deployments: progressing / available conditions and surge, in Kubernetes' own words. */
  deployment?: {
    progressing: boolean | null;
    available: boolean | null;
    maxSurge: string | null;
    message: string | null;
  };
  /**
   * The workload's ReplicaSets that carry a revision, oldest revision first: the image each
   * pod template asks for and the digests it is known to have run (from its pods, or from
   * the image when pinned by digest; empty when neither tells). `firstRevision` is the
   * revision at which that template first rolled out; it is lower than `revision` after a
   * rollback to it. Used to tell how many releases a rung above is behind.
   */
  history?: Array<{
    revision: number;
    firstRevision: number;
    image: string | null;
    digests: Digest[];
  }>;
}

/**
 * Phases as Argo Rollouts reports them.
 *
 * @public
 */
export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

/**
 * Phases as Argo Rollouts reports them for an AnalysisRun.
 *
 * @public
 */
export type AnalysisPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Inconclusive'
  | 'Unknown';

/**
 * One metric's result in an AnalysisRun.
 *
 * @public
 */
export interface AnalysisMetricResult {
  name: string;
  phase: AnalysisPhase;
  /** The last measured value, as the provider returned it. */
  lastValue: string | null;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  message: string | null;
  /**
   * The metric's measurements, oldest first (at most the last 10): each value as the
   * provider returned it, as the CLI's AnalysisRun info lists them.
   */
  measurements?: AnalysisMeasurement[];
  /** The metric's `successCondition` and `failureCondition` from the run's spec. */
  successCondition?: string | null;
  failureCondition?: string | null;
  /**
   * Why the metric failed, in the controller's words, e.g. `failed (3) > failureLimit (2)`;
   * null unless the metric is Failed, Error or Inconclusive.
   */
  failureReason?: string | null;
}

/** One measurement of an AnalysisRun metric. */
export interface AnalysisMeasurement {
  phase: AnalysisPhase;
  value: string | null;
  startedAt: string | null;
  message: string | null;
}

/**
 * An Argo Rollouts AnalysisRun attached to a rollout.
 *
 * @public
 */
export interface AnalysisRunStatus {
  name: string;
  phase: AnalysisPhase;
  message: string | null;
  metrics: AnalysisMetricResult[];
  /** The `rollout.argoproj.io/revision` the run belongs to. */
  revision?: number | null;
  /**
   * Why a Failed, Error or Inconclusive run ended so: the controller's `status.message`
   * (e.g. `Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2)`), or
   * the same sentence computed from the metric results when the run has none. Null for
   * other phases.
   */
  failureReason?: string | null;
}

/**
 * An image of a rollout with the role(s) its ReplicaSet plays.
 *
 * @public
 */
export interface RolloutImage {
  image: string;
  digests: Digest[];
  roles: Array<'stable' | 'canary' | 'active' | 'preview'>;
}

/** The tags `kubectl argo rollouts get rollout` puts on an image. @public */
export type RolloutImageTag =
  | 'canary'
  | 'stable'
  | 'active'
  | 'preview'
  | 'ping'
  | 'pong';

/**
 * The state of one Argo Rollouts `Rollout`, as `kubectl argo rollouts get rollout` shows it.
 * `phase`, `message`, `strategy`, `step`, `setWeight`, `actualWeight`, `replicas` and
 * `cliImages` are the CLI's; `explanation` and `images` (with digests) are the ladder's.
 *
 * @public
 */
export interface RolloutStatus {
  cluster: string;
  namespace: string;
  name: string;
  /** Null when the spec names neither strategy (the CLI prints an empty Strategy). */
  strategy: 'Canary' | 'BlueGreen' | null;
  /** The CLI's Status. */
  phase: RolloutPhase;
  /** The CLI's Message, word for word ('' when it prints none). */
  message: string;
  /**
   * The ladder's own explanation of phase and message (not the CLI's words), e.g. which
   * analysis failed and why; null when there is nothing to add.
   */
  explanation?: string | null;
  /**
   * Images as the CLI lists them: every container image of a ReplicaSet with replicas,
   * with its tags, sorted by image.
   */
  cliImages?: Array<{ image: string; tags: RolloutImageTag[] }>;
  /** `currentStepIndex/number of steps`, null without steps. */
  step: string | null;
  /** The canary's set (desired) weight; null for blue-green, where the CLI prints none. */
  setWeight: number | null;
  /** The canary's actual weight as the CLI computes it; null for blue-green. */
  actualWeight: number | null;
  replicas: ReplicaCounts;
  images: RolloutImage[];
  analysisRuns: AnalysisRunStatus[];
  aborted: boolean;
}

/**
 * How a rung relates to the rung below it.
 *
 * @public
 */
export type RungComparison =
  | { relation: 'same' }
  | { relation: 'behind'; releases: number }
  | { relation: 'ahead' }
  | { relation: 'unknown'; reason: string };

/**
 * A broken ladder rule, explained.
 *
 * @public
 */
export interface LadderViolation {
  rule:
    | 'tag-not-digest'
    | 'digest-not-from-rung-below'
    | 'mixed-digests'
    | 'rollout-degraded'
    | 'scale-mismatch'
    | 'endpoint-mismatch'
    | 'preview-outlived-pr'
    | 'preview-uses-production-values'
    /** What a rung's clusters served was cut to a size a view can take (see capLadderSizes). */
    | 'object-too-large'
    | 'digest-not-signed';
  severity: 'error' | 'warning';
  /** The rung the violation is about. */
  rung: string;
  /** A sentence a developer understands. */
  message: string;
}

/**
 * The per-rung values a platform owner declares in config (from the company's ladder).
 *
 * @public
 */
export interface DeclaredRungValues {
  scale?: string;
  replicas?: { min?: number; max?: number };
  dependencyTier?: string;
  endpoints?: string[];
  featureFlags?: string;
  secretsSource?: string;
  rolloutAggressiveness?: string;
}

/**
 * What the suite observed in a rung, to set next to the declared values.
 *
 * @public
 */
export interface ObservedRungValues {
  replicas: number | null;
  autoscaler: { min: number | null; max: number | null } | null;
  ingressHosts: string[];
  rolloutStrategy: 'Canary' | 'BlueGreen' | 'Deployment' | null;
}

/**
 * One rung of the ladder as the API returns it.
 *
 * @public
 */
export interface LadderRung {
  name: string;
  title: string;
  /**
   * `preview` for a rung of pull-request environments (one per open pull request, see
   * `previews`). A preview rung is never a promotion source nor target, is skipped when
   * a rung is compared with "the rung below", and its `digest` is always null: its
   * `digests` are the previews' digests, each belonging to one pull request.
   */
  kind?: 'preview';
  /** False for rungs that are shown but not observed (e.g. `local`). */
  observed: boolean;
  /** The digest the rung runs when it runs exactly one, else null. */
  digest: Digest | null;
  /** Every digest the rung's pods run. */
  digests: Digest[];
  /** Since when the rung's digest has been running (ISO 8601). */
  since: string | null;
  replicas: { ready: number; desired: number };
  workloads: WorkloadStatus[];
  rollouts: RolloutStatus[];
  /** Relation to the next observed rung below; null for the lowest observed rung. */
  comparedToBelow: RungComparison | null;
  declared: DeclaredRungValues;
  observedValues: ObservedRungValues | null;
  violations: LadderViolation[];
  /**
   * Set when this rung's clusters could not be read, or (with `cluster` empty) when the
   * entity's own settings for the rung are invalid; the other rungs still answer.
   */
  error: { cluster: string; message: string } | null;
  /** For preview rungs: every preview environment found, newest first. */
  previews?: PreviewEnvironment[];
  /**
   * The signature verdict of every digest the rung shows (its own and its previews'),
   * and whether the rung requires signatures; absent when signature checks are not
   * configured.
   */
  signatures?: RungSignatures;
}

/**
 * The whole ladder of one entity, lowest rung first.
 *
 * @public
 */
export interface Ladder {
  entityRef: string;
  rungs: LadderRung[];
  violations: LadderViolation[];
  generatedAt: string;
  /** Set when the entity lacks what the ladder needs to find its workloads; says what to add. */
  notSetUp?: string;
  /**
   * Set by the ladder route for the viewer: each promotion target with the rules' and the
   * permission policy's verdict, and the promotions in flight. Frontends render it as is.
   */
  promotions?: LadderPromotions;
}
