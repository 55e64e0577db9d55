import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  freezeOverridePermission,
  rollbackEmergencyPermission,
  ladderReadPermission,
  promotionCreatePermission,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  createEnvironmentLadderConditionalDecision,
  environmentLadderConditions,
} from '../permissions/conditions';

/**
 * The demo backend's policy (owners promote into dev and staging, the
 * platform team anywhere, through freezes and by emergency rollbacks), plus one rule to test reads: nobody reads the
 * ladder of an entity annotated `acme.io/secret`.
 */
export async function demoPolicy(
  query: PolicyQuery,
  user?: PolicyQueryUser,
): Promise<PolicyDecision> {
  const claims = user?.info.ownershipEntityRefs ?? [];
  if (isPermission(query.permission, ladderReadPermission)) {
    return createEnvironmentLadderConditionalDecision(query.permission, {
      not: environmentLadderConditions.hasAnnotation({
        annotation: 'acme.io/secret',
      }),
    });
  }
  if (
    isPermission(query.permission, freezeOverridePermission) ||
    isPermission(query.permission, rollbackEmergencyPermission)
  ) {
    return {
      result: claims.includes('group:default/platform-team')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  }
  if (isPermission(query.permission, promotionCreatePermission)) {
    if (claims.includes('group:default/platform-team')) {
      return { result: AuthorizeResult.ALLOW };
    }
    return createEnvironmentLadderConditionalDecision(query.permission, {
      allOf: [
        environmentLadderConditions.isEntityOwner({ claims }),
        environmentLadderConditions.isTargetEnvironment({
          environments: ['dev', 'staging'],
        }),
      ],
    });
  }
  // The Kubernetes backend's proxy and everything else.
  return { result: AuthorizeResult.ALLOW };
}

/**
 * The policy's decisions as the permission backend sends them: for the
 * caller, whose groups come from `memberships`, serialized on the way.
 */
export function demoPolicyDecisions(memberships: Record<string, string[]>) {
  return (
    requests: Array<{ permission: PolicyQuery['permission'] }>,
    credentials: BackstageCredentials,
  ) => {
    const userRef = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    const user = userRef
      ? ({
          info: {
            userEntityRef: userRef,
            ownershipEntityRefs: [userRef, ...(memberships[userRef] ?? [])],
          },
        } as PolicyQueryUser)
      : undefined;
    return Promise.all(
      requests.map(async ({ permission }) =>
        JSON.parse(
          JSON.stringify(await demoPolicy({ permission } as PolicyQuery, user)),
        ),
      ),
    );
  };
}
