import type { Ladder } from '../types';
import { checkRollbackRules } from './checkRollbackRules';
import type { PromotionGate } from './checkPromotionRules';
import type { FreezeWindow } from './freezeWindows';
import { rungLabel } from './internal';
import { PERMISSION_RULE } from './promotionTargets';
import type { LadderRollbackTarget, Promotion } from './types';

/**
 * The rungs a rollback could go back in, with the digest it would move to and whether
 * the viewer may ask for it now, decided by the rollback rules
 * ({@link checkRollbackRules}) and the permission policy (`permitted`: the rungs the
 * viewer may promote into, null when not asked). A rung with no previous digest is left
 * out: the tab offers no rollback there.
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
  now?: Date;
}): LadderRollbackTarget[] {
  const targets: LadderRollbackTarget[] = [];
  for (const rung of input.ladder.rungs) {
    const config = input.rungs.find(candidate => candidate.name === rung.name);
    if (!config || config.preview || rung.kind === 'preview' || !rung.observed)
      continue;
    const result = checkRollbackRules({
      ladder: input.ladder,
      request: { targetEnvironment: rung.name },
      rungs: input.rungs,
      promotions: input.promotions,
      emergencyAllowed: input.emergencyAllowed,
      now: input.now,
    });
    if (!result.digest) continue;
    const target = {
      targetEnvironment: rung.name,
      digest: result.digest,
      evidence: result.evidence ?? 'ledger',
    };
    if (input.permitted && !input.permitted.has(rung.name)) {
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
        allowed: false,
        rule: result.refusal.rule,
        reason: /[.!?]$/.test(result.refusal.message)
          ? result.refusal.message
          : `${result.refusal.message}.`,
      });
    } else {
      targets.push({ ...target, allowed: true, rule: null, reason: null });
    }
  }
  return targets;
}
