import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  hasAnnotation,
  hasLabel,
  hasMetadata,
  hasSpec,
  isEntityKind,
  isEntityOwner,
} from './entityRules';
import { promotionPermissionResourceRef } from './promotionPermissionResourceRef';

/**
 * Allows a promotion only into one of the given rungs (e.g. `['dev', 'staging']`).
 *
 * @public
 */
export const isTargetEnvironment = createPermissionRule({
  name: 'IS_TARGET_ENVIRONMENT',
  description: 'Allow promotions only into the given rungs of the ladder',
  resourceRef: promotionPermissionResourceRef,
  paramsSchema: z.object({
    environments: z
      .array(z.string())
      .describe('Names of the rungs a promotion may target, e.g. dev, staging'),
  }),
  apply: (resource, { environments }) =>
    // Without a target ("may this user promote at all?") the rule does not
    // restrict: the check with the real target follows on every request.
    resource.targetEnvironment === undefined ||
    environments.includes(resource.targetEnvironment),
  toQuery: () => {
    throw new Error('IS_TARGET_ENVIRONMENT cannot filter promotions by query');
  },
});

/**
 * Every rule a policy may use in a conditional decision on the ladder's permissions.
 *
 * @public
 */
export const promotionPermissionRules = {
  isTargetEnvironment,
  isEntityOwner,
  isEntityKind,
  hasAnnotation,
  hasLabel,
  hasMetadata,
  hasSpec,
};
