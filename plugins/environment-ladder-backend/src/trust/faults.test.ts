import type { FaultMode } from '@environment-ladder/fixture-cluster';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import type { Response } from 'supertest';
import type { GitHubFaultRule } from './__testUtils__/startGitHubFaults';
import {
  C1,
  C2,
  STAGING_BRANCH,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 2: faults. A cluster that fails fails its own rung only, and the ladder
 * answers within the cluster timeout; GitHub that fails leaves a promotion failed or
 * requested for the reconciler, never a branch without a pull request nor a pull request
 * without a ledger row; a database that goes away answers 503 and comes back; a backend
 * stopped mid-promotion is relieved by another on the same database.
 *
 * Covered elsewhere: plugin.test.ts (500, 401, malformed and timeout on prod, one each),
 * createPromotionService.test.ts (GitHub unavailable, a 422, a crashed backend's
 * promotion picked up by the reconciler, on SQLite and PostgreSQL, with a fake GitHub).
 */
jest.setTimeout(60_000);

const tally = trustTally('faults');

const CLUSTER_TIMEOUT_MS = 1000;
/**
 * An upper bound on the ladder, not a benchmark: the slowest cluster is cut off at the
 * timeout, and everything else (the Kubernetes proxy, the domain) must fit in this margin.
 */
const MARGIN_MS = 2500;

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld({ timeoutFaultMaxMs: 5000 });
  api = await world.startBackend({
    clusterTimeoutMs: CLUSTER_TIMEOUT_MS,
    cacheFreshness: '20ms',
  });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(async () => {
  await world.reset();
  // Past the cache window, so that each fault meets a fresh read.
  await new Promise(resolve => setTimeout(resolve, 30));
});

const valid = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

const rungOf = (response: Response, name: string) =>
  (response.body as Ladder).rungs.find(rung => rung.name === name)!;

// ---------------------------------------------------------------------------
// Clusters
// ---------------------------------------------------------------------------

describe('a cluster that fails', () => {
  type Setup = Partial<
    Record<'dev' | 'staging' | 'prod', FaultMode | { latencyMs: number }>
  >;
  const apply = (setup: Setup) => {
    for (const [name, fault] of Object.entries(setup)) {
      if (typeof fault === 'string') world.fixtures.setFault(name, fault);
      else world.fixtures.setLatency(name, fault.latencyMs);
    }
  };
  const within = `did not answer within ${CLUSTER_TIMEOUT_MS} ms`;
  const healthy = { dev: [C2], staging: [C1], prod: [C1] } as const;
  const RUNGS = ['dev', 'staging', 'prod'] as const;
  /** Each rung: its error when its cluster fails, else no error and its digests. */
  const expectedRungs = (
    errors: Partial<Record<(typeof RUNGS)[number], RegExp>>,
  ) =>
    Object.fromEntries(
      RUNGS.map(name => [
        name,
        errors[name]
          ? {
              error: {
                cluster: name,
                message: expect.stringMatching(errors[name]!),
              },
            }
          : { error: null, digests: healthy[name] },
      ]),
    );

  it.each<[string, Setup, Partial<Record<'dev' | 'staging' | 'prod', RegExp>>]>(
    [
      ['prod never answers', { prod: 'timeout' }, { prod: new RegExp(within) }],
      ['prod answers 500', { prod: '500' }, { prod: /answered 500/ }],
      ['prod answers 401', { prod: '401' }, { prod: /answered 401/ }],
      ['prod answers 403', { prod: '403' }, { prod: /answered 403/ }],
      [
        'prod answers half a JSON document',
        { prod: 'malformed' },
        { prod: /returned a malformed answer/ },
      ],
      [
        'prod answers after three timeouts',
        { prod: { latencyMs: 3 * CLUSTER_TIMEOUT_MS } },
        { prod: new RegExp(within) },
      ],
      [
        'prod is slow but within the timeout',
        { prod: { latencyMs: CLUSTER_TIMEOUT_MS / 4 } },
        {},
      ],
      [
        'dev answers 500 while staging never answers',
        { dev: '500', staging: 'timeout' },
        { dev: /answered 500/, staging: new RegExp(within) },
      ],
      [
        'every cluster never answers',
        { dev: 'timeout', staging: 'timeout', prod: 'timeout' },
        {
          dev: new RegExp(within),
          staging: new RegExp(within),
          prod: new RegExp(within),
        },
      ],
    ],
  )(
    '%s: that rung says so, the others answer, all within the timeout',
    (_case, setup, errors) =>
      tally.trial(async () => {
        apply(setup);
        const response = await api.get(
          '/entities/component/default/checkout/ladder',
        );
        expect(response.status).toBe(200);
        expect(response.ms).toBeLessThan(CLUSTER_TIMEOUT_MS + MARGIN_MS);
        expect(
          Object.fromEntries(RUNGS.map(name => [name, rungOf(response, name)])),
        ).toMatchObject(expectedRungs(errors));
      }),
  );

  it('a promotion whose target cluster never answers is refused with 409 within the timeout, nothing written', () =>
    tally.trial(async () => {
      world.fixtures.setFault('staging', 'timeout');
      const before = await world.state();
      const response = await api.post('/promotions', valid);
      expect(response.ms).toBeLessThan(CLUSTER_TIMEOUT_MS + MARGIN_MS);
      expect(response.status).toBe(409);
      expect(response.body.error.message).toMatch(
        new RegExp(
          `^Rule target-does-not-run-digest: .*cannot be read.*${within}`,
        ),
      );
      expect(await world.state()).toEqual(before);
    }));
});

// ---------------------------------------------------------------------------
// GitHub
// ---------------------------------------------------------------------------

describe('GitHub that fails during a promotion', () => {
  const REPO = /^\/repos\/acme\/gitops/;
  const route = (
    method: string,
    path: string,
  ): Pick<GitHubFaultRule, 'method' | 'path'> => ({
    method,
    path: new RegExp(`${REPO.source}${path}$`),
  });
  const READ_BASE = route('GET', '/git/ref/heads/main');
  const READ_FILE = route('GET', '/contents/.+');
  const CREATE_BRANCH = route('POST', '/git/refs');
  const COMMIT = route('PUT', '/contents/.+');
  const OPEN_PULL = route('POST', '/pulls');
  const github = (
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) => ({
    status,
    headers,
    body: { message, documentation_url: 'https://docs.github.com/rest' },
  });

  /** The ledger's one promotion, and the promises it keeps with GitHub. */
  async function ledgerAndGitHub() {
    const state = await world.state();
    expect(await world.brokenPromises()).toEqual([]);
    return state;
  }

  it.each<[string, GitHubFaultRule, number, RegExp]>([
    [
      '409 on the commit (the file changed meanwhile)',
      {
        ...COMMIT,
        answer: github(
          409,
          'apps/checkout/overlays/staging/kustomization.yaml does not match 1f04c1c',
        ),
      },
      409,
      /^GitHub reported a conflict while committing apps\/checkout\/overlays\/staging\/kustomization\.yaml to environment-ladder\/checkout\/staging-867d848fca6f in acme\/gitops on 127\.0\.0\.1:\d+ \(409: .*\); the branch changed meanwhile, try again$/,
    ],
    [
      '422 on the pull request (Validation Failed)',
      { ...OPEN_PULL, answer: github(422, 'Validation Failed') },
      409,
      /^GitHub refused opening the pull request from environment-ladder\/checkout\/staging-867d848fca6f into main in acme\/gitops on 127\.0\.0\.1:\d+ \(422: Validation Failed\)$/,
    ],
  ])(
    '%s: the promotion is failed, and GitHub keeps no branch and no pull request',
    (_case, fault, status, message) =>
      tally.trial(async () => {
        world.faults.setFaults([fault]);
        const response = await api.post('/promotions', valid);
        expect(response.status).toBe(status);
        expect(response.body.error.message).toMatch(message);
        const state = await ledgerAndGitHub();
        expect(state.ledger).toEqual([
          expect.objectContaining({
            state: 'failed',
            in_flight_key: null,
            pull_request_number: null,
            error: expect.stringMatching(message),
          }),
        ]);
        expect(state.branches).toEqual(['main']);
        expect(state.pulls).toEqual([]);
        // A failed promotion frees the rung: the next request opens the pull request.
        world.faults.clearFaults();
        const retry = await api.post('/promotions', {
          ...valid,
          reason: 'Again',
        });
        expect(retry.status).toBe(201);
        expect(retry.body.promotion).toMatchObject({ state: 'pr-open' });
        await ledgerAndGitHub();
      }),
  );

  it.each<[string, GitHubFaultRule, RegExp]>([
    [
      '500 on creating the branch',
      { ...CREATE_BRANCH, answer: github(500, 'Server Error') },
      /GitHub answered 500 while creating the branch .*; try again later/,
    ],
    [
      '502 on the commit, after the branch was created',
      { ...COMMIT, answer: github(502, 'Bad Gateway') },
      /GitHub answered 502 while committing .*; try again later/,
    ],
    [
      '503 on opening the pull request',
      { ...OPEN_PULL, answer: github(503, 'Service Unavailable') },
      /GitHub answered 503 while opening the pull request .*; try again later/,
    ],
    [
      '403 with x-ratelimit-remaining: 0 on opening the pull request',
      {
        ...OPEN_PULL,
        answer: github(403, 'API rate limit exceeded', {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '1893456000',
        }),
      },
      /rate limit for 127\.0\.0\.1:\d+ was reached while opening the pull request .*; try again after 2030-01-01T00:00:00\.000Z/,
    ],
    [
      'a connection reset on opening the pull request',
      { ...OPEN_PULL, answer: 'reset' },
      /Could not reach GitHub at 127\.0\.0\.1:\d+ while opening the pull request/,
    ],
  ])(
    '%s: the promotion stays requested, and the reconciler opens the pull request once GitHub is back',
    (_case, fault, warning) =>
      tally.trial(async () => {
        world.faults.setFaults([fault]);
        const response = await api.post('/promotions', valid);
        expect(response.status).toBe(201);
        expect(response.body).toMatchObject({
          created: true,
          promotion: { state: 'requested', pullRequest: null, error: null },
          warnings: [expect.stringMatching(warning)],
        });
        const during = await ledgerAndGitHub();
        expect(during.ledger).toEqual([
          expect.objectContaining({
            state: 'requested',
            pull_request_number: null,
          }),
        ]);
        // A branch created before the failure was deleted again.
        expect(during.branches).toEqual(['main']);
        expect(during.pulls).toEqual([]);

        // Still down when the reconciler runs: nothing changes, nothing half-done.
        await api.reconcile();
        expect((await ledgerAndGitHub()).ledger).toEqual(during.ledger);

        world.faults.clearFaults();
        await api.reconcile();
        const after = await ledgerAndGitHub();
        expect(after.ledger).toEqual([
          expect.objectContaining({
            state: 'pr-open',
            pull_request_number: 1,
            branch: STAGING_BRANCH,
            error: null,
          }),
        ]);
        expect(after.pulls).toEqual([
          { number: 1, head: STAGING_BRANCH, state: 'open', merged: false },
        ]);
      }),
  );

  it.each<[string, GitHubFaultRule, RegExp]>([
    [
      '401 on the first call (the token was revoked)',
      { ...READ_BASE, answer: github(401, 'Bad credentials') },
      /^The GitOps credentials are rejected: GitHub at 127\.0\.0\.1:\d+ did not accept them while reading the branch main \(401: Bad credentials\); the platform team has been told, try again later$/,
    ],
    [
      '429 with retry-after on the first call',
      {
        ...READ_BASE,
        answer: github(429, 'Too Many Requests', { 'retry-after': '30' }),
      },
      /rate limit for 127\.0\.0\.1:\d+ was reached while reading the branch main; try again in 30 seconds/,
    ],
    [
      'a 503 on reading the file',
      { ...READ_FILE, answer: github(503, 'Service Unavailable') },
      /GitHub answered 503 while reading apps\/checkout\/overlays\/staging\/kustomization\.yaml on main .*; try again later/,
    ],
  ])(
    '%s, before anything is recorded: 503, nothing recorded or written',
    (_case, fault, message) =>
      tally.trial(async () => {
        world.faults.setFaults([fault]);
        const before = await world.state();
        const logsBefore = world.logs.length;
        const response = await api.post('/promotions', valid);
        expect(response.status).toBe(503);
        expect(response.body.error).toEqual({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(message),
        });
        expect(await world.state()).toEqual(before);
        // The platform owner is told, at error level and without the token, of a 401 only.
        expect(
          world.logs
            .slice(logsBefore)
            .filter(line => line.level === 'error')
            .map(line => line.message)
            .includes(
              'GitHub rejected the GitOps credentials: check integrations.github (token or App installation)',
            ),
        ).toBe(_case.startsWith('401'));
      }),
  );

  it.each<[string, GitHubFaultRule]>([
    [
      'a 502',
      { ...OPEN_PULL, answer: { afterForwarding: { status: 502 } }, times: 1 },
    ],
    [
      'a 504 with no body',
      { ...OPEN_PULL, answer: { afterForwarding: { status: 504 } }, times: 1 },
    ],
  ])(
    'a pull request GitHub opened, answered with %s: it is kept and recorded, never closed by the cleanup',
    (_case, fault) =>
      tally.trial(async () => {
        world.faults.setFaults([fault]);
        const response = await api.post('/promotions', valid);
        expect(response.status).toBe(201);
        expect(response.body.promotion).toMatchObject({
          state: 'pr-open',
          pullRequest: { number: 1, branch: STAGING_BRANCH },
        });
        const after = await ledgerAndGitHub();
        expect(after.pulls).toEqual([
          { number: 1, head: STAGING_BRANCH, state: 'open', merged: false },
        ]);
        await api.reconcile();
        expect(await ledgerAndGitHub()).toEqual(after);
      }),
  );
});

// ---------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------

describe('the database, gone at a request', () => {
  /** Says what happened without the database's address, port or driver text. */
  const UNAVAILABLE =
    /^The promotion ledger is unavailable \((ECONNREFUSED|ECONNRESET|no connection)\); try again later$/;
  const unavailable = (response: Response) => {
    expect(response.body).toEqual({
      error: {
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(UNAVAILABLE),
      },
      request: expect.any(Object),
      response: { statusCode: 503 },
    });
  };
  const ladderPool = () =>
    world.pools.find(({ pluginId }) => pluginId === 'environment-ladder')!.pool;

  const outages = [
    [
      'its port closed and its connections dropped',
      async () => {
        if (!world.database.proxy) return undefined;
        await world.database.proxy.cut();
        return () => world.database.proxy!.restore();
      },
    ],
    [
      "the backend's pool destroyed",
      async () => {
        await ladderPool().destroy();
        return async () => {
          ladderPool().initialize();
        };
      },
    ],
  ] as const;

  it.each(outages)(
    '%s: the ledger answers 503, the ladder still answers, and all comes back',
    (_case, outage) =>
      tally.trial(async () => {
        const created = await api.post('/promotions', valid);
        expect(created.status).toBe(201);
        const id = created.body.promotion.id;
        const restore = await outage();
        if (!restore) {
          // SQLite has no port to close; the pool case covers it.
          return;
        }
        try {
          unavailable(
            await api.get('/entities/component/default/checkout/promotions'),
          );
          unavailable(
            await api.post('/promotions', { ...valid, reason: 'Again' }),
          );
          unavailable(
            await api.post(`/promotions/${id}/approve`, {}, 'releaser'),
          );
          await expect(api.reconcile()).rejects.toThrow(UNAVAILABLE);
          // Reading the ladder needs no database.
          const ladder = await api.get(
            '/entities/component/default/payments/ladder',
          );
          expect(ladder.status).toBe(200);
        } finally {
          await restore();
        }
        const listed = await api.get(
          '/entities/component/default/checkout/promotions',
        );
        expect(listed.status).toBe(200);
        expect(listed.body.items).toEqual([
          expect.objectContaining({ id, state: 'pr-open' }),
        ]);
      }),
  );
});

// ---------------------------------------------------------------------------
// A backend stopped mid-promotion
// ---------------------------------------------------------------------------

describe('a backend stopped mid-promotion', () => {
  it('leaves the promotion requested; another backend on the same database opens its pull request', () =>
    tally.trial(async () => {
      const first = await world.startBackend({
        clusterTimeoutMs: CLUSTER_TIMEOUT_MS,
        claimDuration: '1s',
      });
      // GitHub stops answering the first backend right after it recorded the promotion.
      world.faults.setFaults([
        {
          method: 'POST',
          path: /^\/repos\/acme\/gitops\/git\/refs$/,
          answer: 'hold',
          times: 1,
        },
      ]);
      const pending = first.post('/promotions', valid);
      await world.faults.whenHeld();
      expect((await world.state()).ledger).toEqual([
        expect.objectContaining({
          state: 'requested',
          pull_request_number: null,
        }),
      ]);

      // The backend is stopped while its request hangs; the hanging call then fails.
      const stopped = first.stop();
      world.faults.dropHeld();
      const answered = await pending;
      await stopped;
      expect(answered.body.promotion).toMatchObject({ state: 'requested' });
      const between = await world.state();
      expect(between.ledger).toEqual([
        expect.objectContaining({
          state: 'requested',
          pull_request_number: null,
        }),
      ]);
      expect(between.branches).toEqual(['main']);

      // A new backend (a restart) on the same database: its reconciler opens the pull
      // request, once the stopped backend's claim has expired (it may not have given it up).
      const second = await world.startBackend({
        clusterTimeoutMs: CLUSTER_TIMEOUT_MS,
      });
      await new Promise(resolve => setTimeout(resolve, 1200));
      await second.reconcile();
      const after = await world.state();
      expect(after.ledger).toEqual([
        expect.objectContaining({
          id: between.ledger[0].id,
          state: 'pr-open',
          pull_request_number: 1,
          branch: STAGING_BRANCH,
        }),
      ]);
      expect(after.pulls).toEqual([
        { number: 1, head: STAGING_BRANCH, state: 'open', merged: false },
      ]);
      expect(await world.brokenPromises()).toEqual([]);
      const listed = await second.get(
        '/entities/component/default/checkout/promotions',
      );
      expect(
        listed.body.items[0].history.map(
          (event: { message: string }) => event.message,
        ),
      ).toEqual(['requested by user:default/mock', 'pull request #1 opened']);
      await second.stop();
    }));
});
