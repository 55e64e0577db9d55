import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import type { PromotionState } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

const LABELS: Record<PromotionState, string> = {
  requested: 'Requested',
  'pr-open': 'PR open',
  merged: 'Merged',
  running: 'Running in target',
  verified: 'Verified',
  rejected: 'Rejected',
  failed: 'Failed',
  superseded: 'Superseded',
};

function StatusIcon(props: { state: PromotionState }) {
  switch (props.state) {
    case 'verified':
      return <StatusOK />;
    case 'rejected':
    case 'failed':
      return <StatusError />;
    case 'superseded':
      return <StatusAborted />;
    case 'requested':
      return <StatusPending />;
    default:
      return <StatusRunning />;
  }
}

/** A promotion's state as a status light and a word. */
export function PromotionStateChip(props: { state: PromotionState }) {
  const { state } = props;
  return (
    <Box
      display="inline-flex"
      alignItems="center"
      data-testid="promotion-state"
      data-state={state}
    >
      <StatusIcon state={state} />
      <Typography variant="body2" component="span">
        {LABELS[state] ?? state}
      </Typography>
    </Box>
  );
}
