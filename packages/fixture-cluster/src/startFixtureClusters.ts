import path from 'node:path';
import {
  FixtureClusterServer,
  isFaultMode,
  validateLatency,
} from './FixtureClusterServer';
import { loadFixtureDir, SourcedObject, flattenLists } from './loadFixtures';
import { shiftTimestamps } from './shiftTimestamps';
import { ObjectStore } from './ObjectStore';
import { GitOpsSync, validateGitOpsSyncOptions } from './gitOpsSync/GitOpsSync';
import {
  FixtureClusterOptions,
  FixtureClusters,
  StartFixtureClustersOptions,
  FAULT_MODES,
} from './types';

function validateCluster(cluster: FixtureClusterOptions, index: number) {
  const where = `clusters[${index}]`;
  if (!cluster || typeof cluster.name !== 'string' || !cluster.name) {
    throw new Error(`${where}.name must be a non-empty string`);
  }
  if (
    typeof cluster.port !== 'number' ||
    !Number.isInteger(cluster.port) ||
    cluster.port < 0 ||
    cluster.port > 65535
  ) {
    throw new Error(
      `${where}.port must be an integer from 0 to 65535 (0 picks a free port), got ${JSON.stringify(
        cluster.port,
      )}`,
    );
  }
  if (cluster.dir === undefined && cluster.objects === undefined) {
    throw new Error(`${where} needs a dir (a folder of YAML files) or objects`);
  }
  if (
    cluster.dir !== undefined &&
    (typeof cluster.dir !== 'string' || !cluster.dir)
  ) {
    throw new Error(`${where}.dir must be a non-empty string`);
  }
  if (cluster.objects !== undefined && !Array.isArray(cluster.objects)) {
    throw new Error(`${where}.objects must be an array`);
  }
  if (cluster.fault !== undefined && !isFaultMode(cluster.fault)) {
    throw new Error(
      `${where}.fault must be one of ${FAULT_MODES.join(
        ', ',
      )}, got ${JSON.stringify(cluster.fault)}`,
    );
  }
  if (cluster.latencyMs !== undefined) {
    try {
      validateLatency(cluster.latencyMs);
    } catch (error) {
      throw new Error(`${where}.${(error as Error).message}`);
    }
  }
  if (
    cluster.token !== undefined &&
    (typeof cluster.token !== 'string' || !cluster.token)
  ) {
    throw new Error(`${where}.token must be a non-empty string`);
  }
}

/**
 * Starts one HTTP server per cluster on 127.0.0.1, each serving its objects
 * as a read-only Kubernetes API. All objects are loaded before any port
 * opens, so a bad fixture fails start-up before anything listens.
 *
 * Demo and test infrastructure: not a Kubernetes implementation.
 */
export async function startFixtureClusters(
  options: StartFixtureClustersOptions,
): Promise<FixtureClusters> {
  if (
    !options ||
    !Array.isArray(options.clusters) ||
    options.clusters.length === 0
  ) {
    throw new Error('clusters must be a non-empty array');
  }
  const baseDir = options.baseDir ?? process.cwd();
  const portOffset = options.portOffset ?? 0;
  if (!Number.isInteger(portOffset)) {
    throw new Error(
      `portOffset must be an integer, got ${JSON.stringify(portOffset)}`,
    );
  }
  const names = new Set<string>();
  options.clusters.forEach((cluster, i) => {
    validateCluster(cluster, i);
    if (names.has(cluster.name)) {
      throw new Error(`clusters[${i}].name '${cluster.name}' is used twice`);
    }
    names.add(cluster.name);
  });
  if (options.gitops) {
    validateGitOpsSyncOptions(options.gitops, [...names]);
  }

  const loaded = options.clusters.map(cluster => {
    const sourced: SourcedObject[] = [];
    if (cluster.dir !== undefined) {
      sourced.push(
        ...loadFixtureDir(path.resolve(baseDir, cluster.dir)).objects,
      );
    }
    (cluster.objects ?? []).forEach((object, i) =>
      sourced.push(
        ...flattenLists(object, `cluster '${cluster.name}' objects[${i}]`),
      ),
    );
    return sourced;
  });
  // One offset for all clusters, so that the stories keep their order across rungs.
  const newest = options.newestTimestamp;
  const shifted = newest
    ? (() => {
        const all = shiftTimestamps(loaded.flat(), newest);
        let at = 0;
        return loaded.map(objects => {
          const mine = all.slice(at, at + objects.length);
          at += objects.length;
          return mine;
        });
      })()
    : loaded;

  const stores = new Map<string, ObjectStore>();
  const servers = options.clusters.map((cluster, index) => {
    const sourced = shifted[index];
    const store = new ObjectStore(cluster.name, sourced);
    stores.set(cluster.name, store);
    const port = cluster.port === 0 ? 0 : cluster.port + portOffset;
    if (port < 0 || port > 65535) {
      throw new Error(
        `cluster '${cluster.name}': port ${cluster.port} shifted by ${portOffset} is out of range`,
      );
    }
    return new FixtureClusterServer({
      name: cluster.name,
      store,
      host: options.host ?? '127.0.0.1',
      port,
      fault: cluster.fault,
      latencyMs: cluster.latencyMs,
      token: cluster.token,
      timeoutFaultMaxMs: options.timeoutFaultMaxMs,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
    });
  });

  const started: FixtureClusterServer[] = [];
  try {
    for (const server of servers) {
      await server.listen();
      started.push(server);
    }
  } catch (error) {
    await Promise.all(started.map(s => s.close()));
    throw error;
  }

  const gitOpsSync = options.gitops
    ? new GitOpsSync(options.gitops, stores)
    : undefined;
  gitOpsSync?.start();

  const byName = (name: string) => {
    const server = servers.find(s => s.name === name);
    if (!server) {
      throw new Error(
        `Unknown fixture cluster '${name}'; known: ${servers
          .map(s => s.name)
          .join(', ')}`,
      );
    }
    return server;
  };

  return {
    clusters: servers.map(s => ({
      name: s.name,
      url: s.url,
      port: s.port,
      objects: s.objectCount,
    })),
    setFault(name, fault) {
      byName(name).fault = fault;
    },
    setLatency(name, latencyMs) {
      byName(name).latencyMs = latencyMs;
    },
    stats(name) {
      return byName(name).stats();
    },
    apply(name, object) {
      const event = byName(name).apply(object);
      return { resourceVersion: String(event.resourceVersion) };
    },
    setImage(name, target) {
      const event = byName(name).setImage(target);
      return { resourceVersion: String(event.resourceVersion) };
    },
    compact(name) {
      byName(name).compact();
    },
    dropWatches(name) {
      return byName(name).dropWatches();
    },
    resetStats(name) {
      (name === undefined ? servers : [byName(name)]).forEach(s =>
        s.resetStats(),
      );
    },
    ...(gitOpsSync
      ? {
          gitops: {
            poll: () => gitOpsSync.poll(),
            whenIdle: () => gitOpsSync.whenIdle(),
            syncs: () => gitOpsSync.syncs(),
            seenPins: () => gitOpsSync.seenPins(),
          },
        }
      : {}),
    async close() {
      await gitOpsSync?.stop();
      await Promise.all(servers.map(s => s.close()));
    },
  };
}
