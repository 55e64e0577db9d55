import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  buildLadder,
  type Ladder,
  type RungObjects,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderConfig, RungConfig } from '../../config';
import type { ClusterReader } from '../ClusterReader/types';
import { entityLadderSelector } from './entityLadderSelector';
import type { LadderService } from './types';

type RungResult =
  | { objectsByCluster: Array<{ cluster: string; objects: RungObjects }> }
  | { error: { cluster: string; message: string } }
  | null;

/** Creates the ladder service: one parallel read per rung and cluster, each bounded by the cluster timeout. */
export function createLadderService(options: {
  config: LadderConfig;
  clusterReader: ClusterReader;
  logger: LoggerService;
  now?: () => Date;
}): LadderService {
  const { config, clusterReader, logger } = options;
  const now = options.now ?? (() => new Date());

  async function readRung(
    rung: RungConfig,
    selector: { labelSelector: string; namespace?: string },
  ): Promise<RungResult> {
    if (rung.clusters.length === 0) {
      return null;
    }
    const namespaces = selector.namespace
      ? [selector.namespace]
      : rung.namespaces;
    const settled = await Promise.allSettled(
      rung.clusters.map(async cluster => ({
        cluster,
        objects: await clusterReader.readObjects({
          cluster,
          namespaces,
          labelSelector: selector.labelSelector,
          signal: AbortSignal.timeout(config.clusterTimeoutMs),
        }),
      })),
    );
    const objectsByCluster = [];
    for (const [index, result] of settled.entries()) {
      const cluster = rung.clusters[index];
      if (result.status === 'rejected') {
        const message = describeFailure(result.reason, cluster, config);
        logger.warn('Could not read a rung', {
          rung: rung.name,
          cluster,
          error: message,
        });
        return { error: { cluster, message } };
      }
      objectsByCluster.push(result.value);
    }
    return { objectsByCluster };
  }

  return {
    async getLadder(entity: Entity): Promise<Ladder> {
      const entityRef = stringifyEntityRef(entity);
      const selector = entityLadderSelector(entity);
      if ('missing' in selector) {
        return {
          entityRef,
          rungs: [],
          violations: [],
          generatedAt: now().toISOString(),
          notSetUp: selector.missing,
        };
      }
      const results = await Promise.all(
        config.rungs.map(rung => readRung(rung, selector)),
      );
      return buildLadder({
        entityRef,
        now: now(),
        containerName: config.serviceContainer,
        rungs: config.rungs.map((rung, index) => ({
          name: rung.name,
          title: rung.title,
          observed: rung.clusters.length > 0,
          declared: rung.declared,
          result: results[index],
        })),
      });
    },
  };
}


function describeFailure(
  reason: unknown,
  cluster: string,
  config: LadderConfig,
): string {
  const error = reason as Error | undefined;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return `cluster '${cluster}' did not answer within ${config.clusterTimeoutMs} ms`;
  }
  if (error?.message?.startsWith(`cluster '${cluster}'`)) {
    return error.message;
  }
  return `cluster '${cluster}' could not be read: ${
    error?.message ?? 'unknown error'
  }`;
}
