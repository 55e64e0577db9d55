import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useLadder } from '../../hooks/useLadder';
import { RungCard } from '../RungCard';

/** The Environments tab: every rung of the entity's ladder, lowest first. */
export function EnvironmentsContent() {
  const { value: ladder, loading, error } = useLadder();
  if (!ladder && loading) {
    return <Progress />;
  }
  if (error && !ladder) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!ladder) {
    return null;
  }
  if (ladder.notSetUp) {
    return (
      <EmptyState
        missing="field"
        title="This entity is not on the ladder yet"
        description={ladder.notSetUp}
      />
    );
  }
  const now = new Date(ladder.generatedAt);
  // A ladder is climbed upwards: the highest rung (prod) comes first.
  const topDown = [...ladder.rungs].reverse();
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
      {ladder.violations.length > 0 && (
        <Box role="region" aria-label="Broken ladder rules">
          <Typography variant="h6">
            {ladder.violations.length} broken ladder rule
            {ladder.violations.length === 1 ? '' : 's'}
          </Typography>
          {ladder.violations.map(violation => (
            <Typography
              key={`${violation.rung}-${violation.rule}-${violation.message}`}
              variant="body2"
              color={violation.severity === 'error' ? 'error' : 'textPrimary'}
            >
              {violation.rung}: {violation.message}
            </Typography>
          ))}
        </Box>
      )}
      {topDown.map(rung => (
        <RungCard key={rung.name} rung={rung} now={now} />
      ))}
    </Box>
  );
}
