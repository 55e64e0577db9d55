import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { PromotionState } from '@environment-ladder/plugin-environment-ladder-common';
import { createPromotionStore } from '../PromotionStore/createPromotionStore';
import type { PromotionStore } from '../PromotionStore/types';
import {
  createPromotionNotifications,
  withPromotionNotifications,
} from './createPromotionNotifications';

jest.setTimeout(60_000);

const DIGEST = `sha256:${'c3'.repeat(32)}`;
const PULL_REQUEST = {
  url: 'https://github.com/acme/gitops/pull/42',
  number: 42,
  branch: 'promote/shop-prod',
};

const shop = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
};

/** A notification service that records what it is asked to send; `failWith` makes it throw. */
function fakeNotifications(failWith?: Error) {
  const sent: NotificationSendOptions[] = [];
  const service: NotificationService = {
    async send(options) {
      if (failWith) throw failWith;
      sent.push(options);
    },
  };
  return { service, sent };
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('PromotionNotifications', () => {
  let store: PromotionStore;
  const logger = mockServices.logger.mock();

  async function ledger(notifications: NotificationService) {
    const knex = await databases.init('SQLITE_3');
    const inner = await createPromotionStore({
      database: { getClient: async () => knex },
    });
    const promotionNotifications = createPromotionNotifications({
      notifications,
      catalog: catalogServiceMock({ entities: [shop] }),
      auth: mockServices.auth(),
      logger,
    });
    store = withPromotionNotifications(inner, promotionNotifications);
    return promotionNotifications;
  }

  // Sends run in the background; they are done once the event loop has turned.
  const settle = () => new Promise(resolve => setTimeout(resolve, 50));

  async function request() {
    const { promotion } = await store.create({
      entityRef: 'component:default/shop',
      sourceEnvironment: 'staging',
      targetEnvironment: 'prod',
      digest: DIGEST,
      reason: 'Release 1.4',
      requestedBy: 'user:default/jane',
      verdicts: [],
    });
    return promotion;
  }

  beforeEach(() => jest.clearAllMocks());

  it('sends one notification per state, to the requester and the owners, with one scope', async () => {
    const { service, sent } = fakeNotifications();
    await ledger(service);
    const promotion = await request();
    const states: PromotionState[] = ['pr-open', 'merged', 'running'];
    for (const state of states) {
      await store.transition(promotion.id, state, state, {
        ...(state === 'pr-open' && { pullRequest: PULL_REQUEST }),
      });
    }
    await store.transition(promotion.id, 'verified', 'healthy');
    await settle();

    expect(sent.map(s => s.payload.metadata?.state)).toEqual([
      'requested',
      'pr-open',
      'merged',
      'running',
      'verified',
    ]);
    for (const notification of sent) {
      expect(notification.recipients).toEqual({
        type: 'entity',
        entityRef: ['user:default/jane', 'group:default/team-shop'],
      });
      expect(notification.payload.scope).toBe(
        `environment-ladder:promotion:${promotion.id}`,
      );
      expect(notification.payload.severity).toBe('normal');
      expect(notification.payload.link).toBe(
        '/catalog/default/component/shop/environments',
      );
    }
    expect(sent[0].payload.title).toBe('Promotion of shop to prod: requested');
    expect(sent[4].payload.title).toBe('Promotion of shop to prod: verified');
    // From pr-open on, the description links the pull request.
    expect(sent[0].payload.description).not.toContain(PULL_REQUEST.url);
    expect(sent[1].payload.description).toContain(
      'Pull request #42: https://github.com/acme/gitops/pull/42',
    );
    expect(sent[4].payload.metadata?.pullRequest).toBe(PULL_REQUEST.url);
  });

  it('makes a failed promotion high severity, saying why', async () => {
    const { service, sent } = fakeNotifications();
    await ledger(service);
    const promotion = await request();
    await store.transition(promotion.id, 'pr-open', 'opened', {
      pullRequest: PULL_REQUEST,
    });
    await store.transition(promotion.id, 'merged', 'merged');
    await store.transition(promotion.id, 'running', 'running');
    await store.transition(promotion.id, 'failed', 'canary aborted', {
      error: 'The canary analysis failed (error rate 7%)',
    });
    await settle();

    const failed = sent[sent.length - 1];
    expect(failed.payload.severity).toBe('high');
    expect(failed.payload.title).toBe('Promotion of shop to prod: failed');
    expect(failed.payload.description).toContain(
      'Why: The canary analysis failed (error rate 7%)',
    );
    expect(sent.slice(0, -1).map(s => s.payload.severity)).toEqual([
      'normal',
      'normal',
      'normal',
      'normal',
    ]);
  });

  it('notifies nobody for an approval or a repeated idempotent request', async () => {
    const { service, sent } = fakeNotifications();
    await ledger(service);
    const { promotion } = await store.create({
      entityRef: 'component:default/shop',
      sourceEnvironment: 'staging',
      targetEnvironment: 'prod',
      digest: DIGEST,
      reason: 'Release 1.4',
      requestedBy: 'user:default/jane',
      verdicts: [],
      idempotencyKey: 'release-1.4',
    });
    await store.create({
      entityRef: 'component:default/shop',
      sourceEnvironment: 'staging',
      targetEnvironment: 'prod',
      digest: DIGEST,
      reason: 'Release 1.4',
      requestedBy: 'user:default/jane',
      verdicts: [],
      idempotencyKey: 'release-1.4',
    });
    await store.recordApproval(promotion.id, 'user:default/ops');
    await settle();
    expect(sent).toHaveLength(1);
  });

  it('a failing notification service fails no promotion, and the log carries no secret', async () => {
    const { service } = fakeNotifications(
      new Error('Request failed with 503 Service Unavailable'),
    );
    await ledger(service);
    const promotion = await request();
    await expect(
      store.transition(promotion.id, 'pr-open', 'opened', {
        pullRequest: PULL_REQUEST,
      }),
    ).resolves.toMatchObject({ state: 'pr-open' });
    await settle();

    expect((await store.get(promotion.id))?.state).toBe('pr-open');
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not send a promotion notification',
      {
        promotionId: promotion.id,
        state: 'pr-open',
        error: 'Request failed with 503 Service Unavailable',
      },
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toMatch(
      /token|authorization|bearer/i,
    );
  });

  it('promotionChanged resolves even when the service throws synchronously', async () => {
    const notifications = await ledger({
      send: () => {
        throw new TypeError('fetch failed');
      },
    });
    const promotion = await request();
    await expect(
      notifications.promotionChanged(promotion),
    ).resolves.toBeUndefined();
  });

  it('falls back to the entity itself (resolved by the notifications backend) when it has no owner', async () => {
    const sent: NotificationSendOptions[] = [];
    const knex = await databases.init('SQLITE_3');
    const inner = await createPromotionStore({
      database: { getClient: async () => knex },
    });
    store = withPromotionNotifications(
      inner,
      createPromotionNotifications({
        notifications: { send: async options => void sent.push(options) },
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
        logger,
      }),
    );
    await request();
    await settle();
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['user:default/jane', 'component:default/shop'],
    });
  });
});
