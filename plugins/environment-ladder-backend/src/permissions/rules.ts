import { permissionRules as catalogRules } from '@backstage/plugin-catalog-backend/alpha';
import type { Entity } from '@backstage/catalog-model';
import type { PermissionRuleParams } from '@backstage/plugin-permission-common';
import {
  createPermissionRule,
  type PermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  promotionPermissionResourceRef,
  type PromotionPermissionResource,
} from './promotionPermissionResourceRef';

/**
 * The catalog's own rules (isEntityOwner, hasAnnotation, ...) applied to the
 * entity being promoted, so that a policy can write the conditions it already
 * writes for the catalog. They only decide single resources: a promotion is
 * never listed through a query, so there is no query form.
 */
function fromCatalogRule<TParams extends PermissionRuleParams>(
  rule: PermissionRule<Entity, unknown, 'catalog-entity', TParams>,
): PermissionRule<
  PromotionPermissionResource,
  never,
  'catalog-entity',
  TParams
> {
  return {
    name: rule.name,
    description: rule.description,
    resourceType: 'catalog-entity',
    paramsSchema: rule.paramsSchema,
    apply: (resource, params) => rule.apply(resource.entity, params),
    toQuery: () => {
      throw new Error(`${rule.name} cannot filter promotions by query`);
    },
  } as PermissionRule<
    PromotionPermissionResource,
    never,
    'catalog-entity',
    TParams
  >;
}

/** Allows a promotion only into one of the given rungs (e.g. `['dev', 'staging']`). */
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

/** Every rule a policy may use in a conditional decision on the ladder's permissions. */
export const promotionPermissionRules = {
  isTargetEnvironment,
  isEntityOwner: fromCatalogRule(catalogRules.isEntityOwner),
  isEntityKind: fromCatalogRule(catalogRules.isEntityKind),
  hasAnnotation: fromCatalogRule(catalogRules.hasAnnotation),
  hasLabel: fromCatalogRule(catalogRules.hasLabel),
  hasMetadata: fromCatalogRule(catalogRules.hasMetadata),
  hasSpec: fromCatalogRule(catalogRules.hasSpec),
};
