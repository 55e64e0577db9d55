import type {
  LadderRollbackTarget,
  LadderRung,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import UndoIcon from '@material-ui/icons/Undo';
import { useState } from 'react';
import { PromoteDialog } from './PromoteDialog';

const useStyles = makeStyles(theme => ({
  button: {
    textTransform: 'none',
    lineHeight: 1.3,
    marginTop: theme.spacing(0.5),
  },
  // Looks disabled yet stays focusable, so that keyboard users reach the reason too.
  unavailable: {
    color: theme.palette.text.secondary,
    borderColor: theme.palette.divider,
    cursor: 'not-allowed',
    '&:hover': { background: 'transparent' },
  },
}));

/**
 * "Roll back <rung>", under a rung that has a previous digest to go back to (the
 * backend says which, and whether the viewer may now). It opens the promote dialog in
 * rollback mode: a dry run first, then the pull request.
 */
export function RollbackButton(props: {
  entityRef: string;
  /** The rung rolled back. */
  target: LadderRung;
  /** The backend's verdict for rolling it back. */
  verdict: LadderRollbackTarget;
  onRequested?: (result: PromotionResponse) => void;
}) {
  const { entityRef, target, verdict, onRequested } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const refusal = verdict.allowed ? null : verdict.reason ?? 'Not allowed';

  const button = (
    <Button
      variant="text"
      color="primary"
      size="small"
      className={`${classes.button} ${refusal ? classes.unavailable : ''}`}
      aria-disabled={refusal ? 'true' : undefined}
      aria-describedby={refusal ? `rollback-${target.name}-reason` : undefined}
      onClick={() => {
        if (!refusal) setOpen(true);
      }}
      startIcon={<UndoIcon />}
      data-testid={`rollback-${target.name}`}
      data-allowed={refusal ? 'false' : 'true'}
    >
      Roll back {target.title}
    </Button>
  );

  return (
    <>
      {refusal ? (
        <Tooltip title={refusal}>
          <span data-testid={`rollback-${target.name}-disabled`}>
            {button}
            <span id={`rollback-${target.name}-reason`} hidden>
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
          source={target}
          target={target}
          digest={verdict.digest}
          onRequested={onRequested}
          kind="rollback"
        />
      )}
    </>
  );
}
