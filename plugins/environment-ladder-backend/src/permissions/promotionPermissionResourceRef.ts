import type { Entity } from '@backstage/catalog-model';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { LADDER_RESOURCE_TYPE } from '@environment-ladder/plugin-environment-ladder-common';

/**
 * What a promotion permission is decided on: the service's catalog entity,
 * and the rung the promotion would move a digest into (absent when the
 * question is "may this user promote this entity at all").
 */
export interface PromotionPermissionResource {
  entity: Entity;
  targetEnvironment?: string;
}

/** The resource reference of the Environment Ladder's permission rules. */
export const promotionPermissionResourceRef = createPermissionResourceRef<
  PromotionPermissionResource,
  never
>().with({
  pluginId: 'environment-ladder',
  resourceType: LADDER_RESOURCE_TYPE,
});
