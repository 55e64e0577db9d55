/*
 * The model at scale: waits for the model to sync the demo's clusters, reads
 * the backend's heap, adds the generated services' workloads to the clusters
 * (the model learns them through its watches), waits until the last one's
 * ladder shows them, reads the heap again: the difference is what the model
 * holds for N services. Then the org-wide overview of every service: the first
 * load from the model and warm loads, with the cluster requests they cost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CLUSTERS,
  clusterRequests,
  getLadder,
  ladderRungErrors,
  type ClusterRequests,
  type Context,
} from '../lib/context';
import { GENERATED_LABEL, type GeneratedServices } from '../lib/generate';
import { load, request, type LoadResult } from '../lib/http';
import { log, sleep, waitFor } from '../lib/processes';

/**
 * Synced: every cluster has its watches open and no list has been made for
 * 2 s. (The model says nothing about itself over HTTP; the clusters' counts do.)
 */
export async function waitForModelSync(ctx: Context, timeoutMs = 120_000) {
  const start = performance.now();
  let last = '';
  let quietSince = performance.now();
  await waitFor(
    'the model to sync (watches open on every cluster, no list for 2 s, a whole ladder)',
    timeoutMs,
    async () => {
      const counts = CLUSTERS.map(name => ctx.fixtures.stats(name));
      const lists = counts.map(s => s.total - s.watches).join(',');
      if (lists !== last) {
        last = lists;
        quietSince = performance.now();
      }
      if (
        !counts.every(s => s.watches > 0) ||
        performance.now() - quietSince < 2000
      ) {
        return undefined;
      }
      // And it answers: the measured service's ladder is whole.
      return ladderRungErrors(await getLadder(ctx)).length === 0
        ? true
        : undefined;
    },
    ctx.backend.dead,
    250,
  );
  return performance.now() - start;
}

export interface MemoryFigures {
  heapUsedBefore: number;
  heapUsedAfter: number;
  rssBefore: number;
  rssAfter: number;
  heapDelta: number;
  rssDelta: number;
}

export interface ScaleResult {
  services: number;
  objects: Record<string, number>;
  /** From the first object added to the last service's ladder showing its workloads. */
  modelCatchUpMs: number;
  /** Set when the model did not show the last service's workloads in time: why. */
  notCaughtUp?: string;
  catalogServices: number;
  memory: MemoryFigures;
}

async function catalogServiceCount(ctx: Context): Promise<number> {
  const answer = await request(
    `${
      ctx.backend.base
    }/api/catalog/entities/by-query?limit=1&filter=${encodeURIComponent(
      `kind=component,metadata.labels.${GENERATED_LABEL}=true`,
    )}`,
    { headers: ctx.backend.auth },
  );
  return answer.status === 200 ? JSON.parse(answer.body).totalItems ?? 0 : 0;
}

export async function growModel(
  ctx: Context,
  generated: GeneratedServices,
): Promise<ScaleResult> {
  const { backend, fixtures } = ctx;
  const wanted = generated.names.length;
  // The catalog reads the generated file at start; it may still be at it.
  const catalogServices = await waitFor(
    `the catalog to hold the ${wanted} generated services`,
    300_000,
    async () => {
      const count = await catalogServiceCount(ctx);
      return count >= wanted ? count : undefined;
    },
    backend.dead,
    1000,
  );
  const before = await backend.memory();
  const objects: Record<string, number> = {};
  log(
    `adding ${
      generated.names.length
    } services' workloads to the clusters (${Object.entries(generated.objects)
      .map(([cluster, list]) => `${cluster} ${list.length}`)
      .join(', ')} objects) ...`,
  );
  const start = performance.now();
  for (const [cluster, list] of Object.entries(generated.objects)) {
    objects[cluster] = list.length;
    for (const object of list) {
      fixtures.apply(cluster, object);
    }
  }
  const lastService = generated.names[generated.names.length - 1];
  // What the last look saw, so that a wait that runs out says why.
  let lastSeen = 'no ladder yet';
  const notCaughtUp = await waitFor(
    `the model to show ${lastService}'s workloads`,
    // A healthy model learns 100 services in seconds; CI need not wait out a minute.
    ctx.options.quick ? 20_000 : 60_000,
    async () => {
      const ladder = await getLadder(
        ctx,
        `component/default/${lastService}`,
      ).catch(error => {
        lastSeen = (error as Error).message;
        throw error;
      });
      const errors = ladderRungErrors(ladder);
      const observed = (ladder.rungs ?? []).filter(
        (rung: any) => rung.observed && rung.kind !== 'preview',
      );
      lastSeen = errors.length
        ? `rung errors: ${errors.join('; ')}`
        : `digests ${observed
            .map((rung: any) => `${rung.name} ${rung.digest ?? 'none'}`)
            .join(', ')}`;
      return errors.length === 0 &&
        observed.length > 0 &&
        observed.every((rung: any) => rung.digest)
        ? true
        : undefined;
    },
    backend.dead,
    250,
  )
    .then(() => undefined)
    .catch(error => {
      // The model not catching up is a finding, not a reason to stop measuring.
      if (backend.dead()) throw error;
      return `${(error as Error).message}; last seen: ${lastSeen}`;
    });
  const caughtUp = !notCaughtUp;
  const modelCatchUpMs = caughtUp ? performance.now() - start : NaN;
  // Let the signals and the derivations the change set off finish before the heap is read.
  await sleep(1000);
  const after = await backend.memory();
  return {
    services: wanted,
    objects,
    modelCatchUpMs,
    notCaughtUp,
    catalogServices,
    memory: {
      heapUsedBefore: before.heapUsed,
      heapUsedAfter: after.heapUsed,
      rssBefore: before.rss,
      rssAfter: after.rss,
      heapDelta: after.heapUsed - before.heapUsed,
      rssDelta: after.rss - before.rss,
    },
  };
}

export interface OverviewResult {
  rows: number;
  rungs: number;
  rowsWithErrors: number;
  /** Each distinct error the rows carry, with how many rows carry it. */
  errors: Record<string, number>;
  firstMs: number;
  firstStatus: number;
  /** Backend requests the page makes: the bench sends what the page sends. */
  backendRequests: number;
  firstClusterRequests: ClusterRequests;
  warm: LoadResult;
  warmClusterRequests: ClusterRequests;
}

export async function measureOverview(ctx: Context): Promise<OverviewResult> {
  const { backend, fixtures, options } = ctx;
  const url = `${backend.base}/api/environment-ladder/overview`;
  log('overview: first load ...');
  fixtures.resetStats();
  const first = await request(url, {
    headers: backend.auth,
    timeoutMs: 120_000,
  });
  await sleep(300);
  const firstClusterRequests = clusterRequests(fixtures);
  if (first.status !== 200) {
    throw new Error(
      `the overview answered ${first.status}: ${first.body.slice(0, 300)}`,
    );
  }
  const body = JSON.parse(first.body);
  fs.writeFileSync(path.join(options.outDir, 'overview.json'), first.body);
  const rows: any[] = body.rows ?? [];
  const errors: Record<string, number> = {};
  for (const row of rows) {
    const messages = new Set<string>(
      [
        row.error,
        row.notSetUp,
        ...(row.cells ?? []).map(
          (c: any) => c.error && `${c.rung}: ${c.error}`,
        ),
      ].filter(Boolean),
    );
    for (const message of messages) {
      errors[message] = (errors[message] ?? 0) + 1;
    }
  }
  log(
    `overview: ${rows.length} rows in ${first.ms.toFixed(
      0,
    )} ms; warm, 1 connection, ${options.durationMs / 1000} s ...`,
  );
  fixtures.resetStats();
  const warm = await load({
    url,
    headers: backend.auth,
    connections: 1,
    durationMs: options.durationMs,
  });
  await sleep(300);
  return {
    rows: rows.length,
    rungs: (body.rungs ?? []).length,
    rowsWithErrors: rows.filter(
      row =>
        row.error ||
        row.notSetUp ||
        (row.cells ?? []).some((c: any) => c.error),
    ).length,
    errors,
    firstMs: first.ms,
    firstStatus: first.status,
    backendRequests: 1,
    firstClusterRequests,
    warm,
    warmClusterRequests: clusterRequests(fixtures),
  };
}
