import type {
  LadderRollbackTarget,
  LadderRung,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import { makeStyles } from '@material-ui/core/styles';
import UndoIcon from '@material-ui/icons/Undo';
import { useState } from 'react';
import { PromoteDialog } from './PromoteDialog';
import { RefusableButton } from './RefusableButton';
import { usableRefusal } from './usableRefusal';

const useStyles = makeStyles(theme => ({
  button: { marginTop: theme.spacing(0.5) },
}));

/**
 * "Roll back <rung>", under a rung that has a previous digest to go back to (the
 * backend says which, and whether the viewer may now). It opens the promote dialog in
 * rollback mode: a dry run first, then the pull request; it offers the emergency path
 * and a freeze override where the backend says the viewer may take them.
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
  const refusal = usableRefusal(verdict);

  return (
    <>
      <RefusableButton
        variant="text"
        className={classes.button}
        refusal={refusal}
        reasonId={`rollback-${target.name}-reason`}
        testId={`rollback-${target.name}`}
        onClick={() => setOpen(true)}
        startIcon={<UndoIcon />}
      >
        Roll back {target.title}
      </RefusableButton>
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
          freezeToOverride={
            verdict.overridable === 'freeze' ? verdict.freeze ?? null : null
          }
          emergencyAvailable={verdict.emergencyAvailable === true}
          onRequested={onRequested}
          kind="rollback"
        />
      )}
    </>
  );
}
