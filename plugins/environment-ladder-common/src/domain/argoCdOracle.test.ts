import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { getAnalysisRunStatus } from './getAnalysisRunStatus';
import { getRolloutStatus } from './getRolloutStatus';

// Argo CD's own health assertions on real Rollouts and AnalysisRuns are the oracle for our
// phases and messages. See src/__fixtures__/argo-cd/README.md for their source.
const ROOT = path.resolve(__dirname, '../__fixtures__/argo-cd');
const KIND_DIRS = {
  Rollout: 'resource_customizations/argoproj.io/Rollout/testdata',
  AnalysisRun: 'resource_customizations/argoproj.io/AnalysisRun/testdata',
} as const;

interface OracleCase {
  kind: string;
  file: string;
  expected_health: string;
  expected_message?: string | null;
}

const oracle: OracleCase[] = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'expected-health.json'), 'utf8'),
).cases;

type Source = 'kubectl argo rollouts' | 'AnalysisRun status.message';

/**
 * Where we differ from Argo CD, and which source the tab follows for each. Rollouts:
 * the tab shows `kubectl argo rollouts get rollout`'s Status and Message word for word
 * (`GetRolloutPhase`), because users compare the tab with the CLI; anything else
 * goes to our separate `explanation` line. AnalysisRuns: the CLI prints no message for
 * a run, so the tab shows the run's own `status.message` (the controller's words, null
 * here) and never Argo CD's sentence per phase; why a run failed is `failureReason`.
 * Each entry names our exact message (and health, when that differs too) and why;
 * the README's "Argo CD and the CLI" section lists the same decisions.
 */
const DIFFERENCES: Record<
  string,
  { follows: Source; ours: string | null; health?: string; reason: string }
> = {
  // The first ten are the differences this test listed before the CLI port.
  'Rollout/testdata/degraded_invalidSpec.yaml': {
    follows: 'kubectl argo rollouts',
    ours: `InvalidSpec: The Rollout "basic" is invalid: spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'`,
    reason:
      'CalculateRolloutPhase writes "<condition reason>: <condition message>"; Argo CD the bare message',
  },
  'Rollout/testdata/degraded_rolloutTimeout.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'ProgressDeadlineExceeded: ReplicaSet "guestbook-bluegreen-helm-guestbook-6b8cf6f7db" has timed out progressing.',
    reason:
      'CalculateRolloutPhase writes "<condition reason>: <condition message>"; Argo CD the bare message',
  },
  'Rollout/testdata/degraded_abortedRollout.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'RolloutAborted: Rollout is aborted',
    reason:
      'CalculateRolloutPhase writes "<condition reason>: <condition message>"; Argo CD the bare message',
  },
  ...Object.fromEntries(
    [
      'pendingAnalysisRun.yaml',
      'noStatusAnalysisRun.yaml',
      'runningAnalysisRun.yaml',
      'successfulAnalysisRun.yaml',
      'failedAnalysisRun.yaml',
      'errorAnalysisRun.yaml',
      'inconclusiveAnalysisRun.yaml',
    ].map(file => [
      `AnalysisRun/testdata/${file}`,
      {
        follows: 'AnalysisRun status.message' as const,
        ours: null,
        reason:
          "Argo CD's default sentence per phase; we keep the run's own status.message, absent here",
      },
    ]),
  ),
  // Surfaced by the port of GetRolloutPhase / CalculateRolloutPhase.
  'Rollout/testdata/newRolloutWithoutStatus.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'more replicas need to be updated',
    reason:
      'without status, isGenerationObserved is true (no numeric observedGeneration) and CalculateRolloutPhase finds 0 updated of 1 replica; our explanation says the rollout has no status yet',
  },
  'Rollout/testdata/progressing_newGeneration.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'waiting for rollout spec update to be observed',
    reason: 'GetRolloutPhase writes it in lower case',
  },
  'Rollout/testdata/progressing_newWorkloadGeneration.yaml': {
    follows: 'kubectl argo rollouts',
    ours: '',
    health: 'Healthy',
    reason:
      'the CLI never checks the workload generation (TemplateResolvedFromRef is json:"-"), so it prints the recorded Healthy; our explanation says the referenced workload is not observed yet',
  },
  ...Object.fromEntries(
    [
      [
        'bluegreen/progressing_addingMoreReplicas.yaml',
        'more replicas need to be updated',
      ],
      [
        'canary/progressing_setWeightStep.yaml',
        'more replicas need to be updated',
      ],
      [
        'bluegreen/progressing_waitingUntilAvailable.yaml',
        'updated replicas are still becoming available',
      ],
      [
        'canary/progressing_noSteps.yaml',
        'updated replicas are still becoming available',
      ],
      [
        'canary/progressing_killingOldReplicas.yaml',
        'old replicas are pending termination',
      ],
    ].map(([file, ours]) => [
      `Rollout/testdata/${file}`,
      {
        follows: 'kubectl argo rollouts' as const,
        ours,
        reason:
          'CalculateRolloutPhase\'s short text; Argo CD prefixes "Waiting for roll out to finish: "',
      },
    ]),
  ),
  'Rollout/testdata/suspended_controllerPause.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'CanaryPauseStep',
    reason:
      'CalculateRolloutPhase gives the pause condition\'s reason; Argo CD says "Rollout is paused"',
  },
  'Rollout/testdata/suspended_userPause.yaml': {
    follows: 'kubectl argo rollouts',
    ours: 'manually paused',
    reason:
      'CalculateRolloutPhase says "manually paused" for spec.paused; Argo CD says "Rollout is paused"',
  },
};

// Argo CD's health labels for our phases.
const ROLLOUT_HEALTH: Record<string, string> = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Paused: 'Suspended',
  Degraded: 'Degraded',
};
const ANALYSIS_HEALTH: Record<string, string> = {
  Pending: 'Progressing',
  Running: 'Progressing',
  Successful: 'Healthy',
  Failed: 'Degraded',
  Error: 'Degraded',
  Inconclusive: 'Unknown',
  Unknown: 'Unknown',
};

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(entry =>
      entry.isDirectory()
        ? listFiles(path.join(dir, entry.name))
        : [path.join(dir, entry.name)],
    )
    .sort();
}

function assess(kind: keyof typeof KIND_DIRS, object: unknown) {
  if (kind === 'Rollout') {
    const status = getRolloutStatus(object, {
      replicaSets: [],
      pods: [],
      analysisRuns: [],
      cluster: 'oracle',
    });
    return { health: ROLLOUT_HEALTH[status.phase], message: status.message };
  }
  const status = getAnalysisRunStatus(object);
  return { health: ANALYSIS_HEALTH[status.phase], message: status.message };
}

describe.each(Object.keys(KIND_DIRS) as Array<keyof typeof KIND_DIRS>)(
  'Argo CD oracle for %s',
  kind => {
    const dir = path.join(ROOT, KIND_DIRS[kind]);
    const files = listFiles(dir);

    it('has every fixture file and an oracle case for each', () => {
      expect(files).toHaveLength(kind === 'Rollout' ? 24 : 11);
      const cases = oracle.filter(c => c.kind === kind).map(c => c.file);
      expect(cases.sort()).toEqual(
        files.map(file => path.relative(ROOT, file)).sort(),
      );
    });

    it.each(files.map(file => [path.relative(dir, file), file]))(
      'agrees on %s',
      (_name, file) => {
        const relative = path.relative(ROOT, file);
        const expected = oracle.find(c => c.file === relative)!;
        const ours = assess(kind, parse(fs.readFileSync(file, 'utf8')));

        const key = `${kind}/${path.relative(path.join(dir, '..'), file)}`;
        const difference = DIFFERENCES[key];
        expect(ours.health).toBe(
          difference?.health ?? expected.expected_health,
        );
        // A missing message in health_test.yaml means an empty one.
        const wanted = difference
          ? difference.ours
          : expected.expected_message ?? '';
        const got = difference ? ours.message : ours.message ?? '';
        expect(got).toBe(wanted);
      },
    );
  },
);

it.each(Object.entries(DIFFERENCES))(
  'documents a real difference for %s, and the source the tab follows',
  (key, difference) => {
    const [kind, ...rest] = key.split('/') as [
      keyof typeof KIND_DIRS,
      ...string[],
    ];
    const file = path.join(ROOT, KIND_DIRS[kind], '..', ...rest);
    const expected = oracle.find(c => c.file === path.relative(ROOT, file));
    expect(expected).toBeDefined();
    expect(difference.reason).not.toBe('');
    expect(difference.follows).toBe(
      kind === 'Rollout'
        ? 'kubectl argo rollouts'
        : 'AnalysisRun status.message',
    );
    // Otherwise the entry is stale and the table must shrink.
    const sameMessage = difference.ours === (expected!.expected_message ?? '');
    const sameHealth =
      (difference.health ?? expected!.expected_health) ===
      expected!.expected_health;
    expect(sameMessage && sameHealth).toBe(false);
  },
);
