import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  freezeOverridePermission,
  ladderReadPermission,
  promotionCreatePermission,
  rollbackEmergencyPermission,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { PromotionPermissionResource } from './promotionPermissionResourceRef';
import { promotionPermissionRules } from './rules';

/** The one place where the ladder's permissions are checked. */
export interface PermissionChecks {
  /** Throws NotAllowedError unless the caller may read this entity's ladder. */
  assertCanReadLadder(
    credentials: BackstageCredentials,
    entity: Entity,
  ): Promise<void>;
  /**
   * The entities, of those given, whose ladder the caller may read: one
   * decision for all of them, evaluated on each as for a single ladder.
   */
  readableLadders(
    credentials: BackstageCredentials,
    entities: Entity[],
  ): Promise<Entity[]>;
  /** Throws NotAllowedError unless the caller may promote this entity into the target rung. */
  assertCanPromote(
    credentials: BackstageCredentials,
    entity: Entity,
    targetEnvironment: string,
  ): Promise<void>;
  /** Throws NotAllowedError unless the caller may promote this entity while a freeze is in force. */
  assertCanOverrideFreeze(
    credentials: BackstageCredentials,
    entity: Entity,
  ): Promise<void>;
  /** Throws NotAllowedError unless the caller may roll back this entity without the rung's approval. */
  assertCanRollBackInEmergency(
    credentials: BackstageCredentials,
    entity: Entity,
  ): Promise<void>;
  /**
   * Whether the caller may override a freeze and take the emergency path of a rollback
   * for this entity: one batched decision for the permissions asked; one not asked is
   * false.
   */
  overridePermissions(
    credentials: BackstageCredentials,
    entity: Entity,
    ask: { freeze: boolean; emergency: boolean },
  ): Promise<{ mayOverrideFreeze: boolean; mayRollBackInEmergency: boolean }>;
  /** The rungs, of those given, into which the caller may promote this entity. */
  promotableEnvironments(
    credentials: BackstageCredentials,
    entity: Entity,
    environments: string[],
  ): Promise<string[]>;
}

const authorize = createConditionAuthorizer<PromotionPermissionResource, never>(
  Object.values(promotionPermissionRules) as any,
);

/** Creates the permission checks over Backstage's permission framework. */
export function createPermissionChecks(options: {
  permissions: PermissionsService;
}): PermissionChecks {
  const { permissions } = options;

  // Decided here rather than by the permission backend: the entity is
  // already loaded with the caller's credentials, and the target rung is part
  // of a promotion's question but not of the entity. Conditions may use the
  // catalog's rules and ours alike; both are evaluated on the same resource.
  async function decider(
    permission: typeof ladderReadPermission,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return (resource: PromotionPermissionResource) =>
      authorize(decision, resource);
  }

  return {
    async assertCanReadLadder(credentials, entity) {
      const allowed = await decider(ladderReadPermission, credentials);
      if (!allowed({ entity })) {
        throw new NotAllowedError(
          `You may not read the ladder of ${stringifyEntityRef(entity)}`,
        );
      }
    },

    async readableLadders(credentials, entities) {
      if (entities.length === 0) return [];
      const allowed = await decider(ladderReadPermission, credentials);
      return entities.filter(entity => allowed({ entity }));
    },

    async assertCanPromote(credentials, entity, targetEnvironment) {
      const allowed = await decider(promotionCreatePermission, credentials);
      if (!allowed({ entity, targetEnvironment })) {
        throw new NotAllowedError(
          `You may not promote ${stringifyEntityRef(
            entity,
          )} to ${targetEnvironment}`,
        );
      }
    },

    async assertCanOverrideFreeze(credentials, entity) {
      const allowed = await decider(freezeOverridePermission, credentials);
      if (!allowed({ entity })) {
        throw new NotAllowedError(
          `You may not override a freeze window of ${stringifyEntityRef(
            entity,
          )}`,
        );
      }
    },

    async assertCanRollBackInEmergency(credentials, entity) {
      const allowed = await decider(rollbackEmergencyPermission, credentials);
      if (!allowed({ entity })) {
        throw new NotAllowedError(
          `You may not roll back ${stringifyEntityRef(
            entity,
          )} without an approval (emergency rollback)`,
        );
      }
    },

    async overridePermissions(credentials, entity, ask) {
      const asked = [
        ...(ask.freeze ? [freezeOverridePermission] : []),
        ...(ask.emergency ? [rollbackEmergencyPermission] : []),
      ];
      if (asked.length === 0) {
        return { mayOverrideFreeze: false, mayRollBackInEmergency: false };
      }
      const decisions = await permissions.authorizeConditional(
        asked.map(permission => ({ permission })),
        { credentials },
      );
      const granted = (permission: typeof ladderReadPermission) => {
        const index = asked.indexOf(permission);
        return index >= 0 && authorize(decisions[index], { entity });
      };
      return {
        mayOverrideFreeze: granted(freezeOverridePermission),
        mayRollBackInEmergency: granted(rollbackEmergencyPermission),
      };
    },

    async promotableEnvironments(credentials, entity, environments) {
      const allowed = await decider(promotionCreatePermission, credentials);
      return environments.filter(targetEnvironment =>
        allowed({ entity, targetEnvironment }),
      );
    },
  };
}
