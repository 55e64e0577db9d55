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

/**
 * Where our message differs from Argo CD's on purpose. Each entry names our exact message
 * and why; the phase must still agree.
 */
const DOCUMENTED_EXCEPTIONS: Record<
  string,
  { ours: string | null; reason: string }
> = {
  // Rollouts: a Degraded message carries the condition's reason, as Argo Rollouts itself
  // (and `kubectl argo rollouts get rollout`) writes it; Argo CD shows the bare message.
  'Rollout/testdata/degraded_invalidSpec.yaml': {
    ours: `InvalidSpec: The Rollout "basic" is invalid: spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'`,
    reason:
      'Degraded message is "<condition reason>: <condition message>" (Argo Rollouts)',
  },
  'Rollout/testdata/degraded_rolloutTimeout.yaml': {
    ours: 'ProgressDeadlineExceeded: ReplicaSet "guestbook-bluegreen-helm-guestbook-6b8cf6f7db" has timed out progressing.',
    reason:
      'Degraded message is "<condition reason>: <condition message>" (Argo Rollouts)',
  },
  'Rollout/testdata/degraded_abortedRollout.yaml': {
    ours: 'RolloutAborted: Rollout is aborted',
    reason:
      'Degraded message is "<condition reason>: <condition message>" (Argo Rollouts)',
  },
  // AnalysisRuns: Argo CD invents a sentence per phase when the run has no message; we
  // report the run's own status.message and null without one (the phase says the same).
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
        ours: null,
        reason:
          "Argo CD's default sentence per phase; we keep the run's own status.message, absent here",
      },
    ]),
  ),
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

        expect(ours.health).toBe(expected.expected_health);

        const key = `${kind}/${path.relative(path.join(dir, '..'), file)}`;
        const exception = DOCUMENTED_EXCEPTIONS[key];
        // A missing message in health_test.yaml means an empty one.
        const wanted = exception
          ? exception.ours
          : expected.expected_message ?? '';
        const got = exception ? ours.message : ours.message ?? '';
        expect(got).toBe(wanted);
      },
    );
  },
);

it.each(Object.entries(DOCUMENTED_EXCEPTIONS))(
  'documents a real difference for %s',
  (key, exception) => {
    const [kind, ...rest] = key.split('/') as [
      keyof typeof KIND_DIRS,
      ...string[],
    ];
    const file = path.join(ROOT, KIND_DIRS[kind], '..', ...rest);
    const expected = oracle.find(c => c.file === path.relative(ROOT, file));
    expect(expected).toBeDefined();
    expect(exception.reason).not.toBe('');
    // Otherwise the exception is stale and the table must shrink.
    expect(exception.ours).not.toBe(expected!.expected_message ?? '');
  },
);
