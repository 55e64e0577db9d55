import {
  brokenLadder,
  healthyLadder,
  prodMidCanaryLadder,
} from '../__fixtures__/ladder/stories';
import type { RungObjects } from '../types';
import { buildLadder } from './buildLadder';
import { getAnalysisRunStatus } from './getAnalysisRunStatus';
import { getRolloutStatus } from './getRolloutStatus';
import { observeRungValues } from './observeRungValues';
import { observeWorkloads } from './observeWorkloads';

// Kubernetes objects reach the domain from clusters we do not control: any field may be
// missing, null, of the wrong type or absurdly large, and nothing may throw.
const HUGE = 'x'.repeat(1_000_000);
const WEIRD: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '3',
  'True',
  HUGE,
  `sha256:${HUGE}`,
  true,
  [],
  [null],
  [[]],
  {},
  { '': null },
  JSON.parse(
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}',
  ),
  Object.create(null),
];

// A small deterministic PRNG so that a failure can be replayed.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

function mutate(value: unknown, next: () => number, rate: number): unknown {
  if (next() < rate) {
    return WEIRD[Math.floor(next() * WEIRD.length)];
  }
  if (Array.isArray(value)) {
    return value.map(item => mutate(item, next, rate));
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = mutate(item, next, rate);
    }
    return copy;
  }
  return value;
}

const stories = [healthyLadder, prodMidCanaryLadder, brokenLadder];

describe('hostile input', () => {
  it('never throws on randomly corrupted ladders', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      const input = stories[seed % stories.length]();
      const rate = [0.02, 0.1, 0.3][seed % 3];
      const corrupted = {
        ...input,
        rungs: input.rungs.map(rung => ({
          ...rung,
          result: mutate(rung.result, next, rate) as typeof rung.result,
        })),
      };
      expect(() => buildLadder(corrupted)).not.toThrow();
      const ladder = buildLadder(corrupted);
      expect(ladder.rungs).toHaveLength(4);
      // What comes out is still plain JSON.
      expect(() => JSON.stringify(ladder)).not.toThrow();
    }
  });

  it('never throws on objects of the wrong shape', () => {
    for (const value of WEIRD) {
      const objects = {
        pods: [value, { metadata: value, spec: value, status: value }],
        replicaSets: [
          value,
          {
            metadata: { name: 'rs', ownerReferences: value },
            spec: { template: value },
          },
        ],
        deployments: [
          value,
          {
            metadata: { name: 'shop', annotations: value },
            spec: value,
            status: value,
          },
        ],
        rollouts: [
          value,
          {
            metadata: { name: 'shop', generation: value },
            spec: { strategy: value, replicas: value },
            status: value,
          },
        ],
        analysisRuns: [
          value,
          {
            metadata: { name: 'run', ownerReferences: [value] },
            status: { phase: value, metricResults: value },
          },
        ],
        ingresses: [value, { spec: { rules: [value], tls: value } }],
        horizontalPodAutoscalers: [value, { spec: value }],
      } as RungObjects;
      const context = {
        replicaSets: objects.replicaSets,
        pods: objects.pods,
        analysisRuns: objects.analysisRuns,
        cluster: 'c',
      };
      expect(() => observeWorkloads(objects, { cluster: 'c' })).not.toThrow();
      expect(() =>
        observeWorkloads(value as RungObjects, { cluster: 'c' }),
      ).not.toThrow();
      expect(() => getRolloutStatus(value, context)).not.toThrow();
      for (const rollout of objects.rollouts) {
        expect(() => getRolloutStatus(rollout, context)).not.toThrow();
      }
      expect(() => getAnalysisRunStatus(value)).not.toThrow();
      expect(() => observeRungValues(objects, [], [])).not.toThrow();
      expect(() =>
        buildLadder({
          entityRef: 'component:default/shop',
          now: new Date(0),
          rungs: [
            {
              name: 'a',
              title: 'A',
              observed: true,
              declared: {},
              result: { objectsByCluster: [{ cluster: 'c', objects }] },
            },
            {
              name: 'b',
              title: 'B',
              observed: true,
              declared: {},
              result: value as null,
            },
            {
              name: 'c',
              title: 'C',
              observed: true,
              declared: {},
              result: { objectsByCluster: [value as never] },
            },
          ],
        }),
      ).not.toThrow();
    }
  });

  it('reads a Rollout without status, and numbers written as strings', () => {
    expect(
      getRolloutStatus(
        {
          metadata: { name: 'shop', generation: '2' },
          spec: {
            replicas: '3',
            strategy: { canary: { steps: [null, { setWeight: '50' }] } },
          },
        },
        { replicaSets: [], pods: [], analysisRuns: [], cluster: 'c' },
      ),
    ).toMatchObject({
      // No status: observed (no numeric observedGeneration), 0 of 3 updated.
      phase: 'Progressing',
      message: 'more replicas need to be updated',
      replicas: { desired: 3, current: 0, updated: 0, ready: 0, available: 0 },
      // The CLI prints no Step without status.currentStepIndex; the current step is
      // still the first (null, an empty step to Go), so the set weight is 0; a
      // weight written as a string is not an int32 and counts as absent.
      step: null,
      setWeight: 0,
      actualWeight: 0,
    });
    const [deployment] = observeWorkloads(
      {
        pods: [],
        replicaSets: [],
        rollouts: [],
        analysisRuns: [],
        ingresses: [],
        horizontalPodAutoscalers: [],
        deployments: [
          {
            metadata: {
              name: 'shop',
              annotations: { 'deployment.kubernetes.io/revision': '12' },
            },
            spec: { replicas: '4' },
            status: {
              readyReplicas: '2',
              updatedReplicas: -3,
              replicas: 1e300,
            },
          },
        ],
      },
      { cluster: 'c' },
    );
    expect(deployment).toMatchObject({
      revision: 12,
      replicas: { desired: 4, current: 0, updated: 0, ready: 2, available: 0 },
    });
  });

  it('stays fast on huge strings', () => {
    const start = Date.now();
    observeWorkloads(
      {
        pods: Array.from({ length: 200 }, () => ({
          metadata: { name: HUGE, labels: { app: 'shop' } },
          spec: { containers: [{ name: 'shop', image: HUGE }] },
          status: {
            startTime: HUGE,
            containerStatuses: [
              { name: 'shop', imageID: `docker-pullable://${HUGE}` },
            ],
          },
        })),
        replicaSets: [],
        deployments: [
          {
            metadata: { name: 'shop' },
            spec: {
              selector: { matchLabels: { app: 'shop' } },
              template: {
                spec: { containers: [{ name: 'shop', image: HUGE }] },
              },
            },
          },
        ],
        rollouts: [],
        analysisRuns: [],
        ingresses: [],
        horizontalPodAutoscalers: [],
      },
      { cluster: 'c' },
    );
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
