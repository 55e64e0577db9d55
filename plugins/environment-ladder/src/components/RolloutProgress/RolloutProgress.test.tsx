import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { getRolloutStatus } from '@environment-ladder/plugin-environment-ladder-common';
import { RolloutProgress } from './RolloutProgress';
// The demo clusters' objects and answer key are repository fixtures, not a package:
// the test reads them where they are, as the backend's tests do.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import expected from '../../../../../examples/clusters/expected.json';
// Jest reads YAML as parsed objects (Backstage's YAML transform); the declared
// type is the bundler's URL string, hence the cast below.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import paymentsProdYaml from '../../../../../examples/clusters/prod/payments.yaml';

// The payments story of the demo clusters, read by the same domain function the
// backend uses; the answer key says what its analysis runs hold.
function paymentsProdRollout() {
  const list = paymentsProdYaml as unknown as {
    items: Array<{ kind: string }>;
  };
  const ofKind = (kind: string) =>
    list.items.filter(item => item.kind === kind);
  return getRolloutStatus(ofKind('Rollout')[0], {
    replicaSets: ofKind('ReplicaSet'),
    pods: ofKind('Pod'),
    analysisRuns: ofKind('AnalysisRun'),
    cluster: 'prod',
  });
}

describe('RolloutProgress', () => {
  it("shows the CLI's status and message, our note apart, and why the payments analysis failed with its values", async () => {
    await renderInTestApp(<RolloutProgress rollout={paymentsProdRollout()} />);
    // The answer key's shape, for the fields this test reads.
    const key = expected.payments.prod.rollout as unknown as {
      phase: string;
      message: string;
      analysisRuns: Array<{
        name: string;
        phase: string;
        message?: string;
        metrics: Array<{ name: string; values?: string[] }>;
      }>;
    };

    // kubectl argo rollouts get rollout: Status Paused, Message CanaryPauseStep.
    expect(screen.getByTestId('rollout-status-payments')).toHaveTextContent(
      key.phase,
    );
    expect(screen.getByTestId('rollout-message-payments')).toHaveTextContent(
      `Message: ${key.message}`,
    );
    const note = screen.getByTestId('rollout-explanation-payments');
    expect(note).toHaveTextContent(/^Ladder's note:/);
    expect(
      screen.getByTestId('rollout-message-payments'),
    ).not.toHaveTextContent("Ladder's note");
    expect(
      screen.getByText('Step 3/8 · set weight 20% · actual weight 20%'),
    ).toBeInTheDocument();

    // The failed analysis of the earlier canary: the controller's reason, and
    // every value its metric measured.
    const failedKey = key.analysisRuns.find(run => run.phase === 'Failed')!;
    const failed = within(screen.getByTestId(`analysis-${failedKey.name}`));
    expect(
      failed.getByTestId(`analysis-failure-${failedKey.name}`),
    ).toHaveTextContent(`Why it failed: ${failedKey.message}`);
    const metric = failed.getByTestId(
      `analysis-metric-${failedKey.name}-${failedKey.metrics[0].name}`,
    );
    for (const value of failedKey.metrics[0].values!) {
      expect(metric).toHaveTextContent(value);
    }
    expect(metric).toHaveTextContent('failed (3) > failureLimit (2)');
    expect(metric).toHaveTextContent('result >= 0.99');

    // The running analysis of the current canary has no failure reason.
    const running = key.analysisRuns.find(run => run.phase === 'Running')!;
    expect(
      screen.queryByTestId(`analysis-failure-${running.name}`),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId(`analysis-${running.name}`)).toHaveTextContent(
      `revision 12): Running`,
    );
  });
});
