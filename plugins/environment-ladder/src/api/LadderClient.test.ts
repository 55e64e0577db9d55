import { setupServer } from 'msw/node';
import { rest } from 'msw';
import { MockFetchApi } from '@backstage/test-utils';
import { ladder } from '../__fixtures__/ladder';
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
      rest.get(`${baseUrl}/entities/:kind/:namespace/:name/ladder`, (req, res, ctx) => {
        seen.push({ path: req.url.pathname, auth: req.headers.get('authorization') });
        return res(ctx.json(ladder));
      }),
    );
    await expect(
      client.getLadder({ kind: 'Component', namespace: 'default', name: 'check out' }),
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
      rest.get(`${baseUrl}/entities/:kind/:namespace/:name/ladder`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'No entity component:default/nope in the catalog' },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );
    await expect(
      client.getLadder({ kind: 'Component', namespace: 'default', name: 'nope' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: { error: { message: 'No entity component:default/nope in the catalog' } },
    });
  });
});
