import { createConditionExports } from '@backstage/plugin-permission-node';
import { promotionPermissionRules } from './rules';

const exports = createConditionExports({
  pluginId: 'environment-ladder',
  resourceType: 'catalog-entity',
  rules: promotionPermissionRules,
});

/**
 * Conditions for policies on `environment-ladder.promotion.create` and
 * `environment-ladder.ladder.read`, e.g.
 * `environmentLadderConditions.isTargetEnvironment({ environments: ['dev'] })`.
 *
 * @public
 */
export const environmentLadderConditions = exports.conditions;

/**
 * Builds a conditional decision on the ladder's permissions from {@link environmentLadderConditions}.
 *
 * @public
 */
export const createEnvironmentLadderConditionalDecision =
  exports.createConditionalDecision;
