import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The catalog's resource type: both permissions are checked against the
 * service's catalog entity, so that policies can use the catalog's rules
 * (for example `isEntityOwner`).
 *
 * @public
 */
export const LADDER_RESOURCE_TYPE = 'catalog-entity';

/**
 * Reading an entity's ladder. Checked with the entity as the resource.
 *
 * @public
 */
export const ladderReadPermission = createPermission({
  name: 'environment-ladder.ladder.read',
  attributes: { action: 'read' },
  resourceType: LADDER_RESOURCE_TYPE,
});

/**
 * Requesting a promotion of an entity's digest to a rung. Checked with the
 * entity as the resource; conditional policies may also use the
 * `IS_TARGET_ENVIRONMENT` rule of the backend plugin.
 *
 * @public
 */
export const promotionCreatePermission = createPermission({
  name: 'environment-ladder.promotion.create',
  attributes: { action: 'create' },
  resourceType: LADDER_RESOURCE_TYPE,
});

/**
 * Promoting into a rung while one of its freeze windows is in force. Checked with the
 * entity as the resource, only when a request asks to override a freeze, and in
 * addition to {@link promotionCreatePermission}.
 *
 * @public
 */
export const freezeOverridePermission = createPermission({
  name: 'environment-ladder.freeze.override',
  attributes: { action: 'update' },
  resourceType: LADDER_RESOURCE_TYPE,
});

/**
 * Rolling back a rung gated by `review-and-approval` without its approval (the emergency
 * path, which the platform must also allow in config). Checked with the entity as the
 * resource, only when a rollback asks for it, and in addition to
 * {@link promotionCreatePermission}.
 *
 * @public
 */
export const rollbackEmergencyPermission = createPermission({
  name: 'environment-ladder.rollback.emergency',
  attributes: { action: 'update' },
  resourceType: LADDER_RESOURCE_TYPE,
});

/**
 * Every permission of the Environment Ladder suite.
 *
 * @public
 */
export const environmentLadderPermissions = [
  ladderReadPermission,
  promotionCreatePermission,
  freezeOverridePermission,
  rollbackEmergencyPermission,
];
