import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import {
  CALLERS,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './trust/__testUtils__/startTrustWorld';

/**
 * Promotion notifications through the real notifications backend, beside
 * ours in one Backstage backend: a promotion requested over HTTP reaches the
 * requester's notifications, and the reconciler's next state updates that
 * same notification in place.
 */
jest.setTimeout(90_000);

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld();
  api = await world.startBackend({ features: [notificationsPlugin] });
});

afterAll(async () => {
  await world?.close();
});

/** The signed-in user's notifications, as the notifications frontend reads them. */
async function notificationsOf(caller: keyof typeof CALLERS) {
  const response = await request(api.server)
    .get('/api/notifications/notifications')
    .set('Authorization', CALLERS[caller]!);
  expect(response.status).toBe(200);
  return response.body.notifications as Array<{
    id: string;
    read: string | null;
    origin: string;
    payload: {
      title: string;
      description?: string;
      link?: string;
      severity?: string;
      scope?: string;
      topic?: string;
    };
  }>;
}

/** Waits for the background send to land. */
async function eventually<T>(read: () => Promise<T>, until: (t: T) => boolean) {
  for (let i = 0; i < 50; i++) {
    const value = await read();
    if (until(value)) return value;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return read();
}

describe('promotion notifications', () => {
  it('the requester gets one notification that follows the promotion', async () => {
    const response = await api.post(
      '/promotions',
      {
        entityRef: 'component:default/checkout',
        targetEnvironment: 'staging',
        reason: 'Ship 1.5.0 to staging',
      },
      'user',
    );
    expect(response.status).toBe(201);
    const { promotion } = response.body;
    expect(promotion.state).toBe('pr-open');
    const scope = `environment-ladder:promotion:${promotion.id}`;

    const ours = (list: Awaited<ReturnType<typeof notificationsOf>>) =>
      list.filter(n => n.payload.scope === scope);
    const list = await eventually(
      () => notificationsOf('user'),
      l => ours(l).some(n => /pull request open$/.test(n.payload.title)),
    );
    // One notification, however many states it went through.
    expect(ours(list)).toHaveLength(1);
    const [notification] = ours(list);
    expect(notification.origin).toBe('plugin:environment-ladder');
    expect(notification.payload).toMatchObject({
      title: 'Promotion of checkout to staging: pull request open',
      link: '/catalog/default/component/checkout/environments',
      severity: 'normal',
      topic: 'environment-ladder-promotions',
    });
    expect(notification.payload.description).toContain(
      promotion.pullRequest.url,
    );

    // Nobody else was told: the outsider neither requested nor owns it.
    expect(ours(await notificationsOf('outsider'))).toHaveLength(0);

    // Merged on GitHub; the reconciler moves the ledger, and the notification with it.
    world.github.mergePull('acme/gitops', promotion.pullRequest.number);
    await api.reconcile();
    const after = await eventually(
      () => notificationsOf('user'),
      l => ours(l).some(n => /merged/.test(n.payload.title)),
    );
    expect(ours(after)).toHaveLength(1);
    expect(ours(after)[0]).toMatchObject({
      id: notification.id,
      payload: {
        title:
          'Promotion of checkout to staging: merged, waiting for the rollout',
      },
    });
  });
});
