/*
 * One service's view once the model is synced, against the framework's floor:
 * the catalog's own authenticated by-name read on the same backend with the
 * same token, at each connection count; and the cluster requests the views
 * cost (the target is none). Also the physical floor of a cluster read: one
 * list straight to each cluster, no backend.
 */
import {
  clusterRequests,
  ENTITY,
  ladderUrl,
  SERVICE,
  type ClusterRequests,
  type Context,
} from '../lib/context';
import { load, median, request, type LoadResult } from '../lib/http';
import { log, sleep } from '../lib/processes';

export interface ViewRun {
  connections: number;
  catalog: LoadResult;
  ladder: LoadResult;
  /** Cluster requests while the ladder was under load. */
  clusterRequests: ClusterRequests;
}

export interface Floor {
  perClusterMs: Record<string, number>;
  slowestCluster: string;
  slowestMs: number;
}

/** The physical floor: one labelSelector list straight to each cluster, median of 5. */
export async function measureFloor(ctx: Context): Promise<Floor> {
  log('slowest cluster round trip ...');
  const perClusterMs: Record<string, number> = {};
  for (const cluster of ctx.fixtures.clusters) {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(
        (
          await request(
            `${
              cluster.url
            }/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
              `backstage.io/kubernetes-id=${SERVICE}`,
            )}`,
            {
              headers: {
                Authorization: 'Bearer fixture-token',
                Accept: 'application/json',
              },
              agent: false,
            },
          )
        ).ms,
      );
    }
    perClusterMs[cluster.name] = median(samples);
  }
  const [slowestCluster, slowestMs] = Object.entries(perClusterMs).sort(
    (a, b) => b[1] - a[1],
  )[0];
  return { perClusterMs, slowestCluster, slowestMs };
}

export async function measureViews(ctx: Context): Promise<ViewRun[]> {
  const { backend, fixtures, options } = ctx;
  const runs: ViewRun[] = [];
  const catalogUrl = `${backend.base}/api/catalog/entities/by-name/${ENTITY}`;
  for (const connections of options.connections) {
    log(
      `view vs. catalog by-name: ${connections} connection(s), ${
        options.durationMs / 1000
      } s each ...`,
    );
    const catalog = await load({
      url: catalogUrl,
      headers: backend.auth,
      connections,
      durationMs: options.durationMs,
    });
    fixtures.resetStats();
    const ladder = await load({
      url: ladderUrl(backend.base),
      headers: backend.auth,
      connections,
      durationMs: options.durationMs,
      // A rung that could not be read: `"error":{"cluster":...}` (else `"error":null`).
      incomplete: body => body.includes('"error":{'),
    });
    // Requests the views set off may land just after the last answer.
    await sleep(300);
    runs.push({
      connections,
      catalog,
      ladder,
      clusterRequests: clusterRequests(fixtures),
    });
  }
  return runs;
}
