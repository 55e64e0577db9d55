import { randomUUID } from 'node:crypto';
import {
  C1,
  EVENTS,
  PROMOTIONS,
  service,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './trust/__testUtils__/startTrustWorld';

/**
 * `GET /metrics` through HTTP, over a real backend, database and catalog: a
 * ledger written as promotions write it, and the four figures the route
 * computes from it for one service and for its team.
 */
jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let world: TrustWorld;
let api: TrustBackend;

/** Records a promotion that went through `steps` (state, ms before now). */
async function record(
  entityRef: string,
  targetEnvironment: string,
  steps: Array<[string, number]>,
  columns: Record<string, unknown> = {},
) {
  const id = randomUUID();
  const now = Date.now();
  const requestedAt = new Date(now - steps[0][1]);
  await world.db(PROMOTIONS).insert({
    id,
    entity_ref: entityRef,
    source_environment: 'staging',
    target_environment: targetEnvironment,
    digest: C1,
    reason: 'metrics',
    requested_by: 'user:default/mock',
    state: steps[steps.length - 1][0],
    verdicts: '[]',
    approvals: '[]',
    in_flight_key: null,
    created_at: requestedAt,
    updated_at: new Date(now - steps[steps.length - 1][1]),
    ...columns,
  });
  for (const [state, ago] of steps) {
    await world.db(EVENTS).insert({
      promotion_id: id,
      state,
      message: state,
      at: new Date(now - ago),
    });
  }
}

/** Requested `daysAgo` days ago, merged an hour later, verified `hours` after the request. */
const verified = (
  entityRef: string,
  rung: string,
  daysAgo: number,
  hours: number,
  columns: Record<string, unknown> = {},
) =>
  record(
    entityRef,
    rung,
    [
      ['requested', daysAgo * DAY],
      ['pr-open', daysAgo * DAY - 0.5 * HOUR],
      ['merged', daysAgo * DAY - HOUR],
      ['running', daysAgo * DAY - HOUR],
      ['verified', daysAgo * DAY - hours * HOUR],
    ],
    columns,
  );

beforeAll(async () => {
  world = await startTrustWorld({
    entities: [service('vault', { 'acme.io/secret': 'true' }, 'checkout')],
  });
  api = await world.startBackend();
  const checkout = 'component:default/checkout';
  // CI brought C1 into dev, built from a commit made twelve days ago (the promotions
  // below move the same digest: lead time from the commit is measured through it).
  await verified(checkout, 'dev', 2, 2, {
    source_environment: 'ci',
    source_commit_sha: 'c'.repeat(40),
    source_committed_at: new Date(Date.now() - 12 * DAY),
  });
  await verified(checkout, 'prod', 10, 4);
  // A failed canary five days ago, then a fix verified four hours after the failure.
  await record(checkout, 'prod', [
    ['requested', 5 * DAY],
    ['pr-open', 5 * DAY - 0.5 * HOUR],
    ['merged', 5 * DAY - HOUR],
    ['running', 5 * DAY - HOUR],
    ['failed', 5 * DAY - 2 * HOUR],
  ]);
  await verified(checkout, 'prod', 5 - 3 / 24, 3);
  // Before a 30-day period, inside a 60-day one.
  await verified(checkout, 'prod', 40, 8);
  // Refused before anything merged: no change.
  await record(checkout, 'staging', [
    ['requested', 3 * DAY],
    ['failed', 3 * DAY],
  ]);
  // The unreadable service of the same team: never counted.
  await verified('component:default/vault', 'prod', 1, 1);
});

afterAll(async () => {
  await world?.close();
});

const rung = (body: any, name: string) =>
  body.deploymentFrequency.find((r: { rung: string }) => r.rung === name);

describe('GET /metrics', () => {
  it('computes the four figures of one service over the default 30 days', async () => {
    const response = await api.get(
      '/metrics?entityRef=component:default/checkout',
    );
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.period.days).toBe(30);
    expect(Date.parse(body.period.to) - Date.parse(body.period.from)).toBe(
      30 * DAY,
    );
    expect(body.entityRefs).toEqual(['component:default/checkout']);
    expect(body.deploymentFrequency.map((r: any) => r.rung)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(rung(body, 'dev')).toEqual({
      rung: 'dev',
      deployments: 1,
      perDay: 1 / 30,
    });
    expect(rung(body, 'staging').deployments).toBe(0);
    expect(rung(body, 'prod').deployments).toBe(2);
    expect(body.leadTime).toMatchObject({
      rung: 'prod',
      count: 2,
      medianMs: 3.5 * HOUR,
      p90Ms: 4 * HOUR,
    });
    // Commit to verified: 12 d − 10 d + 4 h, and 12 d − 5 d + 6 h.
    expect(body.leadTime.fromCommit.count).toBe(2);
    expect(body.leadTime.fromCommit.medianMs).toBeCloseTo(113 * HOUR, -4);
    expect(body.leadTime.fromCommit.p90Ms).toBeCloseTo(174 * HOUR, -4);
    expect(body.changeFailureRate).toEqual({
      changes: 4,
      failures: 1,
      rate: 0.25,
    });
    expect(body.timeToRestore).toMatchObject({
      count: 1,
      unrestored: 0,
    });
    expect(body.timeToRestore.medianMs).toBeCloseTo(4 * HOUR, -4);
  });

  it('widens to the period asked for', async () => {
    const response = await api.get(
      '/metrics?entityRef=component:default/checkout&period=60d',
    );
    expect(response.status).toBe(200);
    expect(rung(response.body, 'prod').deployments).toBe(3);
    expect(response.body.leadTime.count).toBe(3);
  });

  it("counts a team's services the viewer may read, and only those", async () => {
    const response = await api.get('/metrics?owner=team-shop');
    expect(response.status).toBe(200);
    expect(response.body.entityRefs).toContain('component:default/checkout');
    expect(response.body.entityRefs).not.toContain('component:default/vault');
    // vault's verified prod promotion of yesterday is not among them.
    expect(rung(response.body, 'prod').deployments).toBe(2);
  });

  it('answers an empty team with zeros and no figures, not an error', async () => {
    const response = await api.get('/metrics?owner=group:default/nobody');
    expect(response.status).toBe(200);
    expect(response.body.entityRefs).toEqual([]);
    expect(response.body.changeFailureRate.rate).toBeNull();
    expect(response.body.leadTime.medianMs).toBeNull();
  });

  it('is not cached by a shared cache', async () => {
    const response = await api.get(
      '/metrics?entityRef=component:default/checkout',
    );
    expect(response.headers['cache-control']).toBe('private, no-cache');
  });
});
