import {
  assessMetricFailureInconclusiveOrError,
  computeRunFailureMessage,
  isWorse,
} from './analysisFailure';

// Objects written for the controller's phase logic (analysis/analysis.go:
// assessMetricFailureInconclusiveOrError, assessRunStatus) and IsWorse (utils/analysis).
describe('isWorse', () => {
  it('ranks Successful < Running < Pending < Inconclusive < Error < Failed', () => {
    expect(isWorse('Successful', 'Failed')).toBe(true);
    expect(isWorse('Error', 'Failed')).toBe(true);
    expect(isWorse('Failed', 'Error')).toBe(false);
    expect(isWorse('Inconclusive', 'Error')).toBe(true);
    expect(isWorse('Failed', 'Failed')).toBe(false);
  });
});

describe('assessMetricFailureInconclusiveOrError', () => {
  const run = { spec: { args: [{ name: 'limit', value: '3' }] } };

  it('fails past failureLimit (default 0), never with a negative one', () => {
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { failureLimit: 2 },
        { failed: 3 },
      ),
    ).toEqual({ phase: 'Failed', reason: 'failed (3) > failureLimit (2)' });
    expect(
      assessMetricFailureInconclusiveOrError(run, {}, { failed: 1 }),
    ).toEqual({ phase: 'Failed', reason: 'failed (1) > failureLimit (0)' });
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { failureLimit: 2 },
        { failed: 2 },
      ),
    ).toEqual({ phase: null, reason: null });
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { failureLimit: -1 },
        { failed: 9 },
      ),
    ).toEqual({ phase: null, reason: null });
  });

  it('resolves a limit given as a string or as {{args.name}}', () => {
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { failureLimit: '{{args.limit}}' },
        { failed: 4 },
      ).reason,
    ).toBe('failed (4) > failureLimit (3)');
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { failureLimit: '5' },
        { failed: 4 },
      ).phase,
    ).toBeNull();
  });

  it('lets inconclusive, then consecutive errors (default limit 4), override', () => {
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        {},
        { failed: 1, inconclusive: 1 },
      ),
    ).toEqual({
      phase: 'Inconclusive',
      reason: 'inconclusive (1) > inconclusiveLimit (0)',
    });
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        {},
        { failed: 1, inconclusive: 1, consecutiveError: 5 },
      ),
    ).toEqual({
      phase: 'Error',
      reason: 'consecutiveErrors (5) > consecutiveErrorLimit (4)',
    });
    expect(
      assessMetricFailureInconclusiveOrError(
        run,
        { consecutiveErrorLimit: 10 },
        { consecutiveError: 5 },
      ).phase,
    ).toBeNull();
  });
});

describe('computeRunFailureMessage', () => {
  it("writes the controller's sentence for the worst completed metric, dry-run left out", () => {
    const run = {
      spec: {
        metrics: [
          { name: 'latency', failureLimit: 1 },
          { name: 'error-rate', failureLimit: 2 },
          { name: 'experimental' },
        ],
      },
      status: {
        metricResults: [
          { name: 'latency', phase: 'Successful', failed: 1 },
          {
            name: 'error-rate',
            phase: 'Failed',
            failed: 3,
            message: 'result 0.04 above 0.01',
          },
          { name: 'experimental', phase: 'Failed', failed: 9, dryRun: true },
          { name: 'running', phase: 'Running' },
        ],
      },
    };
    expect(computeRunFailureMessage(run)).toBe(
      'Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2): "Error Message: result 0.04 above 0.01"',
    );
  });

  it('is null when no completed metric has a reason', () => {
    expect(
      computeRunFailureMessage({
        status: { metricResults: [{ name: 'm', phase: 'Successful' }] },
      }),
    ).toBeNull();
  });
});
