import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  OverviewCell,
  RungComparison,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { ReactNode } from 'react';

/** "same as below", "2 behind", ...: the relation in a few words. */
export function describeRelation(
  comparison: RungComparison | null,
): string | null {
  if (!comparison) return null;
  switch (comparison.relation) {
    case 'same':
      return 'same as below';
    case 'behind':
      return `${comparison.releases} behind`;
    case 'ahead':
      return 'ahead of below';
    default:
      return 'relation unknown';
  }
}

function plural(count: number, noun: string) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The status light: a broken rule or a degraded rollout first, then progress, then health. */
function statusOf(
  cell: OverviewCell,
): (props: { children?: ReactNode }) => JSX.Element {
  if (cell.error || cell.worstSeverity === 'error') return StatusError;
  if (cell.rolloutPhase === 'Degraded') return StatusError;
  if (cell.worstSeverity === 'warning') return StatusWarning;
  if (cell.rolloutPhase === 'Paused') return StatusWarning;
  if (cell.rolloutPhase === 'Progressing') return StatusPending;
  if (cell.rolloutPhase === 'Healthy' || (cell.previews ?? 0) > 0) {
    return StatusOK;
  }
  return StatusAborted;
}

/** One service in one rung: status, short digest, relation, phase, broken rules. */
export function OverviewCellView(props: {
  cell?: OverviewCell;
  testId: string;
}) {
  const { cell, testId } = props;
  if (!cell || !cell.observed) {
    return (
      <Typography variant="body2" color="textSecondary" data-testid={testId}>
        not observed
      </Typography>
    );
  }
  if (cell.error) {
    return (
      <Tooltip title={cell.error}>
        <Box data-testid={testId}>
          <StatusError>unreachable</StatusError>
        </Box>
      </Tooltip>
    );
  }
  const Status = statusOf(cell);
  let what: string;
  if (cell.previews !== undefined) {
    what = plural(cell.previews, 'preview');
  } else if (cell.digest) {
    what = cell.digest;
  } else if (cell.digestCount > 1) {
    what = `${cell.digestCount} digests`;
  } else {
    what = 'nothing running';
  }
  const details = [
    describeRelation(cell.comparedToBelow),
    cell.rolloutPhase,
    cell.brokenRules > 0 ? plural(cell.brokenRules, 'broken rule') : null,
  ].filter(Boolean);
  return (
    <Box data-testid={testId} data-digest={cell.digest ?? undefined}>
      <Status>
        <Typography variant="body2" component="code">
          {what}
        </Typography>
      </Status>
      {details.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="div">
          {details.join(' · ')}
        </Typography>
      )}
    </Box>
  );
}
