import type { Ladder } from '../types';
import { checkRollbackRules } from './checkRollbackRules';
import type { PromotionGate } from './checkPromotionRules';
import { findActiveFreeze, type FreezeWindow } from './freezeWindows';
import { rungLabel } from './internal';
import { FREEZE_RULE, PERMISSION_RULE } from './promotionTargets';
import type { LadderRollbackTarget, Promotion } from './types';

/**
 * The rungs a rollback could go back in, with the digest it would move to and whether
 * the viewer may ask for it now, decided by the rollback rules
 * ({@link checkRollbackRules}) and the permission policy (`permitted`: the rungs the
 * viewer may promote into, null when not asked). A rung with no previous digest is left
 * out: the tab offers no rollback there.
 *
 * @remarks
 * As for promotions, a target refused only by its freeze is `overridable: 'freeze'`
 * when the viewer holds the override permission (`mayOverrideFreeze`). A target the
 * viewer may roll back (allowed, or overridable) into a rung whose gate needs an
 * approval is `emergencyAvailable` when the same rules pass with `emergency` and skip
 * the approval: the platform allows it (`emergencyAllowed`) and the viewer holds
 * `environment-ladder.rollback.emergency` (`mayRollBackInEmergency`).
 *
 * @public
 */
export function rollbackTargets(input: {
  ladder: Ladder;
  rungs: Array<{
    name: string;
    gate: PromotionGate;
    preview?: boolean;
    freezes?: FreezeWindow[];
  }>;
  promotions: Promotion[];
  permitted: ReadonlySet<string> | null;
  emergencyAllowed: boolean;
  /** Whether the viewer holds `environment-ladder.freeze.override`; default false. */
  mayOverrideFreeze?: boolean;
  /** Whether the viewer holds `environment-ladder.rollback.emergency`; default false. */
  mayRollBackInEmergency?: boolean;
  now?: Date;
}): LadderRollbackTarget[] {
  const now = input.now ?? new Date();
  const targets: LadderRollbackTarget[] = [];
  for (const rung of input.ladder.rungs) {
    const config = input.rungs.find(candidate => candidate.name === rung.name);
    if (!config || config.preview || rung.kind === 'preview' || !rung.observed)
      continue;
    const check = (request: {
      overrideFreeze?: boolean;
      emergency?: boolean;
    }) =>
      checkRollbackRules({
        ladder: input.ladder,
        request: { targetEnvironment: rung.name, ...request },
        rungs: input.rungs,
        promotions: input.promotions,
        emergencyAllowed: input.emergencyAllowed,
        now,
      });
    const result = check({});
    if (!result.digest) continue;
    const freeze = findActiveFreeze(config.freezes ?? [], now);
    const target = {
      targetEnvironment: rung.name,
      digest: result.digest,
      evidence: result.evidence ?? 'ledger',
      ...(freeze ? { freeze } : {}),
    };
    const permitted = !input.permitted || input.permitted.has(rung.name);
    const overridable =
      permitted &&
      result.refusal?.rule === FREEZE_RULE &&
      input.mayOverrideFreeze &&
      !check({ overrideFreeze: true }).refusal;
    // Asked only of a rollback the viewer may take at all: the emergency skips the
    // approval, it overrides nothing else.
    const emergencyAvailable =
      permitted &&
      (!result.refusal || overridable) &&
      config.gate.type === 'review-and-approval' &&
      input.emergencyAllowed &&
      input.mayRollBackInEmergency &&
      check({ overrideFreeze: overridable || undefined, emergency: true })
        .skipsApproval;
    const options = {
      ...(overridable ? { overridable: 'freeze' as const } : {}),
      ...(emergencyAvailable ? { emergencyAvailable: true } : {}),
    };
    if (!permitted) {
      targets.push({
        ...target,
        allowed: false,
        rule: PERMISSION_RULE,
        reason: `The permission policy does not let you roll back ${rungLabel(
          rung,
        )}; ask the service's owners or your platform team.`,
      });
    } else if (result.refusal) {
      targets.push({
        ...target,
        ...options,
        allowed: false,
        rule: result.refusal.rule,
        reason: /[.!?]$/.test(result.refusal.message)
          ? result.refusal.message
          : `${result.refusal.message}.`,
      });
    } else {
      targets.push({
        ...target,
        ...options,
        allowed: true,
        rule: null,
        reason: null,
      });
    }
  }
  return targets;
}
