import {
  promotionCreatePermission,
  type LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import { useState } from 'react';
import type { PromotionResponse } from '@environment-ladder/plugin-environment-ladder-common';
import { PromoteDialog } from './PromoteDialog';

/** Why the source rung has nothing to promote, or null when it has. */
function nothingToPromote(source: LadderRung): string | null {
  if (source.error) {
    return `${source.title} could not be read: ${source.error.message}`;
  }
  if (source.digests.length === 0) {
    return `Nothing of this service runs in ${source.title}`;
  }
  if (!source.digest) {
    return `${source.title} runs ${source.digests.length} digests; promote once one runs healthy`;
  }
  return null;
}

/**
 * "Promote to <rung above>", shown on the source rung. Disabled, with the
 * reason in a tooltip, when the permission policy or the promotion targets
 * say no, or when the source rung runs no single digest.
 */
export function PromoteButton(props: {
  /** The entity, e.g. `component:default/checkout`. */
  entityRef: string;
  /** The rung the digest comes from. */
  source: LadderRung;
  /** The rung right above it. */
  target: LadderRung;
  /** Whether the promotion targets allow the target rung; undefined when unknown. */
  targetAllowed?: boolean;
  /** True while the promotion targets load. */
  targetsLoading?: boolean;
  /** Called after a promotion (not a dry run) was requested. */
  onRequested?: (result: PromotionResponse) => void;
}) {
  const {
    entityRef,
    source,
    target,
    targetAllowed,
    targetsLoading,
    onRequested,
  } = props;
  const [open, setOpen] = useState(false);
  const permission = usePermission({
    permission: promotionCreatePermission,
    resourceRef: entityRef,
  });
  const loading = permission.loading || targetsLoading === true;
  const label = `Promote to ${target.title}`;

  let disabledReason: string | null = null;
  if (!loading) {
    if (!permission.allowed) {
      disabledReason = `You may not promote ${entityRef}`;
    } else if (targetAllowed === false) {
      disabledReason = `You may not promote ${entityRef} to ${target.title}`;
    } else {
      disabledReason = nothingToPromote(source);
    }
  }

  const button = (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      disabled={loading || disabledReason !== null}
      onClick={() => setOpen(true)}
      startIcon={
        loading ? (
          <CircularProgress size={14} aria-label="Checking permission" />
        ) : (
          <ArrowUpwardIcon />
        )
      }
      data-testid={`promote-${source.name}`}
    >
      {label}
    </Button>
  );

  return (
    <>
      {disabledReason ? (
        <Tooltip title={disabledReason}>
          {/* A disabled button fires no events: the span carries the tooltip. */}
          <span data-testid={`promote-${source.name}-disabled`}>{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      <PromoteDialog
        open={open}
        onClose={() => setOpen(false)}
        entityRef={entityRef}
        source={source}
        target={target}
        onRequested={onRequested}
      />
    </>
  );
}
