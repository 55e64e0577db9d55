import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type {
  AnalysisMetricResult,
  AnalysisRunStatus,
} from '@environment-ladder/plugin-environment-ladder-common';

// The marks `kubectl argo rollouts get rollout` uses for a measurement's phase.
const PHASE_MARKS: Record<string, string> = {
  Successful: '✔',
  Failed: '✖',
  Error: '⚠',
  Inconclusive: '?',
};

function MetricValues(props: {
  runName: string;
  metric: AnalysisMetricResult;
}) {
  const { runName, metric } = props;
  const measurements = metric.measurements ?? [];
  return (
    <Box data-testid={`analysis-metric-${runName}-${metric.name}`}>
      <Chip
        size="small"
        variant="outlined"
        // The theme's text colour with the CLI's mark: coloured labels on a light
        // outline fail contrast, and colour is never the only signal.
        label={`${
          PHASE_MARKS[metric.phase] ? `${PHASE_MARKS[metric.phase]} ` : ''
        }${metric.name}: ${metric.phase}${
          // Without measurements (an older backend), the last value goes on the chip.
          measurements.length === 0 && metric.lastValue !== null
            ? ` (${metric.lastValue})`
            : ''
        }`}
      />
      {measurements.length > 0 && (
        <Typography variant="caption" component="span">
          {' '}
          values{' '}
          {measurements
            .map(
              m =>
                `${m.value ?? '…'}${
                  PHASE_MARKS[m.phase] ? ` ${PHASE_MARKS[m.phase]}` : ''
                }`,
            )
            .join(', ')}
        </Typography>
      )}
      {metric.successCondition && (
        <Typography variant="caption" color="textSecondary" component="span">
          {' '}
          (passes when {metric.successCondition})
        </Typography>
      )}
      {metric.failureReason && (
        <Typography variant="caption" component="div">
          <strong>{metric.name}:</strong> {metric.failureReason}
        </Typography>
      )}
      {!metric.failureReason && metric.message && (
        <Typography variant="caption" color="textSecondary" component="div">
          {metric.message}
        </Typography>
      )}
    </Box>
  );
}

/**
 * A rollout's AnalysisRuns, newest revision first as the CLI lists them: each run's
 * phase, why it failed (the controller's words) and each metric's measured values.
 */
export function AnalysisDetails(props: { runs: AnalysisRunStatus[] }) {
  return (
    <>
      {props.runs.map(run => (
        <Box mt={0.5} key={run.name} data-testid={`analysis-${run.name}`}>
          <Typography variant="caption" component="div">
            Analysis {run.name}
            {run.revision !== null && run.revision !== undefined
              ? ` (revision ${run.revision})`
              : ''}
            : {run.phase}
          </Typography>
          {run.failureReason && (
            <Typography
              variant="caption"
              component="div"
              data-testid={`analysis-failure-${run.name}`}
            >
              <strong>
                Why it {run.phase === 'Failed' ? 'failed' : 'ended'}:
              </strong>{' '}
              {run.failureReason}
            </Typography>
          )}
          <Box display="flex" flexDirection="column" style={{ gap: 2 }}>
            {run.metrics.map(metric => (
              <MetricValues
                key={metric.name}
                runName={run.name}
                metric={metric}
              />
            ))}
          </Box>
        </Box>
      ))}
    </>
  );
}
