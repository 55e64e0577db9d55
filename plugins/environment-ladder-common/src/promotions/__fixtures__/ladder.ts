import type {
  AnalysisRunStatus,
  Ladder,
  LadderRung,
  RolloutStatus,
  WorkloadStatus,
} from '../../types';

/** A well-formed sha256 digest made by repeating a two-character seed. */
export function digestOf(seed: string): string {
  return `sha256:${seed.repeat(32)}`;
}

export const V1 = digestOf('a1');
export const V2 = digestOf('b2');
export const V3 = digestOf('c3');

/** A healthy observed rung running `digests` on `replicas` ready replicas of one Deployment. */
export function rung(
  name: string,
  digests: string[],
  overrides: Partial<LadderRung> = {},
): LadderRung {
  const replicas = overrides.replicas ?? { ready: 3, desired: 3 };
  return {
    name,
    title: name,
    observed: true,
    digest: digests.length === 1 ? digests[0] : null,
    digests,
    since: digests.length ? '2026-11-20T10:00:00.000Z' : null,
    replicas,
    workloads: [deployment(name, replicas.desired, replicas.ready)],
    rollouts: [],
    comparedToBelow: null,
    declared: {},
    observedValues: null,
    violations: [],
    error: null,
    ...overrides,
  };
}

export function deployment(
  name: string,
  desired: number,
  ready = desired,
  overrides: Partial<WorkloadStatus> = {},
): WorkloadStatus {
  return {
    kind: 'Deployment',
    cluster: `${name}-cluster`,
    namespace: `shop-${name}`,
    name: 'shop',
    specImages: [],
    replicas: {
      desired,
      current: desired,
      updated: desired,
      ready,
      available: ready,
    },
    running: [],
    revision: 1,
    deployment: {
      progressing: true,
      available: ready >= desired,
      maxSurge: '25%',
      message: null,
    },
    ...overrides,
  };
}

export function analysisRun(
  name: string,
  phase: AnalysisRunStatus['phase'],
): AnalysisRunStatus {
  return { name, phase, message: null, metrics: [] };
}

export function rollout(
  overrides: Partial<RolloutStatus> = {},
  digest = V2,
): RolloutStatus {
  return {
    cluster: 'prod-cluster',
    namespace: 'shop-prod',
    name: 'shop',
    strategy: 'Canary',
    phase: 'Healthy',
    message: '',
    step: '3/3',
    setWeight: 100,
    actualWeight: 100,
    replicas: { desired: 5, current: 5, updated: 5, ready: 5, available: 5 },
    images: [
      {
        image: `ghcr.io/acme/shop@${digest}`,
        digests: [digest],
        roles: ['stable'],
      },
    ],
    analysisRuns: [],
    aborted: false,
    ...overrides,
  };
}

/** local (not observed) → dev → preview → staging → prod, each rung as given. */
export function ladderOf(rungs: {
  dev?: LadderRung;
  preview?: LadderRung;
  staging?: LadderRung;
  prod?: LadderRung;
}): Ladder {
  return {
    entityRef: 'component:default/shop',
    rungs: [
      {
        ...rung('local', []),
        observed: false,
        workloads: [],
        replicas: { ready: 0, desired: 0 },
      },
      rungs.dev ?? rung('dev', [V3]),
      rungs.preview ?? rung('preview', []),
      rungs.staging ?? rung('staging', [V2]),
      rungs.prod ?? rung('prod', [V1]),
    ],
    violations: [],
    generatedAt: '2026-11-27T00:00:00.000Z',
  };
}

export const RUNG_RULES = [
  {
    name: 'local',
    gate: { type: 'auto-merge' as const, canaryAnalysis: false },
  },
  { name: 'dev', gate: { type: 'auto-merge' as const, canaryAnalysis: false } },
  {
    name: 'preview',
    gate: { type: 'auto-merge' as const, canaryAnalysis: false },
    preview: true,
  },
  { name: 'staging', gate: { type: 'review' as const, canaryAnalysis: false } },
  {
    name: 'prod',
    gate: { type: 'review-and-approval' as const, canaryAnalysis: true },
  },
];
