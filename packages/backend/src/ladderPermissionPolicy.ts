import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createEnvironmentLadderConditionalDecision,
  environmentLadderConditions,
} from '@environment-ladder/plugin-environment-ladder-backend';
import {
  freezeOverridePermission,
  rollbackEmergencyPermission,
  promotionCreatePermission,
} from '@environment-ladder/plugin-environment-ladder-common';

/** Members of this group may promote anything anywhere, prod included. */
const RELEASE_MANAGERS = 'group:default/platform-team';

/**
 * The demo's policy: a service's owners may promote it to dev and staging;
 * only the platform team may promote to prod, override a freeze window or
 * roll back without an approval (emergency).
 * Everything else is allowed.
 */
export class LadderPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      isPermission(request.permission, freezeOverridePermission) ||
      isPermission(request.permission, rollbackEmergencyPermission)
    ) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return {
        result: claims.includes(RELEASE_MANAGERS)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (isPermission(request.permission, promotionCreatePermission)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      if (claims.includes(RELEASE_MANAGERS)) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createEnvironmentLadderConditionalDecision(request.permission, {
        allOf: [
          environmentLadderConditions.isEntityOwner({ claims }),
          environmentLadderConditions.isTargetEnvironment({
            environments: ['dev', 'staging'],
          }),
        ],
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link LadderPermissionPolicy} as the backend's permission policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'ladder-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new LadderPermissionPolicy());
      },
    });
  },
});
