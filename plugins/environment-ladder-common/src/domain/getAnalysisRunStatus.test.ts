import { getAnalysisRunStatus } from './getAnalysisRunStatus';

describe('getAnalysisRunStatus', () => {
  it('reads phase, message and metric results', () => {
    expect(
      getAnalysisRunStatus({
        metadata: { name: 'shop-7f9c8b6d4e-3-3' },
        status: {
          phase: 'Failed',
          message:
            'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
          metricResults: [
            {
              name: 'error-rate',
              phase: 'Failed',
              count: 3,
              failed: 2,
              successful: 1,
              measurements: [
                { phase: 'Successful', value: '0.001' },
                { phase: 'Failed', value: 0.04, message: 'above threshold' },
              ],
            },
            {
              name: 'latency',
              phase: 'Error',
              error: '5',
              consecutiveError: 5,
              message: 'Post "http://prometheus": dial tcp: i/o timeout',
              measurements: [],
            },
          ],
        },
      }),
    ).toEqual({
      name: 'shop-7f9c8b6d4e-3-3',
      phase: 'Failed',
      message:
        'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
      metrics: [
        {
          name: 'error-rate',
          phase: 'Failed',
          lastValue: '0.04',
          successful: 1,
          failed: 2,
          inconclusive: 0,
          error: 0,
          message: 'above threshold',
          measurements: [
            {
              phase: 'Successful',
              value: '0.001',
              startedAt: null,
              message: null,
            },
            {
              phase: 'Failed',
              value: '0.04',
              startedAt: null,
              message: 'above threshold',
            },
          ],
          successCondition: null,
          failureCondition: null,
          // No spec: the default failureLimit 0.
          failureReason: 'failed (2) > failureLimit (0)',
        },
        {
          name: 'latency',
          phase: 'Error',
          lastValue: null,
          successful: 0,
          failed: 0,
          inconclusive: 0,
          error: 5,
          message: 'Post "http://prometheus": dial tcp: i/o timeout',
          measurements: [],
          successCondition: null,
          failureCondition: null,
          failureReason: 'consecutiveErrors (5) > consecutiveErrorLimit (4)',
        },
      ],
      revision: null,
      // The controller's own sentence wins.
      failureReason:
        'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
    });
  });

  it('is Pending until reconciled and Unknown for a phase Argo Rollouts does not define', () => {
    expect(getAnalysisRunStatus({ metadata: { name: 'a' } }).phase).toBe(
      'Pending',
    );
    expect(getAnalysisRunStatus({ status: {} }).phase).toBe('Pending');
    expect(getAnalysisRunStatus({ status: { phase: 'Exploded' } }).phase).toBe(
      'Unknown',
    );
    expect(getAnalysisRunStatus({ status: { phase: 7 } }).phase).toBe(
      'Unknown',
    );
  });

  it('shortens a huge measured value', () => {
    const run = getAnalysisRunStatus({
      status: {
        phase: 'Running',
        metricResults: [
          {
            name: 'm',
            phase: 'Running',
            measurements: [{ value: 'x'.repeat(100_000) }],
          },
        ],
      },
    });
    expect(run.metrics[0].lastValue).toHaveLength(1025);
  });
});
