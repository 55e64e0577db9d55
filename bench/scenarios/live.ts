/*
 * Live: a change in a cluster until an open tab shows it, and what open tabs
 * cost the clusters when nothing changes.
 *
 * The "tab" is what the Environments tab does, from Node: subscribed to the
 * service's signals channel over the signals WebSocket, it refetches the
 * ladder on every signal; the change is shown when a refetch carries it. The
 * change: checkout's dev pods start running a new digest, written through the
 * fixture cluster's admin API (PUT /_fixture/objects).
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ladderSignalChannel } from '@environment-ladder/plugin-environment-ladder-common';
import {
  clusterRequests,
  ENTITY_REF,
  getLadder,
  SERVICE,
  type ClusterRequests,
  type Context,
} from '../lib/context';
import { median, request } from '../lib/http';
import { log, sleep, waitFor } from '../lib/processes';
import { subscribe } from '../lib/signals';

const CLUSTER = 'dev';

export interface LiveSample {
  /** From the change to the first signal on the tab's channel; null: none within the timeout. */
  signalMs: number | null;
  /** From the change to a refetched ladder showing it; null: not within the timeout. */
  visibleMs: number | null;
  refetches: number;
  /** Why the sample could not be taken. */
  error?: string;
}

export interface LiveResult {
  cluster: string;
  samples: LiveSample[];
  medianVisibleMs: number;
  medianSignalMs: number;
}

const digestOf = (ladder: any): string | null =>
  ladder.rungs?.find((rung: any) => rung.name === CLUSTER)?.digest ?? null;

export async function measureLive(ctx: Context): Promise<LiveResult> {
  const { backend, fixtures, options } = ctx;
  const cluster = fixtures.clusters.find(c => c.name === CLUSTER)!;
  const tab = await subscribe(
    backend.base,
    backend.token,
    ladderSignalChannel(ENTITY_REF),
  );
  const samples: LiveSample[] = [];
  // Beyond the 2 s target either way; quick mode need not wait as long.
  const TIMEOUT_MS = options.quick ? 5000 : 10_000;
  try {
    for (let i = 0; i < options.liveSamples; i++) {
      // The previous change has settled: the rung runs one digest again.
      let before: any;
      const old = await waitFor(
        `checkout's ${CLUSTER} rung to show one digest`,
        TIMEOUT_MS,
        async () => digestOf((before = await getLadder(ctx))) ?? undefined,
        backend.dead,
        250,
      ).catch(error => {
        if (backend.dead()) throw error;
        return undefined;
      });
      if (!old) {
        // Not a reason to stop measuring: the sample failed, and says why.
        const rung = before?.rungs?.find((r: any) => r.name === CLUSTER);
        const why = `checkout's ${CLUSTER} rung showed no single digest within ${
          TIMEOUT_MS / 1000
        } s (${
          rung?.error?.message ?? `digests: ${rung?.digests?.length ?? 0}`
        })`;
        log(`live ${i + 1}/${options.liveSamples}: ${why}`);
        samples.push({
          signalMs: null,
          visibleMs: null,
          refetches: 0,
          error: why,
        });
        continue;
      }
      const oldHex = old.replace(/^sha256:/, '');
      const pods = await request(
        `${cluster.url}/api/v1/pods?labelSelector=${encodeURIComponent(
          `backstage.io/kubernetes-id=${SERVICE}`,
        )}`,
        {
          headers: {
            Authorization: 'Bearer fixture-token',
            Accept: 'application/json',
          },
        },
      );
      const running = (JSON.parse(pods.body).items ?? [])
        .map((pod: any) => JSON.stringify(pod))
        .filter((pod: string) => pod.includes(oldHex));
      const newHex = crypto
        .createHash('sha256')
        .update(`bench live ${i} ${Date.now()}`)
        .digest('hex');
      // Nothing else in flight: a signal now is this change's.
      await sleep(500);
      tab.drain();
      const signal = tab.next(TIMEOUT_MS);
      const start = performance.now();
      for (const pod of running) {
        const put = await request(`${cluster.url}/_fixture/objects`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: pod.replaceAll(oldHex, newHex),
        });
        if (put.status !== 200) {
          throw new Error(
            `the fixture cluster refused a pod (${put.status}): ${put.body}`,
          );
        }
      }
      const signalAt = await signal;
      let visibleAt: number | undefined;
      let refetches = 0;
      if (signalAt !== undefined) {
        // As the tab does: refetch on each signal until the ladder shows the change.
        for (;;) {
          refetches += 1;
          const ladder = await getLadder(ctx);
          if (digestOf(ladder)?.includes(newHex)) {
            visibleAt = performance.now();
            break;
          }
          const left = start + TIMEOUT_MS - performance.now();
          if (left <= 0 || (await tab.next(left)) === undefined) break;
        }
      }
      samples.push({
        signalMs: signalAt === undefined ? null : signalAt - start,
        visibleMs: visibleAt === undefined ? null : visibleAt - start,
        refetches,
      });
      log(
        `live ${i + 1}/${options.liveSamples}: signal ${
          signalAt === undefined
            ? 'none'
            : `${(signalAt - start).toFixed(0)} ms`
        }, shown ${
          visibleAt === undefined
            ? `not within ${TIMEOUT_MS / 1000} s`
            : `${(visibleAt - start).toFixed(0)} ms`
        }`,
      );
    }
  } finally {
    tab.close();
  }
  const seen = (values: Array<number | null>) =>
    values.some(v => v === null)
      ? NaN
      : median(values.filter((v): v is number => v !== null));
  return {
    cluster: CLUSTER,
    samples,
    medianVisibleMs: seen(samples.map(s => s.visibleMs)),
    medianSignalMs: seen(samples.map(s => s.signalMs)),
  };
}

export interface IdleResult {
  tabs: number;
  windowMs: number;
  requests: ClusterRequests;
  perMinute: { lists: number; watches: number };
  /** Signals the open tabs received while nothing changed. */
  signals: number;
}

/** `tabs` open tabs on checkout and nothing changing: what reaches the clusters. */
export async function measureIdle(ctx: Context): Promise<IdleResult> {
  const { backend, fixtures, options } = ctx;
  const channel = ladderSignalChannel(ENTITY_REF);
  const tabs = await Promise.all(
    Array.from({ length: options.tabs }, () =>
      subscribe(backend.base, backend.token, channel),
    ),
  );
  try {
    log(
      `idle: ${options.tabs} open tabs, counting cluster requests for ${
        options.idleMs / 1000
      } s ...`,
    );
    await sleep(1000);
    const signalsBefore = tabs.reduce((sum, tab) => sum + tab.received, 0);
    fixtures.resetStats();
    await sleep(options.idleMs);
    const requests = clusterRequests(fixtures);
    const signals =
      tabs.reduce((sum, tab) => sum + tab.received, 0) - signalsBefore;
    const perMinute = (n: number) => (n * 60_000) / options.idleMs;
    return {
      tabs: options.tabs,
      windowMs: options.idleMs,
      requests,
      perMinute: {
        lists: perMinute(requests.lists),
        watches: perMinute(requests.watches),
      },
      signals,
    };
  } finally {
    tabs.forEach(tab => tab.close());
  }
}
