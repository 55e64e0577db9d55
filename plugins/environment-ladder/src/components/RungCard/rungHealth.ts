import type {
  LadderRung,
  RolloutStatus,
} from '@environment-ladder/plugin-environment-ladder-common';

/** How a rung is doing, in one word for the icon and one short line for the reader. */
export interface RungHealth {
  status: 'ok' | 'warning' | 'error' | 'none';
  label: string;
}

/** "canary 3/8 · 20% · analysis running": the state of a rollout that is still moving. */
export function describeMovingRollout(rollout: RolloutStatus): string | null {
  const analysing = rollout.analysisRuns.some(
    run => run.phase === 'Running' || run.phase === 'Pending',
  );
  const moving =
    rollout.phase === 'Paused' || rollout.phase === 'Progressing' || analysing;
  if (!moving) return null;
  const parts = [
    rollout.strategy === 'Canary'
      ? `canary${rollout.step ? ` ${rollout.step}` : ''}`
      : 'blue-green',
  ];
  const weight = rollout.actualWeight ?? rollout.setWeight;
  if (rollout.strategy === 'Canary' && weight !== null)
    parts.push(`${weight}%`);
  if (analysing) parts.push('analysis running');
  else parts.push(rollout.phase === 'Paused' ? 'paused' : 'progressing');
  return parts.join(' · ');
}

/**
 * A rung's health as its card shows it. A rollout that is paused,
 * progressing or analysing is amber, never green: the release is not done.
 */
export function rungHealth(rung: LadderRung): RungHealth {
  if (!rung.observed) return { status: 'none', label: 'Not observed' };
  if (rung.error) return { status: 'error', label: 'Cannot be read' };
  const failedRollout = rung.rollouts.find(
    r => r.aborted || r.phase === 'Degraded',
  );
  if (failedRollout) {
    return {
      status: 'error',
      label: failedRollout.aborted ? 'Rollout aborted' : 'Rollout degraded',
    };
  }
  const errors = rung.violations.filter(v => v.severity === 'error').length;
  if (errors > 0) {
    return {
      status: 'error',
      label: `${errors} broken rule${errors === 1 ? '' : 's'}`,
    };
  }
  for (const rollout of rung.rollouts) {
    const moving = describeMovingRollout(rollout);
    if (moving) return { status: 'warning', label: moving };
  }
  if (rung.kind === 'preview') {
    return rung.violations.length > 0
      ? { status: 'warning', label: 'A preview is flagged' }
      : { status: 'ok', label: 'Healthy' };
  }
  if (rung.digests.length === 0) {
    return { status: 'none', label: 'Nothing running' };
  }
  if (rung.replicas.ready < rung.replicas.desired) {
    return {
      status: 'warning',
      label: `${rung.replicas.ready} of ${rung.replicas.desired} ready`,
    };
  }
  if (rung.violations.length > 0) {
    const count = rung.violations.length;
    return {
      status: 'warning',
      label: `${count} broken rule${count === 1 ? '' : 's'}`,
    };
  }
  return { status: 'ok', label: 'Healthy' };
}
