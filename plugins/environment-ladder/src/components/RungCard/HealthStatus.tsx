import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { RungHealth } from './rungHealth';

/** The health icon and its words: colour is never the only signal. */
export function HealthStatus(props: { health: RungHealth; testId?: string }) {
  const { health, testId } = props;
  const label = (
    <Typography variant="body2" component="span" data-testid={testId}>
      {health.label}
    </Typography>
  );
  switch (health.status) {
    case 'ok':
      return <StatusOK>{label}</StatusOK>;
    case 'warning':
      return <StatusWarning>{label}</StatusWarning>;
    case 'error':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
}
