import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { StepTrack } from './StepTrack';
import type {
  AnalysisRunStatus,
  RolloutStatus,
} from '@environment-ladder/plugin-environment-ladder-common';

const ANALYSIS_COLORS: Record<string, 'primary' | 'secondary' | 'default'> = {
  Successful: 'primary',
  Failed: 'secondary',
  Error: 'secondary',
};

function AnalysisChips(props: { run: AnalysisRunStatus }) {
  const { run } = props;
  return (
    <Box mt={0.5} data-testid={`analysis-${run.name}`}>
      <Typography variant="caption">
        Analysis {run.name}: {run.phase}
      </Typography>
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
        {run.metrics.map(metric => (
          <Chip
            key={metric.name}
            size="small"
            variant="outlined"
            color={ANALYSIS_COLORS[metric.phase] ?? 'default'}
            label={`${metric.name}: ${metric.phase}${
              metric.lastValue !== null ? ` (${metric.lastValue})` : ''
            }`}
          />
        ))}
      </Box>
    </Box>
  );
}

/** A rollout's state as `kubectl argo rollouts get rollout` would summarise it. */
export function RolloutProgress(props: { rollout: RolloutStatus }) {
  const { rollout } = props;
  // `step` is Argo Rollouts' currentStepIndex over the number of steps.
  const [current, total] = (rollout.step ?? '').split('/').map(Number);
  return (
    <Box mt={1} data-testid={`rollout-${rollout.name}`}>
      <Typography variant="body2">
        <strong>{rollout.strategy}</strong> {rollout.name}: {rollout.phase}
        {rollout.aborted ? ' (aborted)' : ''}
      </Typography>
      {rollout.message && (
        <Typography variant="caption" color="textSecondary" component="div">
          {rollout.message}
        </Typography>
      )}
      {rollout.step && total > 0 && (
        <Box mt={0.5}>
          <Typography variant="caption">
            Step {rollout.step}
            {rollout.setWeight !== null &&
              ` · set weight ${rollout.setWeight}%`}
            {rollout.actualWeight !== null &&
              ` · actual weight ${rollout.actualWeight}%`}
          </Typography>
          <StepTrack current={current} total={total} />
        </Box>
      )}
      {rollout.images.map(image => (
        <Typography
          key={`${image.image}-${image.roles.join()}`}
          variant="caption"
          component="div"
        >
          {image.roles.join(', ') || 'image'}: {image.image}
        </Typography>
      ))}
      {rollout.analysisRuns.map(run => (
        <AnalysisChips key={run.name} run={run} />
      ))}
    </Box>
  );
}
