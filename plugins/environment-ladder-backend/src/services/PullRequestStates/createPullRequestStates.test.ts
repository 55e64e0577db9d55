import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject, JsonValue } from '@backstage/types';
import { readFileSync } from 'fs';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { resolve } from 'path';
import { createPullRequestStates } from './createPullRequestStates';

/**
 * A pull request as GitHub returns it, recorded (see src/__fixtures__/github/README.md):
 * the list endpoint returns an array of these. Number and title are changed per test.
 */
const RECORDED_PULL = (
  JSON.parse(
    readFileSync(
      resolve(
        __dirname,
        '../../__fixtures__/github/octokit-plugin-create-pull-request/happy-path.json',
      ),
      'utf8',
    ),
  ) as Array<{ request: { method: string; url: string }; response: any }>
).find(
  e =>
    e.request.method === 'POST' &&
    e.request.url === '/repos/{owner}/{repo}/pulls',
)!.response.data;

const pull = (number: number, title: string) => ({
  ...RECORDED_PULL,
  number,
  title,
  url: `https://api.github.com/repos/acme/inventory/pulls/${number}`,
});

const TOKEN = 'ghp_secretsecretsecretsecretsecretsecret';

describe('createPullRequestStates', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  let now = 1_000_000;
  const logger = mockServices.logger.mock();
  const requests: Array<{ url: string; authorization: string | null }> = [];

  function states(
    github: JsonObject[] = [{ host: 'github.com', token: TOKEN }],
  ) {
    return createPullRequestStates({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({ integrations: { github } }),
      ),
      logger,
      now: () => now,
    });
  }

  function answer(
    status: number,
    body: JsonValue,
    headers: Record<string, string> = {},
  ) {
    server.use(
      rest.get('*/repos/:owner/:repo/pulls', (req, res, ctx) => {
        requests.push({
          url: req.url.toString(),
          authorization: req.headers.get('authorization'),
        });
        return res(ctx.status(status), ctx.set(headers), ctx.json(body));
      }),
    );
  }

  beforeEach(() => {
    now = 1_000_000;
    requests.length = 0;
    jest.clearAllMocks();
  });

  afterEach(() => {
    // Whatever happened, no token reached the logs.
    for (const method of ['debug', 'info', 'warn', 'error'] as const) {
      if (JSON.stringify(logger[method].mock.calls).includes(TOKEN)) {
        throw new Error(`The token was logged at ${method} level`);
      }
    }
  });

  it('lists the open pull requests in one call with the integration token', async () => {
    answer(200, [
      pull(41, 'Bulk import of stock levels from CSV'),
      pull(44, 'Fix stock rounding'),
    ]);
    const result = await states().getOpenPullRequests({
      owner: 'acme',
      repo: 'inventory',
    });
    expect(requests).toEqual([
      {
        url: 'https://api.github.com/repos/acme/inventory/pulls?state=open&per_page=100',
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
    expect(result).toEqual({
      known: true,
      complete: true,
      open: new Map([
        [41, { title: 'Bulk import of stock levels from CSV' }],
        [44, { title: 'Fix stock rounding' }],
      ]),
    });
  });

  it('asks the API base URL of the integration', async () => {
    answer(200, []);
    await states([
      {
        host: 'github.com',
        token: TOKEN,
        apiBaseUrl: 'https://github-proxy.example.com/api/',
      },
    ]).getOpenPullRequests({ owner: 'acme', repo: 'inventory' });
    expect(requests.map(r => r.url)).toEqual([
      'https://github-proxy.example.com/api/repos/acme/inventory/pulls?state=open&per_page=100',
    ]);
  });

  it('calls GitHub at most once per repository per minute, even for concurrent callers', async () => {
    answer(200, [pull(41, 'Bulk import')]);
    const service = states();
    const inventory = { owner: 'acme', repo: 'inventory' };
    await Promise.all([
      service.getOpenPullRequests(inventory),
      service.getOpenPullRequests(inventory),
    ]);
    now += 59_000;
    await service.getOpenPullRequests({ owner: 'ACME', repo: 'Inventory' });
    expect(requests).toHaveLength(1);

    await service.getOpenPullRequests({ owner: 'acme', repo: 'checkout' });
    expect(requests).toHaveLength(2);

    now += 2_000;
    await service.getOpenPullRequests(inventory);
    expect(requests).toHaveLength(3);
  });

  it('says the list is incomplete when GitHub has another page', async () => {
    answer(200, [pull(41, 'Bulk import')], {
      Link: '<https://api.github.com/repositories/1/pulls?state=open&per_page=100&page=2>; rel="next"',
    });
    expect(
      await states().getOpenPullRequests({ owner: 'acme', repo: 'inventory' }),
    ).toMatchObject({ known: true, complete: false });
  });

  it.each([
    [401, { message: 'Bad credentials' }],
    [404, { message: 'Not Found' }],
    [500, { message: 'Server Error' }],
    [200, { message: 'not a list' }],
  ])(
    'is unknown when GitHub answers %s, and remembers that for a minute',
    async (status, body) => {
      answer(status, body);
      const service = states();
      const inventory = { owner: 'acme', repo: 'inventory' };
      expect(await service.getOpenPullRequests(inventory)).toEqual({
        known: false,
      });
      expect(await service.getOpenPullRequests(inventory)).toEqual({
        known: false,
      });
      expect(requests).toHaveLength(1);
      expect(logger.debug).toHaveBeenCalled();
      expect(logger.warn).not.toHaveBeenCalled();
      expect(logger.error).not.toHaveBeenCalled();
    },
  );

  it('is unknown without a token, and asks nothing', async () => {
    answer(200, []);
    expect(
      await states([{ host: 'github.com' }]).getOpenPullRequests({
        owner: 'acme',
        repo: 'inventory',
      }),
    ).toEqual({ known: false });
    expect(requests).toEqual([]);
    expect(logger.debug).toHaveBeenCalledWith(
      'No GitHub credentials: pull request states are unknown',
      { repository: 'acme/inventory' },
    );
  });

  it('is unknown for a slug that is not a repository name, and asks nothing', async () => {
    answer(200, []);
    const service = states();
    for (const repository of [
      { owner: '..', repo: 'inventory' },
      { owner: 'acme', repo: '.' },
      { owner: 'acme', repo: 'x/../../user' },
      { owner: 'acme', repo: 'inventory?state=closed' },
    ]) {
      expect(await service.getOpenPullRequests(repository)).toEqual({
        known: false,
      });
    }
    expect(requests).toEqual([]);
  });

  it('is unknown when GitHub cannot be reached', async () => {
    // msw reports the network error it was told to simulate on the console.
    const consoleError = jest
      .spyOn(console, 'error')
      .mockImplementation(() => {});
    server.use(
      rest.get('*/repos/:owner/:repo/pulls', (_req, res) =>
        res.networkError('connection refused'),
      ),
    );
    try {
      expect(
        await states().getOpenPullRequests({
          owner: 'acme',
          repo: 'inventory',
        }),
      ).toEqual({ known: false });
    } finally {
      consoleError.mockRestore();
    }
  });
});
