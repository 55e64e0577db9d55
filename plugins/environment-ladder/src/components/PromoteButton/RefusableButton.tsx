import Button, { type ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  button: { textTransform: 'none', lineHeight: 1.3 },
  // Looks disabled yet stays focusable, so that keyboard users reach the reason too.
  unavailable: {
    color: theme.palette.text.secondary,
    borderColor: theme.palette.divider,
    cursor: 'not-allowed',
    '&:hover': { background: 'transparent' },
  },
}));

/**
 * A button the backend may have refused (Promote to …, Roll back …). When refused it
 * stays focusable, says it is unavailable, ignores clicks, and gives the refusal on
 * hover, on focus and to screen readers.
 */
export function RefusableButton(
  props: Pick<
    ButtonProps,
    'variant' | 'className' | 'startIcon' | 'endIcon' | 'children'
  > & {
    /** `data-testid` of the button; the wrapper of a refused one is `<testId>-disabled`. */
    testId: string;
    /** The id of the hidden refusal that describes the button. */
    reasonId: string;
    /** Why the backend refuses; null when the button may be used. */
    refusal: string | null;
    onClick: () => void;
  },
) {
  const { testId, reasonId, refusal, onClick, className, ...button } = props;
  const classes = useStyles();

  const rendered = (
    <Button
      color="primary"
      size="small"
      {...button}
      className={[classes.button, refusal && classes.unavailable, className]
        .filter(Boolean)
        .join(' ')}
      aria-disabled={refusal ? 'true' : undefined}
      aria-describedby={refusal ? reasonId : undefined}
      onClick={() => {
        if (!refusal) onClick();
      }}
      data-testid={testId}
      data-allowed={refusal ? 'false' : 'true'}
    />
  );
  if (!refusal) return rendered;
  return (
    <Tooltip title={refusal}>
      <span data-testid={`${testId}-disabled`}>
        {rendered}
        <span id={reasonId} hidden>
          {refusal}
        </span>
      </span>
    </Tooltip>
  );
}
