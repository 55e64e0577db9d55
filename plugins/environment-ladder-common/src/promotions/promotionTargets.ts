import type { Ladder } from '../types';
import {
  checkPromotionRules,
  type PromotionRungRules,
} from './checkPromotionRules';
import { findActiveFreeze } from './freezeWindows';
import { rungLabel } from './internal';
import { isPromotionInFlight } from './promotionStates';
import type {
  InFlightPromotion,
  LadderPromotions,
  LadderPromotionTarget,
  Promotion,
} from './types';

/**
 * The rule name a refusal by the permission policy carries.
 *
 * @public
 */
export const PERMISSION_RULE = 'permission';

/** The rule a freeze window refuses with; the one refusal a viewer may override. */
export const FREEZE_RULE = 'target-is-not-frozen';

/**
 * Every rung a promotion can go into, whether the viewer may promote into it
 * now, and why not, decided once by the ladder's rules and the permission
 * policy; plus the promotions in flight, for their target rungs to show.
 *
 * @remarks
 * A target is an observed, non-preview rung with an observed rung below it
 * (local and the lowest observed rung are never targets). The reasons are the
 * same rules a promotion request is checked against ({@link checkPromotionRules}),
 * with no digest named (the one the source runs). A permission refusal comes
 * first: it is the one the viewer cannot fix by waiting. `permitted` is null
 * when the permission was not asked (then it refuses nothing).
 *
 * A target refused only by its freeze (`target-is-not-frozen`: the same rules
 * pass with `overrideFreeze`) is `overridable: 'freeze'` when the viewer holds
 * the override permission (`mayOverrideFreeze`); it stays refused, with the
 * freeze's reason, for everyone else.
 *
 * @public
 */
export function promotionTargets(input: {
  ladder: Ladder;
  rungs: PromotionRungRules[];
  promotions: Promotion[];
  permitted: ReadonlySet<string> | null;
  /** Whether the viewer holds `environment-ladder.freeze.override`; default false. */
  mayOverrideFreeze?: boolean;
  /** Defaults to now; the freeze windows are read at this instant. */
  now?: Date;
}): LadderPromotions {
  const { ladder, rungs, promotions, permitted } = input;
  const now = input.now ?? new Date();
  const inFlight: InFlightPromotion[] = promotions
    .filter(promotion => isPromotionInFlight(promotion.state))
    .map(promotion => ({
      sourceEnvironment: promotion.sourceEnvironment,
      targetEnvironment: promotion.targetEnvironment,
      digest: promotion.digest,
      state: promotion.state,
      pullRequest: promotion.pullRequest,
      requestedBy: promotion.requestedBy,
      createdAt: promotion.createdAt,
    }));
  const targets: LadderPromotionTarget[] = [];
  for (const rung of ladder.rungs) {
    const config = rungs.find(candidate => candidate.name === rung.name);
    if (!config || config.preview || rung.kind === 'preview' || !rung.observed)
      continue;
    const result = checkPromotionRules({
      ladder,
      request: { targetEnvironment: rung.name },
      rungs,
      inFlight: promotions,
      now,
    });
    if (!result.sourceEnvironment) continue;
    const label = rungLabel(rung);
    const target = {
      targetEnvironment: rung.name,
      sourceEnvironment: result.sourceEnvironment,
      digest: result.digest,
      freeze: findActiveFreeze(config.freezes ?? [], now),
    };
    if (permitted && !permitted.has(rung.name)) {
      targets.push({
        ...target,
        allowed: false,
        rule: PERMISSION_RULE,
        reason: `The permission policy does not let you promote into ${label}; ask the service's owners or your platform team.`,
      });
      continue;
    }
    const refusal = result.refusal;
    if (!refusal) {
      targets.push({ ...target, allowed: true, rule: null, reason: null });
      continue;
    }
    const busy = inFlight.find(p => p.targetEnvironment === rung.name);
    const overridable =
      refusal.rule === FREEZE_RULE &&
      input.mayOverrideFreeze &&
      !checkPromotionRules({
        ladder,
        request: { targetEnvironment: rung.name, overrideFreeze: true },
        rungs,
        inFlight: promotions,
        now,
      }).refusal;
    targets.push({
      ...target,
      ...(overridable ? { overridable: 'freeze' as const } : {}),
      allowed: false,
      rule: refusal.rule,
      // The rule's own sentence names the promotion by its ledger id, which
      // says nothing to a reader; the pull request and its state do.
      reason:
        refusal.rule === 'no-promotion-in-flight' && busy
          ? `A promotion to ${label} is already in flight (${describeInFlight(
              busy,
            )}); wait until it is verified or has failed.`
          : sentence(refusal.message),
    });
  }
  return { targets, inFlight };
}

/**
 * "PR #12 · pr-open", or the state alone before the pull request opens.
 *
 * @public
 */
export function describeInFlight(
  promotion: Pick<InFlightPromotion, 'pullRequest' | 'state'>,
): string {
  return promotion.pullRequest
    ? `PR #${promotion.pullRequest.number} · ${promotion.state}`
    : promotion.state;
}

function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
