import type { FixtureClusters } from '@environment-ladder/fixture-cluster';
import type { Backend } from './backend';
import { request } from './http';
import type { Options } from './options';

/** The clusters, in the order of --cluster-ports; prod is the slow one. */
export const CLUSTERS = ['dev', 'previews', 'staging', 'prod'] as const;
/** The service every per-view measure reads (the demo's healthy story). */
export const SERVICE = 'checkout';
export const ENTITY = `component/default/${SERVICE}`;
export const ENTITY_REF = `component:default/${SERVICE}`;

/** What every scenario gets: the run's options, the clusters, the backend. */
export interface Context {
  options: Options;
  fixtures: FixtureClusters;
  backend: Backend;
  /** Said under the table: what limits a figure, what went wrong. */
  notes: string[];
}

export interface ClusterRequests {
  total: number;
  /** Watch requests (each one long-lived stream). */
  watches: number;
  /** Everything else: lists and gets. */
  lists: number;
  byCluster: Record<string, number>;
}

/** Requests the fixture clusters counted since their last reset (admin calls are not counted). */
export function clusterRequests(fixtures: FixtureClusters): ClusterRequests {
  const result: ClusterRequests = {
    total: 0,
    watches: 0,
    lists: 0,
    byCluster: {},
  };
  for (const name of CLUSTERS) {
    const stats = fixtures.stats(name);
    result.byCluster[name] = stats.total;
    result.total += stats.total;
    result.watches += stats.watches;
  }
  // The fixture counts a request on arrival but a watch only once its latency
  // has passed: a reset in between leaves more watches than requests.
  result.lists = Math.max(0, result.total - result.watches);
  return result;
}

export const ladderUrl = (base: string, entity = ENTITY) =>
  `${base}/api/environment-ladder/entities/${entity}/ladder`;

/** A ladder answer, parsed; throws on anything but 200. */
export async function getLadder(ctx: Context, entity = ENTITY): Promise<any> {
  const answer = await request(ladderUrl(ctx.backend.base, entity), {
    headers: ctx.backend.auth,
  });
  if (answer.status !== 200) {
    throw new Error(
      `ladder of ${entity} answered ${answer.status}: ${answer.body.slice(
        0,
        300,
      )}`,
    );
  }
  return JSON.parse(answer.body);
}

/** Rungs whose clusters could not be read: such a ladder is an answer, not a whole one. */
export function ladderRungErrors(ladder: any): string[] {
  return (ladder?.rungs ?? [])
    .filter((rung: any) => rung.error)
    .map((rung: any) => `${rung.name}: ${rung.error.message}`);
}
