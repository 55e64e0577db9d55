import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { RungHealth } from './rungHealth';

/** The Status icon of a status (hidden from screen readers: the words say it). */
export function StatusIcon(props: { status: RungHealth['status'] }) {
  switch (props.status) {
    case 'ok':
      return <StatusOK />;
    case 'warning':
      return <StatusWarning />;
    case 'error':
      return <StatusError />;
    default:
      return <StatusAborted />;
  }
}

/** The health icon and its words: colour is never the only signal. */
export function HealthStatus(props: { health: RungHealth; testId?: string }) {
  const { health, testId } = props;
  return (
    <Box display="flex" alignItems="flex-start">
      <StatusIcon status={health.status} />
      <Typography variant="body2" component="span" data-testid={testId}>
        {health.label}
      </Typography>
    </Box>
  );
}
