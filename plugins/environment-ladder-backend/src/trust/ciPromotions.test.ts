import {
  CI_EXTERNAL_ACCESS,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 8: CI brings its build into dev (issue 16.1). CI authenticates with a
 * static external access token (`backend.auth.externalAccess`, restricted to this
 * plugin), checked by Backstage's production auth service; it posts the digest it built
 * to POST /ci/promotions; the rules of a person's promotion apply, plus
 * `target-accepts-ci` (the lowest observed rung, gated auto-merge); the pull request is
 * opened as for any promotion and merged by the suite on a reconciler pass once its
 * checks pass (the GitHub stand-in runs none: a commit without checks passes, as on
 * GitHub). Every refusal records nothing and writes nothing to GitHub.
 */
jest.setTimeout(90_000);

const tally = trustTally('ci-promotions');

/** The build CI just made: dev does not run it yet. */
const BUILT = `sha256:${'d4'.repeat(32)}`;
const DEV_FILE = 'apps/checkout/overlays/dev/kustomization.yaml';

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld();
  api = await world.startBackend({
    externalAccess: CI_EXTERNAL_ACCESS,
    claimDuration: '1s',
  });
});

afterAll(async () => {
  await world?.close();
});

const build = (extra: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/checkout',
  digest: BUILT,
  reason: 'CI build 812 of main (4f1c2e9)',
  ...extra,
});

it('accepts the CI token: 201, the digest-only pull request into dev, requested by external:ci; a reconciler pass merges it', () =>
  tally.trial(async () => {
    await world.reset();
    const response = await api.post('/ci/promotions', build(), 'ci');
    expect(response.status).toBe(201);
    const promotion = response.body.promotion;
    expect(promotion).toMatchObject({
      entityRef: 'component:default/checkout',
      sourceEnvironment: 'ci',
      targetEnvironment: 'dev',
      digest: BUILT,
      requestedBy: 'external:ci',
      state: 'pr-open',
    });
    expect(promotion.verdicts).toContainEqual({
      rule: 'target-accepts-ci',
      passed: true,
      message:
        'Dev is the lowest observed rung and merges automatically: builds from CI enter the ladder there',
    });
    const opened = await world.state();
    expect(opened.pulls).toEqual([
      expect.objectContaining({ state: 'open', merged: false }),
    ]);
    const pull = world.github
      .state()
      .repositories.find(r => r.fullName === 'acme/gitops')!.pulls[0];
    expect(pull.title).toBe(
      `Promote checkout to dev: sha256:${BUILT.slice(7, 19)}`,
    );

    // The suite merges it on its next pass: the checks (none) pass.
    await api.reconcile();
    const merged = await world.state();
    expect(merged.pulls).toEqual([
      expect.objectContaining({ state: 'closed', merged: true }),
    ]);
    expect(merged.ledger).toEqual([
      expect.objectContaining({ target_environment: 'dev', state: 'merged' }),
    ]);
    expect(merged.writes.filter(w => w.startsWith('PUT'))).toContainEqual(
      expect.stringMatching(/^PUT .*\/pulls\/\d+\/merge$/),
    );
    const reads = world.github.requests().map(r => `${r.method} ${r.path}`);
    expect(reads).toContainEqual(
      expect.stringMatching(/^GET .*\/commits\/[0-9a-f]{40}\/status$/),
    );
    expect(reads).toContainEqual(
      expect.stringMatching(/^GET .*\/commits\/[0-9a-f]{40}\/check-runs/),
    );
    // Dev's manifest on main now names the build, and nothing else changed in it.
    expect(world.github.readFile('acme/gitops', DEV_FILE, 'main')).toContain(
      `digest: ${BUILT}`,
    );
    const history = await api.get(
      '/entities/component/default/checkout/promotions',
    );
    expect(history.body.items[0].history.map((e: any) => e.state)).toEqual([
      'requested',
      'pr-open',
      'merged',
    ]);
    // The merged branch is deleted, as GitHub's "delete branch" would.
    expect(merged.branches).toEqual(['main']);
    expect(await world.brokenPromises()).toEqual([]);
    // The token never reaches a log line or an answer.
    expect(JSON.stringify(world.logs)).not.toContain(
      'trust-ci-promotion-token',
    );
    expect(
      world.responses.some(r => r.text.includes('trust-ci-promotion-token')),
    ).toBe(false);
  }));

it('refuses a second build while the first is in flight with a 409, and a retry with the same key answers the first', () =>
  tally.trial(async () => {
    await world.reset();
    const first = await api.post(
      '/ci/promotions',
      build({ idempotencyKey: 'ci-812' }),
      'ci',
    );
    expect(first.status).toBe(201);
    const retry = await api.post(
      '/ci/promotions',
      build({ idempotencyKey: 'ci-812' }),
      'ci',
    );
    expect(retry.status).toBe(200);
    expect(retry.body.promotion.id).toBe(first.body.promotion.id);
    const before = await world.state();
    const second = await api.post(
      '/ci/promotions',
      build({ digest: `sha256:${'e5'.repeat(32)}` }),
      'ci',
    );
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/^Rule no-promotion-in-flight: /);
    expect(await world.state()).toEqual(before);
  }));

it('refuses a wrong token with a 401', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const response = await api.post(
        '/ci/promotions',
        build(),
        'ciWrongToken',
      );
      expect(response.status).toBe(401);
      expect(response.text).not.toContain('trust-ci-wrong-token');
    }),
  ));

it('refuses a token restricted to another plugin with a 403', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const response = await api.post(
        '/ci/promotions',
        build(),
        'ciOtherPlugin',
      );
      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('NotAllowedError');
    }),
  ));

it('refuses a user token on the CI route with a 403, and the CI token on the users’ route', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      for (const caller of ['user', 'releaser'] as const) {
        const response = await api.post('/ci/promotions', build(), caller);
        expect(response.status).toBe(403);
        expect(response.body.error.message).toBe(
          "This endpoint does not allow 'user' credentials",
        );
      }
      const users = await api.post(
        '/promotions',
        build({ targetEnvironment: 'dev' }),
        'ci',
      );
      expect(users.status).toBe(403);
      // Another plugin (a service principal without external access) may not either.
      const plugin = await api.post('/ci/promotions', build(), 'otherPlugin');
      expect(plugin.status).toBe(403);
      expect(plugin.body.error.message).toMatch(/^Only CI promotes/);
    }),
  ));

it('refuses any target but dev with a 400 naming target-accepts-ci', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      for (const [target, message] of [
        [
          'staging',
          'Rule target-accepts-ci: Staging is not the lowest observed rung: CI brings builds into Dev, and they move up from there by promotion',
        ],
        [
          'prod',
          'Rule target-accepts-ci: Prod is not the lowest observed rung: CI brings builds into Dev, and they move up from there by promotion',
        ],
      ]) {
        for (const dryRun of [true, false]) {
          const response = await api.post(
            '/ci/promotions',
            build({ targetEnvironment: target, dryRun }),
            'ci',
          );
          expect(response.status).toBe(400);
          expect(response.body.error.message).toBe(message);
        }
      }
      const local = await api.post(
        '/ci/promotions',
        build({ targetEnvironment: 'local' }),
        'ci',
      );
      expect(local.status).toBe(400);
      expect(local.body.error.message).toMatch(/^Rule target-is-observed: /);
    }),
  ));

it('refuses a digest that is not canonical, or none, with a 400', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      for (const digest of [
        'sha256:abc',
        BUILT.toUpperCase(),
        'ghcr.io/acme/checkout:1.6.0',
      ]) {
        const response = await api.post(
          '/ci/promotions',
          build({ digest }),
          'ci',
        );
        expect(response.status).toBe(400);
        expect(response.body.error.message).toMatch(
          /^Rule digest-is-canonical: /,
        );
      }
      const { digest: _omitted, ...withoutDigest } = build();
      const missing = await api.post('/ci/promotions', withoutDigest, 'ci');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain("'digest'");
    }),
  ));

it('refuses the digest dev already runs with a 409', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const ladder = await api.get(
        '/entities/component/default/checkout/ladder',
      );
      const devDigest = ladder.body.rungs.find(
        (r: { name: string }) => r.name === 'dev',
      ).digest;
      const response = await api.post(
        '/ci/promotions',
        build({ digest: devDigest }),
        'ci',
      );
      expect(response.status).toBe(409);
      expect(response.body.error.message).toMatch(
        /^Rule target-does-not-run-digest: /,
      );
    }),
  ));

it('answers a dry run with the change and records nothing', () =>
  tally.trial(async () => {
    await world.reset();
    const before = await world.state();
    {
      const response = await api.post(
        '/ci/promotions',
        build({ dryRun: true }),
        'ci',
      );
      expect(response.status).toBe(200);
      expect(response.body.dryRun.filePath).toBe(DEV_FILE);
      expect(response.body.dryRun.diff).toContain(`+    digest: ${BUILT}`);
      expect(response.body.dryRun.pullRequest.body).toContain(
        'CI built the digest; it enters the ladder here.',
      );
    }
    // It read the file; it wrote nothing.
    expect(await world.state()).toEqual(before);
  }));

it('records the commit CI built the digest from, and gives it back in the ledger', () =>
  tally.trial(async () => {
    await world.reset();
    const commit = {
      sha: '4f1c2e9'.padEnd(40, '0'),
      committedAt: '2026-12-01T09:30:00+01:00',
    };
    const response = await api.post('/ci/promotions', build({ commit }), 'ci');
    expect(response.status).toBe(201);
    const expected = {
      sha: commit.sha,
      committedAt: '2026-12-01T08:30:00.000Z',
    };
    expect(response.body.promotion.sourceCommit).toEqual(expected);
    const history = await api.get(
      '/entities/component/default/checkout/promotions',
    );
    expect(history.body.items[0].sourceCommit).toEqual(expected);
  }));

it('refuses a malformed commit with a 400 naming the field, and records nothing', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const sha = 'a'.repeat(40);
      const cases: Array<[unknown, string]> = [
        [{ sha: 'abc123', committedAt: '2026-12-01T09:30:00Z' }, 'commit.sha'],
        [
          { sha: sha.toUpperCase(), committedAt: '2026-12-01T09:30:00Z' },
          'commit.sha',
        ],
        [{ sha, committedAt: 'yesterday' }, 'commit.committedAt'],
        [
          { sha, committedAt: new Date(Date.now() + 3_600_000).toISOString() },
          'commit.committedAt',
        ],
        [{ sha }, 'commit.committedAt'],
        [{ sha, committedAt: '2026-12-01T09:30:00Z', author: 'x' }, 'commit'],
        ['4f1c2e9', 'commit'],
      ];
      for (const [commit, field] of cases) {
        const response = await api.post(
          '/ci/promotions',
          build({ commit }),
          'ci',
        );
        expect(response.status).toBe(400);
        expect(response.body.error.message).toMatch(
          new RegExp(`^Invalid CI promotion request: '${field}' `),
        );
      }
    }),
  ));
