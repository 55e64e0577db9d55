import type {
  LadderPromotionTarget,
  LadderRung,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { useState } from 'react';
import { PromoteDialog } from './PromoteDialog';
import { RefusableButton } from './RefusableButton';
import { usableRefusal } from './usableRefusal';

/**
 * "Promote to <rung>", on the connector between the two rungs it moves a
 * release between. The backend decided whether the viewer may (rules and
 * permission alike): when not, the button stays focusable, says it is
 * unavailable, and gives the reason on hover and focus. A freeze the viewer may
 * override leaves it usable: the dialog asks for the override.
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
  const [open, setOpen] = useState(false);
  const refusal = usableRefusal(verdict);

  return (
    <>
      <RefusableButton
        variant="outlined"
        refusal={refusal}
        reasonId={`promote-${target.name}-reason`}
        testId={`promote-${source.name}`}
        onClick={() => setOpen(true)}
        endIcon={compact ? undefined : <ArrowForwardIcon />}
      >
        Promote to {target.title}
      </RefusableButton>
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
          freezeToOverride={
            verdict.overridable === 'freeze' ? verdict.freeze : null
          }
          onRequested={onRequested}
        />
      )}
    </>
  );
}
