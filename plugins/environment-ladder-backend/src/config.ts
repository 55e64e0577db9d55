import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import {
  parsePreviewNameTemplate,
  substituteTemplateParameters,
  validatePreviewNameTemplate,
  type DeclaredRungValues,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  readSignaturesConfig,
  type SignaturesConfig,
} from './config/readSignaturesConfig';

/** How a promotion into a rung is gated. */
export interface RungGate {
  type: 'auto-merge' | 'review' | 'review-and-approval';
  canaryAnalysis: boolean;
}

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
  gate: RungGate;
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
   * How long a `requested` promotion belongs to the request that recorded it
   * before the reconciler takes it over (it was interrupted, or GitHub failed).
   */
  promotionResumeAfterMs: number;
  /** Signature checks (`signatures`); absent when not configured. */
  signatures?: SignaturesConfig;
}

const RUNG_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const GATE_TYPES = ['auto-merge', 'review', 'review-and-approval'] as const;
const DEFAULT_CLUSTER_TIMEOUT_MS = 5000;
/** How long all viewers share one reading of a service's clusters. */
const DEFAULT_CACHE_FRESHNESS_MS = 10_000;
/** Far longer than a request takes to open its pull request. */
const DEFAULT_PROMOTION_RESUME_AFTER_MS = 60_000;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

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
    throw new InputError(
      `Missing required config value at '${root}.rungs': describe the ladder's rungs in app-config.yaml`,
    );
  }
  const rungConfigs = ladder.getOptionalConfigArray('rungs') ?? [];
  if (rungConfigs.length === 0) {
    throw new InputError(
      `Missing required config value at '${root}.rungs': at least one rung is needed`,
    );
  }

  const seen = new Set<string>();
  const rungs = rungConfigs.map((rung, index) => {
    const key = `${root}.rungs[${index}]`;
    const name = readString(rung, 'name', key);
    if (!RUNG_NAME.test(name)) {
      throw new InputError(
        `Invalid config value at '${key}.name': '${name}' must be lowercase letters, digits and dashes, starting with a letter`,
      );
    }
    if (seen.has(name)) {
      throw new InputError(
        `Invalid config value at '${key}.name': rung '${name}' is configured twice`,
      );
    }
    seen.add(name);

    const clusters = readStringList(rung, 'clusters', key);
    clusters.forEach((cluster, clusterIndex) => {
      if (options.knownClusters && !options.knownClusters.includes(cluster)) {
        throw new InputError(
          `Invalid config value at '${key}.clusters[${clusterIndex}]': no Kubernetes cluster named '${cluster}' is configured in kubernetes.clusterLocatorMethods (known: ${
            options.knownClusters.join(', ') || 'none'
          })`,
        );
      }
    });

    const namespaces = readStringList(rung, 'namespaces', key);
    // `previews: {}` is enough to make a preview rung (ConfigReader.has says no to `{}`).
    const previews =
      rung.getOptional('previews') !== undefined
        ? readPreviews(rung, key)
        : undefined;
    if (previews && namespaces.length > 0) {
      throw new InputError(
        `Invalid config value at '${key}.namespaces': a preview rung reads the namespaces its ApplicationSet creates for each pull request, wherever they are; remove namespaces`,
      );
    }

    return {
      name,
      title: rung.getOptionalString('title') ?? name,
      ...(previews ? { kind: 'preview' as const } : {}),
      clusters,
      namespaces,
      gate: readGate(rung, key),
      declared: readDeclared(rung, key),
      ...(previews ? { previews } : {}),
    };
  });

  // Production is the highest rung: its declared values are what no preview may use.
  const production = rungs[rungs.length - 1];
  for (const rung of rungs) {
    if (rung.previews && rung !== production) {
      rung.previews.productionValues = Object.fromEntries(
        Object.entries({
          endpoints: production.declared.endpoints,
          secretsSource: production.declared.secretsSource,
        }).filter(([, value]) => value !== undefined),
      );
    }
  }

  const clusterTimeoutMs = readPositiveDuration(
    ladder,
    'clusterTimeout',
    `${root}.clusterTimeout`,
    DEFAULT_CLUSTER_TIMEOUT_MS,
  );
  const cacheFreshnessMs = readPositiveDuration(
    ladder,
    'cache.freshness',
    `${root}.cache.freshness`,
    DEFAULT_CACHE_FRESHNESS_MS,
  );
  const promotionResumeAfterMs = readPositiveDuration(
    ladder,
    'promotions.resumeAfter',
    `${root}.promotions.resumeAfter`,
    DEFAULT_PROMOTION_RESUME_AFTER_MS,
  );

  return {
    rungs,
    serviceContainer: ladder.getOptionalString('serviceContainer'),
    clusterTimeoutMs,
    cacheFreshnessMs,
    promotionResumeAfterMs,
    signatures: readSignaturesConfig(
      ladder,
      root,
      rungs.map(r => r.name),
    ),
  };
}

/** A duration given as `{ seconds: 5 }` or `'5s'`, longer than zero. */
function readPositiveDuration(
  config: Config,
  key: string,
  path: string,
  fallback: number,
): number {
  if (!config.has(key)) {
    return fallback;
  }
  let milliseconds: number;
  try {
    milliseconds = durationToMilliseconds(
      typeof config.getOptional(key) === 'string'
        ? readDurationFromConfig(config, { key })
        : readDurationFromConfig(config.getConfig(key)),
    );
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${path}': ${(error as Error).message}`,
    );
  }
  if (!(milliseconds > 0)) {
    throw new InputError(
      `Invalid config value at '${path}': must be longer than zero`,
    );
  }
  return milliseconds;
}

/**
 * The cluster names of the Kubernetes plugin's `config` locators, or undefined
 * when another locator (catalog, GKE, ...) may add clusters only known at run time.
 */
export function readKnownClusters(config: Config): string[] | undefined {
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  if (
    locators.some(locator => locator.getOptionalString('type') !== 'config')
  ) {
    return undefined;
  }
  return locators.flatMap(locator =>
    (locator.getOptionalConfigArray('clusters') ?? []).map(cluster =>
      cluster.getString('name'),
    ),
  );
}

function readString(config: Config, key: string, parent: string): string {
  try {
    return config.getString(key);
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${parent}.${key}': ${(error as Error).message}`,
    );
  }
}

function readStringList(config: Config, key: string, parent: string) {
  try {
    const list = config.getOptionalStringArray(key) ?? [];
    list.forEach((value, index) => {
      if (value.trim() === '') {
        throw new Error(`entry ${index} is empty`);
      }
    });
    return list;
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${parent}.${key}': ${(error as Error).message}`,
    );
  }
}

/** The parameters a preview name template may use besides the pull-request generator's. */
export const PREVIEW_TEMPLATE_PARAMETERS = ['entity'];

/**
 * Checks a preview name template: known parameters (`{{entity}}` included) and a name that
 * can be read back. Throws an Error saying what is wrong, without naming where it came from.
 */
export function checkPreviewNameTemplate(template: string): void {
  parsePreviewNameTemplate(template, PREVIEW_TEMPLATE_PARAMETERS);
  validatePreviewNameTemplate(
    substituteTemplateParameters(template, { entity: 'entity' }),
  );
}

function readPreviews(rung: Config, parent: string): PreviewRungConfig {
  const key = `${parent}.previews`;
  let previews: Config;
  try {
    previews = rung.getConfig('previews');
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${key}': ${(error as Error).message}`,
    );
  }
  const text = (name: string) => {
    try {
      const value = previews.getOptionalString(name);
      if (value !== undefined && value.trim() === '') {
        throw new Error('must not be empty');
      }
      return value;
    } catch (error) {
      throw new InputError(
        `Invalid config value at '${key}.${name}': ${(error as Error).message}`,
      );
    }
  };

  const nameTemplate = text('nameTemplate');
  if (nameTemplate !== undefined) {
    try {
      checkPreviewNameTemplate(nameTemplate);
    } catch (error) {
      throw new InputError(
        `Invalid config value at '${key}.nameTemplate': ${
          (error as Error).message
        }`,
      );
    }
  }

  const pullRequestUrlTemplate = text('pullRequestUrlTemplate');
  if (pullRequestUrlTemplate !== undefined) {
    const urlKey = `${key}.pullRequestUrlTemplate`;
    let parts;
    try {
      parts = parsePreviewNameTemplate(pullRequestUrlTemplate, [
        ...PREVIEW_TEMPLATE_PARAMETERS,
        'owner',
        'repo',
      ]);
    } catch (error) {
      throw new InputError(
        `Invalid config value at '${urlKey}': ${(error as Error).message}`,
      );
    }
    // The link is shown in the browser: only web links, and one per pull request.
    if (!/^https?:\/\/[^/{}\s]+/i.test(pullRequestUrlTemplate)) {
      throw new InputError(
        `Invalid config value at '${urlKey}': must start with http:// or https:// and a host`,
      );
    }
    if (!parts.some(p => p.kind === 'parameter' && p.name === 'number')) {
      throw new InputError(
        `Invalid config value at '${urlKey}': must use {{number}}, the pull request's number`,
      );
    }
  }

  // Label keys contain dots and slashes, which config paths cannot address: read the map whole.
  let labels: Record<string, string> | undefined;
  const rawLabels = previews.getOptional('labels');
  if (rawLabels !== undefined) {
    if (
      typeof rawLabels !== 'object' ||
      rawLabels === null ||
      Array.isArray(rawLabels)
    ) {
      throw new InputError(
        `Invalid config value at '${key}.labels': must be a map of label names to values`,
      );
    }
    labels = {};
    for (const [name, value] of Object.entries(rawLabels)) {
      if (
        !LABEL_KEY.test(name) ||
        typeof value !== 'string' ||
        !LABEL_VALUE.test(value)
      ) {
        throw new InputError(
          `Invalid config value at '${key}.labels': '${name}: ${String(
            value,
          )}' is not a valid Kubernetes label`,
        );
      }
      labels[name] = value;
    }
  }

  let annotations: PreviewRungConfig['annotations'];
  if (previews.getOptional('annotations') !== undefined) {
    annotations = {};
    for (const name of ['prNumber', 'branch', 'headSha'] as const) {
      const value = text(`annotations.${name}`);
      if (value !== undefined) annotations[name] = value;
    }
  }

  return {
    ...(nameTemplate !== undefined ? { nameTemplate } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    ...(pullRequestUrlTemplate !== undefined ? { pullRequestUrlTemplate } : {}),
    productionValues: {},
  };
}

function readGate(rung: Config, parent: string): RungGate {
  const type = rung.getOptionalString('gate.type') ?? 'review';
  if (!(GATE_TYPES as readonly string[]).includes(type)) {
    throw new InputError(
      `Invalid config value at '${parent}.gate.type': '${type}' is not one of ${GATE_TYPES.join(
        ', ',
      )}`,
    );
  }
  return {
    type: type as RungGate['type'],
    canaryAnalysis: rung.getOptionalBoolean('gate.canaryAnalysis') ?? false,
  };
}

function readDeclared(rung: Config, parent: string): DeclaredRungValues {
  const declared = rung.getOptionalConfig('declared');
  if (!declared) {
    return {};
  }
  const key = `${parent}.declared`;
  const text = (name: string) => {
    try {
      return declared.getOptionalString(name);
    } catch (error) {
      throw new InputError(
        `Invalid config value at '${key}.${name}': ${(error as Error).message}`,
      );
    }
  };
  const bound = (name: 'min' | 'max') => {
    const value = declared.getOptional(`replicas.${name}`);
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new InputError(
        `Invalid config value at '${key}.replicas.${name}': must be a whole number of at least 0`,
      );
    }
    return value;
  };
  const min = bound('min');
  const max = bound('max');
  if (min !== undefined && max !== undefined && min > max) {
    throw new InputError(
      `Invalid config value at '${key}.replicas': min ${min} is larger than max ${max}`,
    );
  }
  const values: DeclaredRungValues = {
    scale: text('scale'),
    replicas: min === undefined && max === undefined ? undefined : { min, max },
    dependencyTier: text('dependencyTier'),
    endpoints: readStringList(declared, 'endpoints', key),
    featureFlags: text('featureFlags'),
    secretsSource: text('secretsSource'),
    rolloutAggressiveness: text('rolloutAggressiveness'),
  };
  // Drop what was not declared so the wire format only carries real values.
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, value]) =>
        value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  ) as DeclaredRungValues;
}
