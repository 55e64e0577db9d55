import { setupServer } from 'msw/node';
import { rest } from 'msw';
import { MockFetchApi } from '@backstage/test-utils';
import { ladder } from '../__fixtures__/ladder';
import { promotion } from './__fixtures__/promotions';
import { LadderClient } from './LadderClient';

const server = setupServer();
const baseUrl = 'http://backstage.test/api/environment-ladder';

describe('LadderClient', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new LadderClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  it('asks for the entity ladder with the user token, escaping the reference', async () => {
    const seen: Array<{ path: string; auth: string | null }> = [];
    server.use(
      rest.get(
        `${baseUrl}/entities/:kind/:namespace/:name/ladder`,
        (req, res, ctx) => {
          seen.push({
            path: req.url.pathname,
            auth: req.headers.get('authorization'),
          });
          return res(ctx.json(ladder));
        },
      ),
    );
    await expect(
      client.getLadder({
        kind: 'Component',
        namespace: 'default',
        name: 'check out',
      }),
    ).resolves.toEqual(ladder);
    expect(seen).toEqual([
      {
        path: '/api/environment-ladder/entities/Component/default/check%20out/ladder',
        auth: 'Bearer user-token',
      },
    ]);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      rest.get(
        `${baseUrl}/entities/:kind/:namespace/:name/ladder`,
        (_req, res, ctx) =>
          res(
            ctx.status(404),
            ctx.json({
              error: {
                name: 'NotFoundError',
                message: 'No entity component:default/nope in the catalog',
              },
              request: { method: 'GET', url: '/x' },
              response: { statusCode: 404 },
            }),
          ),
      ),
    );
    await expect(
      client.getLadder({
        kind: 'Component',
        namespace: 'default',
        name: 'nope',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: {
        error: { message: 'No entity component:default/nope in the catalog' },
      },
    });
  });
  it('asks for the overview in one request, the filter in the query', async () => {
    const seen: Array<{ path: string; query: string; auth: string | null }> =
      [];
    const overview = {
      rungs: [],
      rows: [],
      generatedAt: '2026-12-05T09:00:00.000Z',
    };
    server.use(
      rest.get(`${baseUrl}/overview`, (req, res, ctx) => {
        seen.push({
          path: req.url.pathname,
          query: req.url.search,
          auth: req.headers.get('authorization'),
        });
        return res(ctx.json(overview));
      }),
    );
    await expect(client.getOverview()).resolves.toEqual(overview);
    await expect(
      client.getOverview({
        system: 'system:default/shop',
        onlyBroken: true,
      }),
    ).resolves.toEqual(overview);
    expect(seen).toEqual([
      {
        path: '/api/environment-ladder/overview',
        query: '',
        auth: 'Bearer user-token',
      },
      {
        path: '/api/environment-ladder/overview',
        query: '?system=system%3Adefault%2Fshop&onlyBroken=true',
        auth: 'Bearer user-token',
      },
    ]);
  });

  it('lists the entity promotions with the user token', async () => {
    const seen: Array<{ path: string; auth: string | null }> = [];
    server.use(
      rest.get(
        `${baseUrl}/entities/:kind/:namespace/:name/promotions`,
        (req, res, ctx) => {
          seen.push({
            path: req.url.pathname,
            auth: req.headers.get('authorization'),
          });
          return res(ctx.json({ items: [promotion] }));
        },
      ),
    );
    await expect(
      client.listPromotions({
        kind: 'Component',
        namespace: 'default',
        name: 'checkout',
      }),
    ).resolves.toEqual([promotion]);
    expect(seen).toEqual([
      {
        path: '/api/environment-ladder/entities/Component/default/checkout/promotions',
        auth: 'Bearer user-token',
      },
    ]);
  });

  it('asks which rungs the user may promote into', async () => {
    const seen: string[] = [];
    const targets = [
      { environment: 'dev', allowed: true },
      { environment: 'staging', allowed: true },
      { environment: 'prod', allowed: false },
    ];
    server.use(
      rest.get(
        `${baseUrl}/entities/:kind/:namespace/:name/promotions/targets`,
        (req, res, ctx) => {
          seen.push(req.url.pathname);
          return res(ctx.json({ targets }));
        },
      ),
    );
    await expect(
      client.getPromotionTargets({
        kind: 'Component',
        namespace: 'team a',
        name: 'checkout',
      }),
    ).resolves.toEqual(targets);
    expect(seen).toEqual([
      '/api/environment-ladder/entities/Component/team%20a/checkout/promotions/targets',
    ]);
  });

  it('posts a promotion request as JSON with the user token', async () => {
    const seen: Array<{
      auth: string | null;
      type: string | null;
      body: unknown;
    }> = [];
    const answer = { promotion, created: true };
    server.use(
      rest.post(`${baseUrl}/promotions`, async (req, res, ctx) => {
        seen.push({
          auth: req.headers.get('authorization'),
          type: req.headers.get('content-type'),
          body: await req.json(),
        });
        return res(ctx.status(201), ctx.json(answer));
      }),
    );
    const request = {
      entityRef: 'component:default/checkout',
      targetEnvironment: 'staging',
      digest: promotion.digest,
      reason: 'Release 1.5.0',
      dryRun: true,
    };
    await expect(client.requestPromotion(request)).resolves.toEqual(answer);
    expect(seen).toEqual([
      { auth: 'Bearer user-token', type: 'application/json', body: request },
    ]);
  });

  it('throws a ResponseError carrying the refused rule', async () => {
    server.use(
      rest.post(`${baseUrl}/promotions`, (_req, res, ctx) =>
        res(
          ctx.status(409),
          ctx.json({
            error: {
              name: 'ConflictError',
              message:
                'Rule one-in-flight: a promotion to staging is in flight',
            },
            request: { method: 'POST', url: '/promotions' },
            response: { statusCode: 409 },
          }),
        ),
      ),
    );
    await expect(
      client.requestPromotion({
        entityRef: 'component:default/checkout',
        targetEnvironment: 'staging',
        reason: 'x',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 409,
      cause: {
        name: 'ConflictError',
        message: 'Rule one-in-flight: a promotion to staging is in flight',
      },
    });
  });

  it('asks for the delivery metrics of one entity over a period, with the user token', async () => {
    const seen: Array<{ search: string; auth: string | null }> = [];
    server.use(
      rest.get(`${baseUrl}/metrics`, (req, res, ctx) => {
        seen.push({
          search: req.url.search,
          auth: req.headers.get('authorization'),
        });
        return res(ctx.json({ entityRefs: ['component:default/check out'] }));
      }),
    );
    await expect(
      client.getDeliveryMetrics(
        { kind: 'Component', namespace: 'default', name: 'check out' },
        30,
      ),
    ).resolves.toEqual({ entityRefs: ['component:default/check out'] });
    expect(seen).toEqual([
      {
        search: '?entityRef=component%3Adefault%2Fcheck+out&period=30d',
        auth: 'Bearer user-token',
      },
    ]);
  });

  it("asks for a team's delivery metrics by owner", async () => {
    const seen: string[] = [];
    server.use(
      rest.get(`${baseUrl}/metrics`, (req, res, ctx) => {
        seen.push(req.url.search);
        return res(ctx.json({ entityRefs: [] }));
      }),
    );
    await client.getTeamDeliveryMetrics('group:default/team-shop', 7);
    expect(seen).toEqual(['?owner=group%3Adefault%2Fteam-shop&period=7d']);
  });
});
