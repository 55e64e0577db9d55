import { randomUUID } from 'node:crypto';
import {
  C2,
  EVENTS,
  PROMOTIONS,
  service,
  startTrustWorld,
  type Caller,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 4: permissions, as a matrix of every route and every kind of caller,
 * each refusal leaving the ledger and GitHub as they were. The policy is the demo's
 * (owners promote into dev and staging, the platform team anywhere) plus a read rule
 * (no ladder of an entity annotated `acme.io/secret`).
 *
 * The rules and conditions themselves are tested in permissions/permissions.test.ts,
 * the promotion refusals with whole bodies in promotions.test.ts ("who may ask"), and
 * the initiator's identity through the scaffolder action in its own module.
 */
jest.setTimeout(60_000);

const tally = trustTally('permissions');

let world: TrustWorld;
let api: TrustBackend;
/** A prod promotion requested by the releaser, waiting for someone else's approval. */
let waiting: string;

beforeAll(async () => {
  world = await startTrustWorld({
    entities: [service('vault', { 'acme.io/secret': 'true' }, 'checkout')],
  });
  api = await world.startBackend();
  // As an earlier request recorded it: prod is gated by review and approval.
  waiting = randomUUID();
  const at = new Date();
  await world.db(PROMOTIONS).insert({
    id: waiting,
    entity_ref: 'component:default/checkout',
    source_environment: 'staging',
    target_environment: 'prod',
    digest: C2,
    reason: 'Ship 1.5.0 to prod',
    requested_by: 'user:default/releaser',
    state: 'requested',
    verdicts: '[]',
    approvals: '[]',
    in_flight_key: 'component:default/checkout|prod',
    created_at: at,
    updated_at: at,
  });
  await world.db(EVENTS).insert({
    promotion_id: waiting,
    state: 'requested',
    message: 'requested by user:default/releaser',
    at,
  });
});

afterAll(async () => {
  await world?.close();
});

const staging = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
  dryRun: true,
};
const READS = [
  '/entities/component/default/checkout/ladder',
  '/entities/component/default/checkout/promotions',
  '/entities/component/default/checkout/promotions/targets',
];

/** The request of one route, as a caller. */
type Route = (caller: Caller) => ReturnType<TrustBackend['get']>;
const ROUTES: Record<string, Route> = {
  'GET ladder': caller => api.get(READS[0], caller),
  'GET promotions': caller => api.get(READS[1], caller),
  'GET targets': caller => api.get(READS[2], caller),
  'GET metrics': caller =>
    api.get('/metrics?entityRef=component:default/checkout', caller),
  'POST promotions': caller => api.post('/promotions', staging, caller),
  'POST rollback': caller =>
    api.post('/promotions', { ...staging, kind: 'rollback' }, caller),
  'POST emergency rollback': caller =>
    api.post(
      '/promotions',
      { ...staging, kind: 'rollback', emergency: true },
      caller,
    ),
  'POST approve': caller =>
    api.post(`/promotions/${waiting}/approve`, {}, caller),
};

describe('every route, every caller', () => {
  it.each<[string, Caller, number, string, RegExp]>([
    ...Object.keys(ROUTES).map(
      route =>
        [
          route,
          'none',
          401,
          'AuthenticationError',
          /^Missing credentials$/,
        ] as [string, Caller, number, string, RegExp],
    ),
    [
      'POST promotions',
      'service',
      403,
      'NotAllowedError',
      /^This endpoint does not allow 'service' credentials$/,
    ],
    [
      'POST rollback',
      'service',
      403,
      'NotAllowedError',
      /^This endpoint does not allow 'service' credentials$/,
    ],
    [
      'POST rollback',
      'outsider',
      403,
      'NotAllowedError',
      /^You may not promote component:default\/checkout to staging$/,
    ],
    [
      'POST emergency rollback',
      'user',
      403,
      'NotAllowedError',
      /^You may not roll back component:default\/checkout without an approval \(emergency rollback\)$/,
    ],
    [
      'POST approve',
      'service',
      403,
      'NotAllowedError',
      /^This endpoint does not allow 'service' credentials$/,
    ],
    [
      'POST promotions',
      'outsider',
      403,
      'NotAllowedError',
      /^You may not promote component:default\/checkout to staging$/,
    ],
    [
      'POST approve',
      'outsider',
      403,
      'NotAllowedError',
      /^You may not promote component:default\/checkout to prod$/,
    ],
    [
      'POST approve',
      'user',
      403,
      'NotAllowedError',
      /^You may not promote component:default\/checkout to prod$/,
    ],
    [
      'POST approve',
      'releaser',
      409,
      'ConflictError',
      /^Rule approver-is-not-requester: user:default\/releaser requested this promotion and cannot also approve it$/,
    ],
  ])('%s as %s answers %d', (route, caller, status, name, message) =>
    tally.trial(async () => {
      const before = await world.state();
      const response = await ROUTES[route](caller);
      expect(response.status).toBe(status);
      expect(response.body.error).toEqual({
        name,
        message: expect.stringMatching(message),
      });
      expect(await world.state()).toEqual(before);
    }),
  );

  it.each<[string, Caller]>([
    ['GET ladder', 'service'],
    ['GET promotions', 'service'],
    ['GET targets', 'service'],
    ['GET ladder', 'outsider'],
    ['GET targets', 'outsider'],
    ['GET metrics', 'service'],
    ['GET metrics', 'outsider'],
  ])(
    '%s as %s answers 200: reading is allowed to services and to every user',
    (route, caller) =>
      tally.trial(async () => {
        const response = await ROUTES[route](caller);
        expect(response.status).toBe(200);
      }),
  );

  it('the targets say what each caller may do, without doing it', () =>
    tally.trial(async () => {
      const targets = async (caller: Caller) =>
        (await api.get(READS[2], caller)).body.targets;
      expect(await targets('user')).toEqual([
        { environment: 'dev', allowed: true },
        { environment: 'staging', allowed: true },
        { environment: 'prod', allowed: false },
      ]);
      expect(await targets('outsider')).toEqual([
        { environment: 'dev', allowed: false },
        { environment: 'staging', allowed: false },
        { environment: 'prod', allowed: false },
      ]);
    }));
});

describe('an entity whose ladder nobody may read', () => {
  it.each([
    '/entities/component/default/vault/ladder',
    '/entities/component/default/vault/promotions',
    '/entities/component/default/vault/promotions/targets',
    '/metrics?entityRef=component:default/vault',
  ])('%s answers 403, for the owner as for anyone', url =>
    tally.trial(async () => {
      const response = await api.get(url, 'user');
      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('NotAllowedError');
      // Nothing about the entity's workloads leaks through the refusal.
      expect(response.text).not.toMatch(/sha256:|checkout/);
    }),
  );
});

describe("a team's delivery metrics", () => {
  it.each<Caller>(['user', 'outsider', 'service'])(
    'count, for %s, only the services whose ladder they may read',
    caller =>
      tally.trial(async () => {
        const response = await api.get('/metrics?owner=team-shop', caller);
        expect(response.status).toBe(200);
        expect(response.body.entityRefs).toContain(
          'component:default/checkout',
        );
        expect(response.body.entityRefs).not.toContain(
          'component:default/vault',
        );
      }),
  );

  it('need credentials', () =>
    tally.trial(async () => {
      const response = await api.get('/metrics?owner=team-shop', 'none');
      expect(response.status).toBe(401);
    }));
});

describe('the approval a gate asks for', () => {
  it('is given by someone else of the platform team, and opens the pull request', () =>
    tally.trial(async () => {
      const response = await api.post(
        `/promotions/${waiting}/approve`,
        {},
        'approver',
      );
      expect(response.status).toBe(200);
      expect(response.body.promotion).toMatchObject({
        id: waiting,
        approvals: ['user:default/approver'],
        state: 'pr-open',
        pullRequest: { number: 1 },
      });
      expect(await world.brokenPromises()).toEqual([]);
    }));
});
