import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import type { DeclaredRungValues } from '@environment-ladder/plugin-environment-ladder-common';

/** How a promotion into a rung is gated. */
export interface RungGate {
  type: 'auto-merge' | 'review' | 'review-and-approval';
  canaryAnalysis: boolean;
}

/** One rung as the platform owner configured it. */
export interface RungConfig {
  name: string;
  title: string;
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
}

const RUNG_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const GATE_TYPES = ['auto-merge', 'review', 'review-and-approval'] as const;
const DEFAULT_CLUSTER_TIMEOUT_MS = 5000;

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

    return {
      name,
      title: rung.getOptionalString('title') ?? name,
      clusters,
      namespaces: readStringList(rung, 'namespaces', key),
      gate: readGate(rung, key),
      declared: readDeclared(rung, key),
    };
  });

  let clusterTimeoutMs = DEFAULT_CLUSTER_TIMEOUT_MS;
  if (ladder.has('clusterTimeout')) {
    try {
      clusterTimeoutMs =
        typeof ladder.getOptional('clusterTimeout') === 'string'
          ? durationToMilliseconds(
              readDurationFromConfig(ladder, { key: 'clusterTimeout' }),
            )
          : durationToMilliseconds(
              readDurationFromConfig(ladder.getConfig('clusterTimeout')),
            );
    } catch (error) {
      throw new InputError(
        `Invalid config value at '${root}.clusterTimeout': ${
          (error as Error).message
        }`,
      );
    }
    if (!(clusterTimeoutMs > 0)) {
      throw new InputError(
        `Invalid config value at '${root}.clusterTimeout': must be longer than zero`,
      );
    }
  }

  return {
    rungs,
    serviceContainer: ladder.getOptionalString('serviceContainer'),
    clusterTimeoutMs,
  };
}

/**
 * The cluster names of the Kubernetes plugin's `config` locators, or undefined
 * when another locator (catalog, GKE, ...) may add clusters only known at run time.
 */
export function readKnownClusters(config: Config): string[] | undefined {
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  if (locators.some(locator => locator.getOptionalString('type') !== 'config')) {
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
