import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { StepTrack } from './StepTrack';
import { AnalysisDetails } from './AnalysisDetails';
import type { RolloutStatus } from '@environment-ladder/plugin-environment-ladder-common';

/**
 * A rollout's state in `kubectl argo rollouts get rollout`'s words: its Status and
 * Message as the CLI prints them, then the ladder's own explanation on a line of its
 * own, marked as ours, then steps, weights, images and analysis runs.
 */
export function RolloutProgress(props: { rollout: RolloutStatus }) {
  const { rollout } = props;
  // `step` is Argo Rollouts' currentStepIndex over the number of steps.
  const [current, total] = (rollout.step ?? '').split('/').map(Number);
  return (
    <Box mt={1} data-testid={`rollout-${rollout.name}`}>
      <Typography variant="body2">
        <strong>{rollout.strategy ?? 'Rollout'}</strong> {rollout.name}:{' '}
        <span data-testid={`rollout-status-${rollout.name}`}>
          {rollout.phase}
        </span>
        {rollout.aborted ? ' (aborted)' : ''}
      </Typography>
      {rollout.message && (
        <Typography
          variant="caption"
          component="div"
          data-testid={`rollout-message-${rollout.name}`}
        >
          Message: {rollout.message}
        </Typography>
      )}
      {rollout.explanation && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="div"
          data-testid={`rollout-explanation-${rollout.name}`}
        >
          <em>Ladder&apos;s note:</em> {rollout.explanation}
        </Typography>
      )}
      {rollout.strategy === 'Canary' && (
        <Box mt={0.5}>
          {/* As the CLI: set and actual weight for every canary, with or without a step. */}
          <Typography variant="caption">
            {[
              rollout.step && `Step ${rollout.step}`,
              rollout.setWeight !== null && `set weight ${rollout.setWeight}%`,
              rollout.actualWeight !== null &&
                `actual weight ${rollout.actualWeight}%`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography>
          {rollout.step && total > 0 && (
            <StepTrack current={current} total={total} />
          )}
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
      <AnalysisDetails runs={rollout.analysisRuns} />
    </Box>
  );
}
