import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { PromotionState } from '@environment-ladder/plugin-environment-ladder-common';
import type { Knex } from 'knex';
import { createPromotionStore } from './createPromotionStore';
import type { NewPromotion } from './types';

jest.setTimeout(60_000);

const POSTGRES_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.warn(
    `PromotionStore: PostgreSQL 15 tests are SKIPPED because ${POSTGRES_VARIABLE} is not set (and Docker is disabled or absent); only SQLite ran. Set it, e.g. to postgresql://postgres@127.0.0.1:5432, to run them.`,
  );
  // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect
  it.skip(`PostgreSQL 15 (skipped: ${POSTGRES_VARIABLE} is not set)`, () => {});
}

const DIGEST = `sha256:${'b2'.repeat(32)}`;

function request(overrides: Partial<NewPromotion> = {}): NewPromotion {
  return {
    entityRef: 'component:default/shop',
    sourceEnvironment: 'staging',
    targetEnvironment: 'prod',
    digest: DIGEST,
    reason: 'Release 1.4',
    requestedBy: 'user:default/jane',
    verdicts: [
      {
        rule: 'gate',
        passed: true,
        message: 'prod needs a reviewed pull request',
      },
    ],
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'createPromotionStore on %s',
  databaseId => {
    let knex: Knex;
    let clock: number;
    const now = () =>
      new Date(Date.UTC(2026, 10, 27, 12, 0, 0) + clock++ * 1000);

    async function makeStore() {
      knex = await databases.init(databaseId);
      clock = 0;
      return createPromotionStore({
        database: { getClient: async () => knex },
        now,
      });
    }

    it('runs its migrations, and skips them when told to', async () => {
      await makeStore();
      expect(await knex.schema.hasTable('environment_ladder_promotions')).toBe(
        true,
      );
      expect(
        await knex.schema.hasTable('environment_ladder_promotion_events'),
      ).toBe(true);

      const fresh = await databases.init(databaseId);
      await expect(
        createPromotionStore({
          database: {
            getClient: async () => fresh,
            migrations: { skip: true },
          },
        }),
      ).resolves.toBeDefined();
      expect(await fresh.schema.hasTable('environment_ladder_promotions')).toBe(
        false,
      );
    });

    it('records a promotion as requested, with its verdicts and first event', async () => {
      const store = await makeStore();
      const { promotion, created } = await store.create(request());
      expect(created).toBe(true);
      expect(promotion).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: 'promotion',
        entityRef: 'component:default/shop',
        sourceEnvironment: 'staging',
        targetEnvironment: 'prod',
        digest: DIGEST,
        reason: 'Release 1.4',
        requestedBy: 'user:default/jane',
        state: 'requested',
        verdicts: [
          {
            rule: 'gate',
            passed: true,
            message: 'prod needs a reviewed pull request',
          },
        ],
        pullRequest: null,
        approvals: [],
        createdAt: '2026-11-27T12:00:00.000Z',
        updatedAt: '2026-11-27T12:00:00.000Z',
        history: [
          {
            state: 'requested',
            at: '2026-11-27T12:00:00.000Z',
            message: 'requested by user:default/jane',
          },
        ],
        error: null,
      });
      expect(await store.get(promotion.id)).toEqual(promotion);
      expect(
        await store.get('00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
    });

    it('records rollbacks, and reads rows from before rollbacks as promotions', async () => {
      // The ledger as it was before the rollbacks migration, with one promotion in it.
      knex = await databases.init(databaseId);
      clock = 0;
      const directory = resolvePackagePath(
        '@environment-ladder/plugin-environment-ladder-backend',
        'migrations',
      );
      await knex.migrate.up({ directory, name: '20261127000000_init.js' });
      await knex.migrate.up({ directory, name: '20261205000000_claims.js' });
      const old = '00000000-0000-4000-8000-000000000001';
      await knex('environment_ladder_promotions').insert({
        id: old,
        entity_ref: 'component:default/shop',
        source_environment: 'staging',
        target_environment: 'prod',
        digest: DIGEST,
        reason: 'Before rollbacks',
        requested_by: 'user:default/jane',
        state: 'verified',
        verdicts: '[]',
        approvals: '[]',
        created_at: now(),
        updated_at: now(),
      });
      const store = await createPromotionStore({
        database: { getClient: async () => knex },
        now,
      });
      const before = await store.get(old);
      expect(before?.kind).toBe('promotion');
      expect(before).not.toHaveProperty('emergency');

      const { promotion } = await store.create(
        request({
          kind: 'rollback',
          emergency: true,
          sourceEnvironment: 'prod',
        }),
      );
      expect(promotion).toMatchObject({
        kind: 'rollback',
        emergency: true,
        sourceEnvironment: 'prod',
        targetEnvironment: 'prod',
      });
      expect(
        (await store.listForEntity('component:default/shop')).map(p => p.kind),
      ).toEqual(['rollback', 'promotion']);
    });

    it('is idempotent on the idempotency key', async () => {
      const store = await makeStore();
      const first = await store.create(request({ idempotencyKey: 'task-1' }));
      const again = await store.create(
        request({ idempotencyKey: 'task-1', reason: 'retried' }),
      );
      expect(again).toEqual({ promotion: first.promotion, created: false });
      await expect(
        store.create(
          request({ idempotencyKey: 'task-1', targetEnvironment: 'staging' }),
        ),
      ).rejects.toThrow(
        new ConflictError(
          'The idempotency key was already used for a promotion of component:default/shop to prod',
        ),
      );
      // The key keeps answering after the promotion finished.
      await store.transition(
        first.promotion.id,
        'failed',
        'pull request closed without merging',
      );
      expect(
        (await store.create(request({ idempotencyKey: 'task-1' }))).created,
      ).toBe(false);
    });

    it('refuses a second promotion to the same target while one is in flight', async () => {
      const store = await makeStore();
      const { promotion } = await store.create(request());
      await expect(
        store.create(request({ digest: `sha256:${'c3'.repeat(32)}` })),
      ).rejects.toThrow(
        new ConflictError(
          `A promotion of component:default/shop to prod is already in flight (requested by ${promotion.requestedBy}, state requested); wait until it is verified or has failed`,
        ),
      );
      // Other targets and other entities are free.
      expect(
        (await store.create(request({ targetEnvironment: 'staging' }))).created,
      ).toBe(true);
      expect(
        (await store.create(request({ entityRef: 'component:default/cart' })))
          .created,
      ).toBe(true);
      // Once it is finished, the target is free again.
      await store.transition(promotion.id, 'rejected', 'approver said no', {
        error: 'approver said no',
      });
      expect((await store.create(request())).created).toBe(true);
    });

    it('walks the whole ledger, recording every step', async () => {
      const store = await makeStore();
      const { promotion } = await store.create(request());
      const pullRequest = {
        url: 'https://github.com/acme/gitops/pull/87',
        number: 87,
        branch: 'environment-ladder/shop/prod-b2b2b2b2b2b2',
      };
      expect(
        (await store.setPullRequest(promotion.id, pullRequest)).pullRequest,
      ).toEqual(pullRequest);
      await store.transition(promotion.id, 'pr-open', 'pull request opened');
      await store.transition(promotion.id, 'merged', 'pull request merged', {
        approvals: ['user:default/olga'],
      });
      await store.transition(
        promotion.id,
        'running',
        'prod runs sha256:b2b2b2b2b2b2…',
      );
      expect((await store.listInFlight()).map(p => p.id)).toEqual([
        promotion.id,
      ]);
      const verified = await store.transition(
        promotion.id,
        'verified',
        'rollout shop Healthy',
      );
      expect(verified).toMatchObject({
        state: 'verified',
        pullRequest,
        approvals: ['user:default/olga'],
        createdAt: '2026-11-27T12:00:00.000Z',
        updatedAt: '2026-11-27T12:00:05.000Z',
      });
      expect(verified.history).toEqual([
        {
          state: 'requested',
          at: '2026-11-27T12:00:00.000Z',
          message: 'requested by user:default/jane',
        },
        {
          state: 'pr-open',
          at: '2026-11-27T12:00:02.000Z',
          message: 'pull request opened',
        },
        {
          state: 'merged',
          at: '2026-11-27T12:00:03.000Z',
          message: 'pull request merged',
        },
        {
          state: 'running',
          at: '2026-11-27T12:00:04.000Z',
          message: 'prod runs sha256:b2b2b2b2b2b2…',
        },
        {
          state: 'verified',
          at: '2026-11-27T12:00:05.000Z',
          message: 'rollout shop Healthy',
        },
      ]);
      expect(await store.listInFlight()).toEqual([]);
    });

    it('refuses transitions from terminal states and steps the ledger does not allow', async () => {
      const store = await makeStore();
      const { promotion } = await store.create(request());
      await expect(
        store.transition(promotion.id, 'verified', 'skipping ahead'),
      ).rejects.toThrow(
        new ConflictError(
          `Promotion ${promotion.id} cannot go from requested to verified`,
        ),
      );
      await store.transition(promotion.id, 'failed', 'GitHub answered 422', {
        error: 'GitHub answered 422',
      });
      for (const state of [
        'requested',
        'pr-open',
        'merged',
        'running',
        'verified',
        'failed',
      ] as PromotionState[]) {
        await expect(
          store.transition(promotion.id, state, 'again'),
        ).rejects.toThrow(
          new ConflictError(
            `Promotion ${promotion.id} is failed, a final state; it cannot become ${state}`,
          ),
        );
      }
      await expect(
        store.setPullRequest(promotion.id, {
          url: 'https://github.com/acme/gitops/pull/1',
          number: 1,
          branch: 'b',
        }),
      ).rejects.toThrow(ConflictError);
      const stored = await store.get(promotion.id);
      expect(stored?.state).toBe('failed');
      expect(stored?.error).toBe('GitHub answered 422');
      expect(stored?.history.map(event => event.state)).toEqual([
        'requested',
        'failed',
      ]);
      await expect(
        store.transition('00000000-0000-4000-8000-000000000000', 'failed', 'x'),
      ).rejects.toThrow(NotFoundError);
    });

    it('lists an entity’s promotions newest first', async () => {
      const store = await makeStore();
      const first = await store.create(request());
      await store.transition(first.promotion.id, 'failed', 'closed');
      const second = await store.create(request());
      await store.create(request({ entityRef: 'component:default/cart' }));
      expect(
        (await store.listForEntity('component:default/shop')).map(p => p.id),
      ).toEqual([second.promotion.id, first.promotion.id]);
      expect(await store.listForEntity('component:default/nothing')).toEqual(
        [],
      );
    });

    it('records exactly one promotion for 50 concurrent requests with the same idempotency key', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          store.create(request({ idempotencyKey: 'same-task' })),
        ),
      );
      expect(results.filter(result => result.created)).toHaveLength(1);
      expect(new Set(results.map(result => result.promotion.id)).size).toBe(1);
      const [{ count }] = await knex('environment_ladder_promotions').count({
        count: '*',
      });
      expect(Number(count)).toBe(1);
    });

    it('lets exactly one of 10 concurrent different requests to the same target win', async () => {
      const store = await makeStore();
      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          store.create(
            request({
              idempotencyKey: `task-${index}`,
              reason: `attempt ${index}`,
            }),
          ),
        ),
      );
      const won = settled.filter(result => result.status === 'fulfilled');
      const lost = settled.filter(
        (result): result is PromiseRejectedResult =>
          result.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const result of lost) {
        expect(result.reason).toBeInstanceOf(ConflictError);
      }
      expect(await store.listInFlight()).toHaveLength(1);
    });

    it('lets exactly one of two concurrent transitions of the same promotion win', async () => {
      const store = await makeStore();
      const { promotion } = await store.create(request());
      const settled = await Promise.allSettled([
        store.transition(promotion.id, 'pr-open', 'pull request opened'),
        store.transition(promotion.id, 'pr-open', 'pull request opened'),
      ]);
      expect(
        settled.filter(result => result.status === 'fulfilled'),
      ).toHaveLength(1);
      const [lost] = settled.filter(
        (result): result is PromiseRejectedResult =>
          result.status === 'rejected',
      );
      expect(lost.reason).toBeInstanceOf(ConflictError);
      expect((await store.get(promotion.id))?.history).toHaveLength(2);
    });
  },
);
