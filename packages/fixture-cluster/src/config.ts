import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { FixtureClusterOptions } from './types';
import type { GitOpsSyncOptions } from './gitOpsSync/GitOpsSync';

/** The clusters file, read and with its folders resolved. */
export interface FixtureClustersConfig {
  clusters: FixtureClusterOptions[];
  /** The folder of the config file; cluster `dir`s are relative to it. */
  baseDir: string;
  /** The `gitops:` section, when there is one: the clusters follow the GitOps repository. */
  gitops?: GitOpsSyncOptions;
}

const GITOPS_KEYS = new Set([
  'repository',
  'apiBaseUrl',
  'token',
  'baseBranch',
  'clusters',
  'failingDigests',
  'pollIntervalMs',
]);

const KNOWN_KEYS = new Set([
  'name',
  'port',
  'dir',
  'latencyMs',
  'fault',
  'token',
]);

/**
 * Reads a clusters file (`clusters: [{name, port, dir, latencyMs?, fault?}]`).
 * Checks its shape only; {@link startFixtureClusters} checks the values.
 */
export function readFixtureClustersConfig(file: string): FixtureClustersConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read fixture clusters config ${absolute}: ${
        (error as Error).message
      }`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new Error(
      `Invalid YAML in fixture clusters config ${absolute}: ${
        (error as Error).message
      }`,
    );
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const key of Object.keys(parsed)) {
      if (key !== 'clusters' && key !== 'gitops') {
        throw new Error(
          `${absolute}: ${key} is not a known key (known: clusters, gitops)`,
        );
      }
    }
  }
  const clusters = (parsed as { clusters?: unknown })?.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) {
    throw new Error(`${absolute}: clusters must be a non-empty list`);
  }
  clusters.forEach((c, i) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) {
      throw new Error(`${absolute}: clusters[${i}] must be a mapping`);
    }
    for (const key of Object.keys(c)) {
      if (!KNOWN_KEYS.has(key)) {
        throw new Error(
          `${absolute}: clusters[${i}].${key} is not a known key (known: ${[
            ...KNOWN_KEYS,
          ].join(', ')})`,
        );
      }
    }
    if (c.fault !== undefined) {
      // YAML reads `fault: 500` as a number; the fault names are strings.
      c.fault = String(c.fault);
    }
  });
  const gitops = (parsed as { gitops?: unknown }).gitops;
  if (gitops !== undefined && gitops !== null) {
    if (typeof gitops !== 'object' || Array.isArray(gitops)) {
      throw new Error(`${absolute}: gitops must be a mapping`);
    }
    for (const key of Object.keys(gitops)) {
      if (!GITOPS_KEYS.has(key)) {
        throw new Error(
          `${absolute}: gitops.${key} is not a known key (known: ${[
            ...GITOPS_KEYS,
          ].join(', ')})`,
        );
      }
    }
  }
  return {
    clusters: clusters as FixtureClusterOptions[],
    baseDir: path.dirname(absolute),
    ...(gitops ? { gitops: gitops as GitOpsSyncOptions } : {}),
  };
}
