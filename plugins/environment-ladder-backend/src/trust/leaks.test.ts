import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { stringify } from 'yaml';
import { environmentLadderPlugin } from '../plugin';
import { capturingRootLogger } from './__testUtils__/capturingRootLogger';
import { exportSecrets, findSecrets, SECRETS } from './__testUtils__/secrets';
import {
  C2,
  service,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 5: no leaks. The cluster token, the GitHub token and two more secrets reach
 * the backend from environment variables through app-config's `${...}` substitution, as
 * in production. Representative requests of every other part of the suite run (bad input,
 * cluster and GitHub faults, including a cluster and a GitHub that echo the credentials
 * they were sent, a database outage, concurrency, refusals, start-up errors), and every
 * response (headers and body), every log line of every plugin (message and metadata,
 * errors with stack and cause, unredacted) and everything written to the console is
 * searched for the secrets in any form (as is, base64, their distinctive tail).
 */
jest.setTimeout(60_000);

const tally = trustTally('leaks');

const ECHO = 'echo-credentials';
let world: TrustWorld;
let api: TrustBackend;
const consoleLines: string[] = [];
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-leaks-'));

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(
        args
          .map(arg =>
            typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }),
          )
          .join(' '),
      );
      original(...args);
    });
  }
  world = await startTrustWorld({
    entities: [
      service(ECHO),
      service(
        'checkout-traversal',
        {
          'environment-ladder.io/gitops-path-template': '../../{{name}}.yaml',
        },
        'checkout',
      ),
    ],
    // A cluster whose refusal repeats the credentials it was sent.
    hostileAnswers: {
      [ECHO]: headers => ({
        status: 403,
        body: JSON.stringify({
          kind: 'Status',
          message: `forbidden: token ${headers.authorization} may not list`,
        }),
      }),
    },
  });
  api = await world.startBackend({
    // Generous: ten concurrent fresh ladders on a loaded 2-core machine.
    clusterTimeoutMs: 5000,
    cacheFreshness: '1ms',
  });
});

afterAll(async () => {
  await world?.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});

const valid = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

/** Everything captured so far: responses, log lines, console lines. */
function captured() {
  return {
    responses: world.responses.length,
    logs: world.logs.length,
    console: consoleLines.length,
  };
}

/** The secrets found in what was captured since `from`, with where they were. */
function leaksSince(from: ReturnType<typeof captured>) {
  const found: string[] = [];
  for (const response of world.responses.slice(from.responses)) {
    for (const name of findSecrets(response.text)) {
      found.push(
        `${name} in the answer to ${response.method} ${response.url} (${response.status})`,
      );
    }
  }
  for (const line of world.logs.slice(from.logs)) {
    for (const name of findSecrets(`${line.message} ${line.meta}`)) {
      found.push(`${name} in the log line "${line.message.slice(0, 120)}"`);
    }
  }
  for (const line of consoleLines.slice(from.console)) {
    for (const name of findSecrets(line)) {
      found.push(`${name} on the console: "${line.slice(0, 120)}"`);
    }
  }
  return found;
}

/** Runs a scenario, then searches what it produced for the secrets. */
function scenario(run: () => Promise<unknown>) {
  return tally.trial(async () => {
    const from = captured();
    await run();
    expect(captured().responses + captured().logs).toBeGreaterThan(
      from.responses + from.logs,
    );
    expect(leaksSince(from)).toEqual([]);
  });
}

describe('no secret in any answer, log line or error', () => {
  it('finds the secrets where they are: the search itself works', () =>
    tally.trial(async () => {
      expect(
        findSecrets(`Authorization: Bearer ${SECRETS.TRUST_CLUSTER_TOKEN}`),
      ).toEqual(['TRUST_CLUSTER_TOKEN']);
      expect(
        findSecrets(
          Buffer.from(`x-access-token:${SECRETS.TRUST_GITHUB_TOKEN}`).toString(
            'base64',
          ),
        ),
      ).toEqual(['TRUST_GITHUB_TOKEN']);
      expect(findSecrets('password=env-db-password-3e7a…')).toEqual([
        'TRUST_DB_PASSWORD',
      ]);
      expect(findSecrets('nothing here')).toEqual([]);
      // And the backend really runs on them: the stand-ins accept no other token.
      expect(process.env.TRUST_GITHUB_TOKEN).toBe(SECRETS.TRUST_GITHUB_TOKEN);
    }));

  it('ladders, with a cluster that echoes the token in its refusal', () =>
    scenario(async () => {
      expect(
        (await api.get('/entities/component/default/checkout/ladder')).status,
      ).toBe(200);
      const echo = await api.get(`/entities/component/default/${ECHO}/ladder`);
      expect(
        echo.body.rungs.find((r: { name: string }) => r.name === 'prod').error,
      ).toEqual({
        cluster: 'prod',
        message: expect.stringMatching(/answered 403/),
      });
      expect(world.hostile.seen().length).toBeGreaterThan(0);
    }));

  it.each(['timeout', '500', '401', '403', 'malformed'] as const)(
    'a cluster fault (%s)',
    fault =>
      scenario(async () => {
        world.fixtures.setFault('prod', fault);
        try {
          expect(
            (await api.get('/entities/component/default/checkout/ladder'))
              .status,
          ).toBe(200);
        } finally {
          world.fixtures.setFault('prod', 'none');
        }
      }),
  );

  it('bad input: route parameters, bodies, digests, rules, annotations', () =>
    scenario(async () => {
      await api.get('/entities/component/default/..%2F..%2Fsecrets/ladder');
      await api.get('/entities/widget/default/checkout/ladder');
      await api.postRaw('/promotions', '{"entityRef":');
      await api.post('/promotions', {
        ...valid,
        digest: `${C2}\nnewName: evil`,
      });
      await api.post(
        '/promotions',
        { ...valid, targetEnvironment: 'prod', digest: C2 },
        'releaser',
      );
      await api.post('/promotions', {
        ...valid,
        extra: SECRETS.TRUST_BACKEND_SECRET.length,
      });
      const traversal = await api.post('/promotions', {
        ...valid,
        entityRef: 'component:default/checkout-traversal',
      });
      expect(traversal.status).toBe(400);
    }));

  it('refusals: no credentials, a service, a user the policy refuses', () =>
    scenario(async () => {
      expect((await api.post('/promotions', valid, 'none')).status).toBe(401);
      expect((await api.post('/promotions', valid, 'service')).status).toBe(
        403,
      );
      expect((await api.post('/promotions', valid, 'outsider')).status).toBe(
        403,
      );
    }));

  it('a promotion: dry run, pull request, listing, reconciling', () =>
    scenario(async () => {
      await world.reset();
      expect(
        (await api.post('/promotions', { ...valid, dryRun: true })).status,
      ).toBe(200);
      expect((await api.post('/promotions', valid)).status).toBe(201);
      expect(
        (await api.get('/entities/component/default/checkout/promotions'))
          .status,
      ).toBe(200);
      await api.reconcile();
    }));

  // The file is read before the promotion is recorded: GitHub failing then records nothing.
  const left = {
    status: 503,
    body: { error: { name: 'ServiceUnavailableError' } },
  };
  it.each<
    [
      string,
      Parameters<TrustWorld['faults']['setFaults']>[0][number]['answer'],
      object,
    ]
  >([
    [
      'GitHub refusing the token, and repeating it in its message',
      {
        respond: headers => ({
          status: 401,
          body: { message: `Bad credentials: ${headers.authorization}` },
        }),
      },
      // GitHub's words are kept, its copy of the credentials is not.
      {
        status: 503,
        body: {
          error: {
            name: 'ServiceUnavailableError',
            message: expect.stringMatching(
              /^The GitOps credentials are rejected: .*\(401: Bad credentials: \*\*\*\)/,
            ),
          },
        },
      },
    ],
    [
      'GitHub failing with the token in a 500',
      {
        respond: headers => ({
          status: 500,
          body: { message: `upstream auth ${headers.authorization} failed` },
        }),
      },
      left,
    ],
    [
      'GitHub rate-limiting, repeating the token',
      {
        respond: headers => ({
          status: 429,
          body: { message: `rate limit for ${headers.authorization}` },
        }),
      },
      left,
    ],
    ['a connection reset', 'reset', left],
  ])('%s', (_case, answer, expected) =>
    scenario(async () => {
      await world.reset();
      // The first GitHub call of a promotion: the base branch, read before recording.
      world.faults.setFaults([
        { method: 'GET', path: /\/git\/ref\/heads\//, answer },
      ]);
      const response = await api.post('/promotions', valid);
      expect({ status: response.status, body: response.body }).toMatchObject(
        expected,
      );
      // What the ledger kept is answered too.
      await api.get('/entities/component/default/checkout/promotions');
      await api.reconcile();
    }),
  );

  it('the database gone at a request (its password comes from the environment)', () =>
    scenario(async () => {
      await world.reset();
      if (world.database.proxy) await world.database.proxy.cut();
      else
        await world.pools
          .find(p => p.pluginId === 'environment-ladder')!
          .pool.destroy();
      try {
        expect(
          (await api.get('/entities/component/default/checkout/promotions'))
            .status,
        ).toBe(503);
        expect((await api.post('/promotions', valid)).status).toBe(503);
        await api.reconcile().catch(() => undefined);
      } finally {
        if (world.database.proxy) await world.database.proxy.restore();
        else
          world.pools
            .find(p => p.pluginId === 'environment-ladder')!
            .pool.initialize();
      }
    }));

  it('ten concurrent requests for the same promotion', () =>
    scenario(async () => {
      await world.reset();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => api.post('/promotions', valid)),
      );
      // Statuses with the first error message, so a failure says why.
      const seen = responses
        .map(
          r => `${r.status} ${r.status === 201 ? '' : r.body?.error?.message}`,
        )
        .sort();
      expect(seen.map(line => line.slice(0, 3))).toEqual([
        '201',
        ...Array(9).fill('409'),
      ]);
    }));

  describe('start-up errors', () => {
    /** Starts a backend on a config file whose values come from the environment. */
    async function startUp(gitopsRepository: string) {
      exportSecrets();
      const file = path.join(configDir, `app-config.${Date.now()}.yaml`);
      fs.writeFileSync(
        file,
        stringify({
          integrations: {
            github: [{ host: 'github.com', token: '${TRUST_GITHUB_TOKEN}' }],
          },
          environmentLadder: {
            rungs: [{ name: 'dev' }],
            gitops: {
              repository: gitopsRepository,
              pathTemplate:
                'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
            },
          },
        }),
      );
      const logger = capturingRootLogger();
      const error = await startTestBackend({
        features: [
          environmentLadderPlugin,
          catalogServiceMock.factory({ entities: [] }),
          rootConfigServiceFactory({
            argv: ['node', 'trust', '--config', file],
            watch: false,
          }),
          logger.factory,
        ],
      }).then(
        () => undefined,
        (e: Error) => e,
      );
      return { error, logs: logger.lines };
    }

    it.each([
      [
        'a token written into the GitOps repository URL',
        'https://x-access-token:${TRUST_GITHUB_TOKEN}@github.com/acme/gitops',
      ],
      [
        'a token in a GitOps URL that is no repository URL',
        'https://x-access-token:${TRUST_GITHUB_TOKEN}@github.com/acme/gitops/tree/main',
      ],
      ['a token as the GitOps repository', '${TRUST_GITHUB_TOKEN}'],
    ])(
      '%s: start-up fails naming the key, not the token',
      (_case, repository) =>
        tally.trial(async () => {
          const { error, logs } = await startUp(repository);
          expect(error?.message).toMatch(
            /'environmentLadder\.gitops\.repository'/,
          );
          const everything = [
            inspect(error, { depth: 8 }),
            ...logs.map(line => `${line.message} ${line.meta}`),
          ].join('\n');
          expect(findSecrets(everything)).toEqual([]);
        }),
    );
  });

  it('our config schema marks its only secrets (registry credentials) secret, and shows the frontend only names and titles', () =>
    tally.trial(async () => {
      const schema = fs.readFileSync(
        path.resolve(__dirname, '../../config.d.ts'),
        'utf8',
      );
      // GitHub and cluster secrets belong to integrations.github and kubernetes, whose
      // schemas mark them secret. Ours are the registries' credentials for signature
      // checks, and every one of them is marked secret on its leaf.
      const secretLeaves = [
        ...schema.matchAll(/@visibility secret\s*\*\/\s*(\w+)\??:/g),
      ].map(([, key]) => key);
      expect(secretLeaves).toEqual(['password', 'token', 'dockerConfig']);
      const credentialKeys = [
        ...schema.matchAll(
          /^\s*(token|password|secret|privateKey|apiKey|dockerConfig)\??:/gim,
        ),
      ].map(([, key]) => key);
      expect(credentialKeys).toEqual(['password', 'token', 'dockerConfig']);
      // Visibility is on leaves only, and only these reach the frontend.
      const frontend = [
        ...schema.matchAll(
          /@visibility frontend\s*\*\/\s*(\w+)\??:\s*([^;\n]+)/g,
        ),
      ];
      expect(frontend.map(([, key, type]) => `${key}: ${type.trim()}`)).toEqual(
        ['serviceContainer: string', 'name: string', 'title: string'],
      );
    }));

  // Last: everything this file captured, whatever scenario produced it.
  it('nothing this file answered, logged or printed carries a secret', () =>
    tally.trial(async () => {
      expect(world.responses.length).toBeGreaterThan(30);
      expect(world.logs.length).toBeGreaterThan(40);
      expect(leaksSince({ responses: 0, logs: 0, console: 0 })).toEqual([]);
    }));
});
