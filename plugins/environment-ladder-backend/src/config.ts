import type { Config } from '@backstage/config';
import type {
  DeclaredRungValues,
  FreezeWindow,
  PromotionGate,
} from '@environment-ladder/plugin-environment-ladder-common';
import { readKnownClusters } from './config/clusters';
import { configError } from './config/configError';
import { readPromotionsConfig } from './config/promotions';
import { readPositiveDuration } from './config/readers';
import { readRungs } from './config/rungs';
import {
  readSignaturesConfig,
  type SignaturesConfig,
} from './config/readSignaturesConfig';

// Each section of `environmentLadder` has its small reader in config/; this file is the
// entry point and the shape of the result.
export { readKnownClusters };
export {
  checkPreviewNameTemplate,
  PREVIEW_TEMPLATE_PARAMETERS,
} from './config/previews';

/** How a preview rung finds the environments an ApplicationSet's pull-request generator creates. */
export interface PreviewRungConfig {
  /**
   * The name the ApplicationSet gives Applications or namespaces, e.g.
   * `{{entity}}-{{branch_slug}}-{{number}}`; `{{entity}}` is the entity's
   * `backstage.io/kubernetes-id` (else its name). An entity can override it with
   * the annotation `environment-ladder.io/preview-name-template`.
   */
  nameTemplate?: string;
  /** Labels every preview Application or namespace carries. */
  labels?: Record<string, string>;
  /** Annotation keys carrying the pull request's parameters; the suite's defaults when absent. */
  annotations?: { prNumber?: string; branch?: string; headSha?: string };
  /**
   * The pull request link, e.g. `https://github.com/{{owner}}/{{repo}}/pull/{{number}}` (what
   * is used when absent, with the GitHub host of the ApplicationSet's generator), where owner
   * and repo come from the entity's `github.com/project-slug`.
   */
  pullRequestUrlTemplate?: string;
  /**
   * What a preview must never use: the declared endpoints and secrets source of the
   * highest rung (production).
   */
  productionValues: { endpoints?: string[]; secretsSource?: string };
}

/** One rung as the platform owner configured it. */
export interface RungConfig {
  name: string;
  title: string;
  /**
   * `preview` when the rung has `previews`: one environment per open pull request. Such a
   * rung is never a promotion source or target and is skipped when rungs are compared.
   */
  kind?: 'preview';
  previews?: PreviewRungConfig;
  /** Cluster names from the Kubernetes plugin's configuration; empty for unobserved rungs. */
  clusters: string[];
  /** Namespaces to read; empty means all namespaces. */
  namespaces: string[];
  gate: PromotionGate;
  /** When promotions into this rung are refused (empty: never). */
  freezes: FreezeWindow[];
  declared: DeclaredRungValues;
}

/** The ladder configuration read from `environmentLadder`. */
export interface LadderConfig {
  rungs: RungConfig[];
  serviceContainer?: string;
  clusterTimeoutMs: number;
  /** How long a ladder is served from the cache before the clusters are read again. */
  cacheFreshnessMs: number;
  /**
   * How long a worker's claim on a promotion lasts unless renewed: after a crashed
   * replica, another one resumes its promotions this long after.
   */
  promotionClaimMs: number;
  /** How often the reconciler passes over the promotions in flight. */
  reconcileEveryMs: number;
  /** How long one reconciler pass may take (and hold the scheduler's lock). */
  reconcileTimeoutMs: number;
  /** Whether promotions send notifications (`promotions.notifications`, default true). */
  notificationsEnabled: boolean;
  /** Whether rollbacks may skip an approval (`promotions.rollback.emergency`, default false). */
  rollbackEmergencyAllowed: boolean;
  /** Signature checks (`signatures`); absent when not configured. */
  signatures?: SignaturesConfig;
}

const DEFAULT_CLUSTER_TIMEOUT_MS = 5000;
/** How long all viewers share one reading of a service's clusters. */
const DEFAULT_CACHE_FRESHNESS_MS = 10_000;

/**
 * Reads and validates `environmentLadder` once at start-up. Every error names
 * the offending key so that a platform owner can fix it without guessing.
 *
 * @param knownClusters - cluster names the Kubernetes plugin is configured
 *   with, when they can be known from config; rungs naming others are refused.
 */
export function readLadderConfig(
  config: Config,
  options: { knownClusters?: string[] } = {},
): LadderConfig {
  const root = 'environmentLadder';
  const ladder = config.getOptionalConfig(root);
  if (!ladder) {
    throw configError(
      `${root}.rungs`,
      "describe the ladder's rungs in app-config.yaml",
      { missing: true },
    );
  }
  const rungs = readRungs(ladder, root, options);
  return {
    rungs,
    serviceContainer: ladder.getOptionalString('serviceContainer'),
    clusterTimeoutMs: readPositiveDuration(
      ladder,
      'clusterTimeout',
      `${root}.clusterTimeout`,
      DEFAULT_CLUSTER_TIMEOUT_MS,
    ),
    cacheFreshnessMs: readPositiveDuration(
      ladder,
      'cache.freshness',
      `${root}.cache.freshness`,
      DEFAULT_CACHE_FRESHNESS_MS,
    ),
    ...readPromotionsConfig(ladder, root),
    signatures: readSignaturesConfig(
      ladder,
      root,
      rungs.map(r => r.name),
    ),
  };
}
