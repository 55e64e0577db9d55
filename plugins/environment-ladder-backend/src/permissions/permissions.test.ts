import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentLadderPlugin } from '../plugin';
import { demoPolicyDecisions } from '../__testUtils__/demoPolicyDecisions';
import { createPermissionChecks } from './createPermissionChecks';

/**
 * The ladder's permissions as a policy decides them: our resource type and
 * rules registered with the permissions registry, a policy's conditional
 * decisions (our rules and the catalog's) evaluated by our checks.
 */
const service = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const checkout = service('checkout', 'group:default/team-shop');
const secret = service('secret', 'group:default/team-shop');
const payments = service('payments', 'group:default/team-payments');

const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/shopper': ['group:default/team-shop'],
  'user:default/releaser': ['group:default/platform-team'],
  'user:default/outsider': [],
};

/**
 * The permissions service as the permission backend answers the demo policy
 * for this user: the decision serialized and parsed as it travels.
 */
function permissionsFor(user: string) {
  const decide = demoPolicyDecisions(MEMBERSHIPS);
  return mockServices.permissions.mock({
    authorizeConditional: async requests =>
      decide(requests, mockCredentials.user(user)),
  });
}

beforeAll(() => {
  secret.metadata.annotations = { 'acme.io/secret': 'yes' };
});

describe('the ladder permissions', () => {
  it('registers its permissions and rules with the permissions registry', async () => {
    const { server } = await startTestBackend({
      features: [
        environmentLadderPlugin,
        catalogServiceMock.factory({ entities: [checkout] }),
        mockServices.rootConfig.factory({
          data: { environmentLadder: { rungs: [{ name: 'local' }] } },
        }),
      ],
    });
    const response = await request(server)
      .get('/api/environment-ladder/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(response.status).toBe(200);
    expect(
      response.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual([
      'environment-ladder.freeze.override',
      'environment-ladder.ladder.read',
      'environment-ladder.promotion.create',
      'environment-ladder.rollback.emergency',
    ]);
    expect(
      response.body.rules.map((r: { name: string }) => r.name).sort(),
    ).toEqual([
      'HAS_ANNOTATION',
      'HAS_LABEL',
      'HAS_METADATA',
      'HAS_SPEC',
      'IS_ENTITY_KIND',
      'IS_ENTITY_OWNER',
      'IS_TARGET_ENVIRONMENT',
    ]);
  });

  it('answers the ladder when the policy allows it and 403 when its conditions fail', async () => {
    const { server } = await startTestBackend({
      features: [
        environmentLadderPlugin,
        catalogServiceMock.factory({ entities: [checkout, secret] }),
        permissionsFor('user:default/outsider').factory,
        mockServices.rootConfig.factory({
          data: { environmentLadder: { rungs: [{ name: 'local' }] } },
        }),
      ],
    });
    const get = (name: string) =>
      request(server)
        .get(
          `/api/environment-ladder/entities/component/default/${name}/ladder`,
        )
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/outsider'),
        );
    const allowed = await get('checkout');
    expect(allowed.status).toBe(200);
    expect(allowed.body.entityRef).toBe('component:default/checkout');
    const denied = await get('secret');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'You may not read the ladder of component:default/secret',
    });
  });

  it.each<[string, Entity, string[]]>([
    ['user:default/shopper', checkout, ['dev', 'staging']],
    ['user:default/shopper', payments, []],
    ['user:default/releaser', payments, ['dev', 'staging', 'prod']],
    ['user:default/outsider', checkout, []],
  ])('lets %s promote %s to exactly %j', async (user, entity, allowed) => {
    const checks = createPermissionChecks({
      permissions: permissionsFor(user),
    });
    const credentials = mockCredentials.user(user);
    await expect(
      checks.promotableEnvironments(credentials, entity, [
        'dev',
        'staging',
        'prod',
      ]),
    ).resolves.toEqual(allowed);
    const outcomes = await Promise.all(
      ['dev', 'staging', 'prod'].map(target =>
        checks.assertCanPromote(credentials, entity, target).then(
          () => `${target}: allowed`,
          (error: Error) => `${target}: ${error.name}: ${error.message}`,
        ),
      ),
    );
    expect(outcomes).toEqual(
      ['dev', 'staging', 'prod'].map(target =>
        allowed.includes(target)
          ? `${target}: allowed`
          : `${target}: NotAllowedError: You may not promote component:default/${entity.metadata.name} to ${target}`,
      ),
    );
  });

  describe('whether a viewer may override', () => {
    it.each<[string, boolean]>([
      ['user:default/releaser', true],
      ['user:default/shopper', false],
      ['user:default/outsider', false],
    ])(
      'asks %s both permissions in one batch (granted: %s)',
      async (user, granted) => {
        const permissions = permissionsFor(user);
        const checks = createPermissionChecks({ permissions });
        await expect(
          checks.overridePermissions(mockCredentials.user(user), checkout, {
            freeze: true,
            emergency: true,
          }),
        ).resolves.toEqual({
          mayOverrideFreeze: granted,
          mayRollBackInEmergency: granted,
        });
        expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
        expect(
          (permissions.authorizeConditional as jest.Mock).mock.calls[0][0].map(
            (asked: { permission: { name: string } }) => asked.permission.name,
          ),
        ).toEqual([
          'environment-ladder.freeze.override',
          'environment-ladder.rollback.emergency',
        ]);
      },
    );

    it('asks only what could change an answer, and nothing when nothing could', async () => {
      const permissions = permissionsFor('user:default/releaser');
      const checks = createPermissionChecks({ permissions });
      const credentials = mockCredentials.user('user:default/releaser');
      await expect(
        checks.overridePermissions(credentials, checkout, {
          freeze: false,
          emergency: false,
        }),
      ).resolves.toEqual({
        mayOverrideFreeze: false,
        mayRollBackInEmergency: false,
      });
      expect(permissions.authorizeConditional).not.toHaveBeenCalled();

      await expect(
        checks.overridePermissions(credentials, checkout, {
          freeze: false,
          emergency: true,
        }),
      ).resolves.toEqual({
        mayOverrideFreeze: false,
        mayRollBackInEmergency: true,
      });
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
      expect(
        (permissions.authorizeConditional as jest.Mock).mock.calls[0][0],
      ).toEqual([
        {
          permission: expect.objectContaining({
            name: 'environment-ladder.rollback.emergency',
          }),
        },
      ]);
    });
  });
});
