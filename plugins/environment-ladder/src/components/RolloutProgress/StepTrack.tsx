import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  step: {
    flex: 1,
    height: 8,
    borderRadius: 2,
    background: theme.palette.grey[300],
  },
  done: { background: theme.palette.primary.main },
  current: {
    background: theme.palette.warning?.main ?? theme.palette.secondary.main,
    outline: `2px solid ${theme.palette.text.primary}`,
  },
}));

/** The canary steps as a track: done steps filled, the current one marked. */
export function StepTrack(props: { current: number; total: number }) {
  const { current, total } = props;
  const classes = useStyles();
  return (
    <Box
      display="flex"
      style={{ gap: 3 }}
      role="list"
      aria-label={`step ${current} of ${total}`}
    >
      {Array.from({ length: total }, (_, index) => {
        let state: 'done' | 'current' | 'pending' = 'pending';
        if (index < current) state = 'done';
        else if (index === current) state = 'current';
        return (
          <span
            key={index}
            role="listitem"
            aria-current={state === 'current' ? 'step' : undefined}
            aria-label={`step ${index + 1}: ${state}`}
            className={`${classes.step} ${
              state === 'done' ? classes.done : ''
            } ${state === 'current' ? classes.current : ''}`}
          />
        );
      })}
    </Box>
  );
}
