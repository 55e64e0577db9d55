import type {
  LadderPromotionTarget,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { useState } from 'react';
import type { PromotionResponse } from '@environment-ladder/plugin-environment-ladder-common';
import { PromoteDialog } from './PromoteDialog';

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
 * "Promote to <rung>", on the connector between the two rungs it moves a
 * release between. The backend decided whether the viewer may (rules and
 * permission alike): when not, the button stays focusable, says it is
 * unavailable, and gives the reason on hover and focus.
 */
export function PromoteButton(props: {
  /** The entity, e.g. `component:default/checkout`. */
  entityRef: string;
  /** The rung the digest comes from. */
  source: LadderRung;
  /** The rung promoted into. */
  target: LadderRung;
  /** The backend's verdict for this target. */
  verdict: LadderPromotionTarget;
  /** Called after a promotion (not a dry run) was requested. */
  onRequested?: (result: PromotionResponse) => void;
  /** Smaller, for the connector between two cards. */
  compact?: boolean;
}) {
  const { entityRef, source, target, verdict, onRequested, compact } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const label = `Promote to ${target.title}`;
  const refusal = verdict.allowed ? null : verdict.reason ?? 'Not allowed';

  const button = (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      className={`${classes.button} ${refusal ? classes.unavailable : ''}`}
      aria-disabled={refusal ? 'true' : undefined}
      aria-describedby={refusal ? `promote-${target.name}-reason` : undefined}
      onClick={() => {
        if (!refusal) setOpen(true);
      }}
      endIcon={compact ? undefined : <ArrowForwardIcon />}
      data-testid={`promote-${source.name}`}
      data-allowed={refusal ? 'false' : 'true'}
    >
      {label}
    </Button>
  );

  return (
    <>
      {refusal ? (
        <Tooltip title={refusal}>
          <span data-testid={`promote-${source.name}-disabled`}>
            {button}
            <span id={`promote-${target.name}-reason`} hidden>
              {refusal}
            </span>
          </span>
        </Tooltip>
      ) : (
        button
      )}
      {/* An open dialog stays while the ladder refreshes: the request it just
          made puts a promotion in flight, which refuses the next one. */}
      {(open || !refusal) && (
        <PromoteDialog
          open={open}
          onClose={() => setOpen(false)}
          entityRef={entityRef}
          source={source}
          target={target}
          digest={verdict.digest}
          onRequested={onRequested}
        />
      )}
    </>
  );
}
