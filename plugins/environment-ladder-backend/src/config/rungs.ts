import type { Config } from '@backstage/config';
import type { DeclaredRungValues } from '@environment-ladder/plugin-environment-ladder-common';
import {
  CI_SOURCE,
  freezeWindowProblem,
  type FreezeWindow,
  type PromotionGate,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { RungConfig } from '../config';
import { configError } from './configError';
import { readPreviews } from './previews';
import { readPositiveDuration, readString, readStringList } from './readers';

const RUNG_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const GATE_TYPES = ['auto-merge', 'review', 'review-and-approval'] as const;

/**
 * Reads `environmentLadder.rungs`, lowest first; a preview rung learns the production
 * (highest) rung's declared endpoints and secrets source, which no preview may use.
 *
 * @param knownClusters - cluster names the Kubernetes plugin is configured
 *   with, when they can be known from config; rungs naming others are refused.
 */
export function readRungs(
  ladder: Config,
  root: string,
  options: { knownClusters?: string[] },
): RungConfig[] {
  const rungConfigs = ladder.getOptionalConfigArray('rungs') ?? [];
  if (rungConfigs.length === 0) {
    throw configError(`${root}.rungs`, `at least one rung is needed`, {
      missing: true,
    });
  }

  const seen = new Set<string>();
  const rungs = rungConfigs.map((rung, index) => {
    const key = `${root}.rungs[${index}]`;
    const name = readString(rung, 'name', key);
    if (!RUNG_NAME.test(name)) {
      throw configError(
        `${key}.name`,
        `'${name}' must be lowercase letters, digits and dashes, starting with a letter`,
      );
    }
    if (seen.has(name)) {
      throw configError(`${key}.name`, `rung '${name}' is configured twice`);
    }
    // The ledger records a build from CI with the source `ci`: a rung of that name
    // would read as the rung below dev in every history and pull request.
    if (name === CI_SOURCE) {
      throw configError(
        `${key}.name`,
        `'${CI_SOURCE}' names where CI's builds come from in the ledger; give the rung another name`,
      );
    }
    seen.add(name);

    const clusters = readStringList(rung, 'clusters', key);
    clusters.forEach((cluster, clusterIndex) => {
      if (options.knownClusters && !options.knownClusters.includes(cluster)) {
        throw configError(
          `${key}.clusters[${clusterIndex}]`,
          `no Kubernetes cluster named '${cluster}' is configured in kubernetes.clusterLocatorMethods (known: ${
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
      throw configError(
        `${key}.namespaces`,
        `a preview rung reads the namespaces its ApplicationSet creates for each pull request, wherever they are; remove namespaces`,
      );
    }

    return {
      name,
      title: rung.getOptionalString('title') ?? name,
      ...(previews ? { kind: 'preview' as const } : {}),
      clusters,
      namespaces,
      gate: readGate(rung, key),
      freezes: readFreezes(rung, key),
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

  return rungs;
}

function readGate(rung: Config, parent: string): PromotionGate {
  const type = rung.getOptionalString('gate.type') ?? 'review';
  if (!(GATE_TYPES as readonly string[]).includes(type)) {
    throw configError(
      `${parent}.gate.type`,
      `'${type}' is not one of ${GATE_TYPES.join(', ')}`,
    );
  }
  return {
    type: type as PromotionGate['type'],
    canaryAnalysis: rung.getOptionalBoolean('gate.canaryAnalysis') ?? false,
  };
}

function readFreezes(rung: Config, parent: string): FreezeWindow[] {
  return (rung.getOptionalConfigArray('freezes') ?? []).map((freeze, index) => {
    const key = `${parent}.freezes[${index}]`;
    const reason = readString(freeze, 'reason', key);
    const optional = (name: string) =>
      freeze.has(name) ? readString(freeze, name, key) : undefined;
    const schedule = optional('schedule');
    const from = optional('from');
    const until = optional('until');
    let window: FreezeWindow;
    if (schedule !== undefined) {
      if (from !== undefined || until !== undefined) {
        throw configError(
          key,
          'a window is either recurring (schedule, duration, timeZone) or dated (from, until), not both',
        );
      }
      if (!freeze.has('duration')) {
        throw configError(`${key}.duration`, 'how long each opening lasts', {
          missing: true,
        });
      }
      window = {
        reason,
        schedule,
        durationMs: readPositiveDuration(
          freeze,
          'duration',
          `${key}.duration`,
          0,
        ),
        timeZone: optional('timeZone') ?? 'UTC',
      };
    } else if (from !== undefined && until !== undefined) {
      window = { reason, from, until };
    } else {
      throw configError(
        key,
        'needs schedule, duration and timeZone (recurring) or from and until (dated)',
        { missing: true },
      );
    }
    const problem = freezeWindowProblem(window);
    if (problem) {
      throw configError(key, problem);
    }
    return window;
  });
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
      throw configError(`${key}.${name}`, `${(error as Error).message}`);
    }
  };
  const bound = (name: 'min' | 'max') => {
    const value = declared.getOptional(`replicas.${name}`);
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw configError(
        `${key}.replicas.${name}`,
        `must be a whole number of at least 0`,
      );
    }
    return value;
  };
  const min = bound('min');
  const max = bound('max');
  if (min !== undefined && max !== undefined && min > max) {
    throw configError(
      `${key}.replicas`,
      `min ${min} is larger than max ${max}`,
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
