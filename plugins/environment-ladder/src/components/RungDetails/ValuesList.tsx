import type { LadderRung } from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment } from 'react';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr) minmax(0, 1fr)',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
  },
  head: { color: theme.palette.text.secondary },
  // Words never break; only long values such as host names wrap at their dots.
  value: { margin: 0, overflowWrap: 'normal', wordBreak: 'normal' },
}));

/** Long values (host names, paths) may wrap after a dot, slash or colon, never inside a word. */
function breakable(value: string): React.ReactNode {
  const parts = value.split(/(?<=[./:])/);
  return parts.map((part, index) => (
    // The parts of one value never move: their positions are their identity.
    // eslint-disable-next-line react/no-array-index-key
    <Fragment key={index}>
      {part}
      {index < parts.length - 1 && <wbr />}
    </Fragment>
  ));
}

/** Declared (config) against observed (cluster) values, as a readable two-column list. */
export function ValuesList(props: { rung: LadderRung }) {
  const classes = useStyles();
  const { declared, observedValues } = props.rung;
  const replicas = observedValues?.autoscaler
    ? `HPA ${observedValues.autoscaler.min ?? '?'}–${
        observedValues.autoscaler.max ?? '?'
      } (${observedValues.replicas ?? '?'} now)`
    : observedValues?.replicas ?? null;
  const rows: Array<[string, string | undefined, string | number | null]> = [
    ['Scale', declared.scale, replicas],
    [
      'Endpoints',
      declared.endpoints?.join(', '),
      observedValues?.ingressHosts.join(', ') || null,
    ],
    [
      'Rollout',
      declared.rolloutAggressiveness,
      observedValues?.rolloutStrategy ?? null,
    ],
    ['Dependency tier', declared.dependencyTier, null],
    ['Feature flags', declared.featureFlags, null],
    ['Secrets', declared.secretsSource, null],
  ];
  const shown = rows.filter(([, d, o]) => d !== undefined || o !== null);
  if (shown.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No values declared or observed.
      </Typography>
    );
  }
  return (
    <Box
      className={classes.grid}
      role="table"
      aria-label="Declared and observed values"
      data-testid="values-list"
    >
      <Box role="row" display="contents">
        <Typography
          variant="caption"
          role="columnheader"
          className={classes.head}
        >
          Value
        </Typography>
        <Typography
          variant="caption"
          role="columnheader"
          className={classes.head}
        >
          Declared
        </Typography>
        <Typography
          variant="caption"
          role="columnheader"
          className={classes.head}
        >
          Observed
        </Typography>
      </Box>
      {shown.map(([label, d, o]) => (
        <Box role="row" display="contents" key={label}>
          <Typography
            variant="body2"
            role="rowheader"
            className={classes.value}
          >
            {label}
          </Typography>
          <Typography variant="body2" role="cell" className={classes.value}>
            {d === undefined ? '—' : breakable(d)}
          </Typography>
          <Typography variant="body2" role="cell" className={classes.value}>
            {o === null ? '—' : breakable(String(o))}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
