import {
  replicasUnavailable,
  startReplicas,
  type Replica,
} from './__testUtils__/startReplicas';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 7: several backend replicas, as Backstage scales out. Two real processes of
 * the demo backend (packages/backend, NODE_ENV=production) share one PostgreSQL server and
 * one Redis, each on its own port, over the demo's fixture clusters and the GitHub
 * stand-in. Skipped, saying why, where PostgreSQL or Redis is not configured.
 */
jest.setTimeout(300_000);

// Two backend processes need about 2 minutes to start and a machine that is not saturated:
// under heavy load their cluster reads time out. Opt-in until that is fixed (see the report).
const unavailable =
  replicasUnavailable() ??
  (process.env.ENVIRONMENT_LADDER_REPLICAS_TEST === '1'
    ? undefined
    : 'set ENVIRONMENT_LADDER_REPLICAS_TEST=1 to run it (two real backend processes, several minutes; not yet stable on a saturated machine)');
if (unavailable) {
  // eslint-disable-next-line no-console
  console.warn(`trust: replicas skipped: ${unavailable}`);
}
const describeReplicas = unavailable ? describe.skip : describe;

const tally = unavailable ? undefined : trustTally('replicas');
const trial = <T>(run: () => Promise<T>) => tally!.trial(run);

const PROMOTIONS = 'environment_ladder_promotions';
const EVENTS = 'environment_ladder_promotion_events';
const CHECKOUT_TO_STAGING = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describeReplicas('two backend replicas on one PostgreSQL and one Redis', () => {
  let world: Awaited<ReturnType<typeof startReplicas>>;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    const started = Date.now();
    world = await startReplicas({ count: 2 });
    [a, b] = world.replicas;
    // eslint-disable-next-line no-console
    console.log(
      `trust: replicas started in ${Math.round(
        (Date.now() - started) / 1000,
      )} s`,
    );
    // The Kubernetes backend loads its client on the first read: warm both up.
    await Promise.all([
      a.api('GET', '/entities/component/default/inventory/ladder'),
      b.api('GET', '/entities/component/default/inventory/ladder'),
    ]);
  });

  afterAll(async () => {
    await world?.close();
  });

  const ledger = () =>
    world.ledgerDb(PROMOTIONS).select('id', 'state', 'pull_request_number');
  /** How many times each promotion entered each state: a transition taken twice shows as 2. */
  const transitions = async () =>
    (
      await world
        .ledgerDb(EVENTS)
        .select('promotion_id', 'state')
        .count({ count: '*' })
        .groupBy('promotion_id', 'state')
    ).map((row: Record<string, unknown>) => ({
      promotion: row.promotion_id as string,
      state: row.state as string,
      count: Number(row.count),
    }));
  const pulls = () =>
    world.github
      .state()
      .repositories.find(repo => repo.fullName === 'acme/gitops')!.pulls;

  it('50 concurrent duplicate requests spread over both replicas: one pull request, one ledger row', () =>
    trial(async () => {
      const responses = await Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          await new Promise(resolve => setTimeout(resolve, index % 10));
          return (index % 2 ? b : a).api('POST', '/promotions', {
            ...CHECKOUT_TO_STAGING,
            idempotencyKey: 'replicas-same-request',
          });
        }),
      );
      const outcomes = responses.map(r =>
        r.status < 300 ? String(r.status) : `${r.status} ${r.text}`,
      );
      expect(outcomes.sort()).toEqual([...Array(49).fill('200'), '201']);
      expect(new Set(responses.map(r => r.body.promotion.id)).size).toBe(1);
      expect(await ledger()).toEqual([
        expect.objectContaining({ state: 'pr-open', pull_request_number: 1 }),
      ]);
      expect(pulls()).toHaveLength(1);
      const writes = world.github
        .requests()
        .filter(entry => entry.method !== 'GET')
        .map(entry => entry.route);
      expect(writes.filter(route => route.endsWith('/pulls'))).toHaveLength(1);
    }));

  it('the reconcilers of both replicas take each step of a promotion exactly once', () =>
    trial(async () => {
      // Closed without merging: the next step is failed, taken by whichever replica's
      // reconciler (every second on each) gets there first, and by no other.
      world.github.closePull('acme/gitops', 1);
      await waitFor(
        'the promotion to fail (closed without merging)',
        ledger,
        rows => rows[0]?.state === 'failed',
      );
      // Several more passes on both replicas: nothing more happens.
      await new Promise(resolve => setTimeout(resolve, 3000));
      const counted = await transitions();
      expect(counted.map(t => `${t.state} ${t.count}`).sort()).toEqual([
        'failed 1',
        'pr-open 1',
        'requested 1',
      ]);
    }));

  it('a replica killed mid-promotion leaves it to the other, which resumes it once the claim expires; restarted, it has lost nothing', () =>
    trial(async () => {
      world.github.clearRequests();
      // GitHub holds A's first write: A has recorded the promotion and claimed it.
      world.faults.setFaults([
        {
          method: 'POST',
          path: /^\/repos\/acme\/gitops\/git\/refs$/,
          answer: 'hold',
          times: 1,
        },
      ]);
      const pending = a
        .api('POST', '/promotions', {
          ...CHECKOUT_TO_STAGING,
          reason: 'Again, after the rejection',
        })
        .catch(error => error);
      await world.faults.whenHeld();
      const [recorded] = await world
        .ledgerDb(PROMOTIONS)
        .where({ state: 'requested' });
      expect(recorded).toMatchObject({ claimed_by: expect.any(String) });

      await a.kill();
      world.faults.dropHeld();
      await pending;
      // B's reconciler takes it over once A's claim (3 s) has expired, and opens the pull
      // request A never got to.
      await waitFor(
        'replica B to open the pull request',
        () => world.ledgerDb(PROMOTIONS).where({ id: recorded.id }).first(),
        row => row?.state === 'pr-open',
      );
      expect(pulls().filter(pull => pull.state === 'open')).toHaveLength(1);
      expect(
        (await transitions()).filter(t => t.promotion === recorded.id),
      ).toEqual(
        expect.arrayContaining([
          { promotion: recorded.id, state: 'requested', count: 1 },
          { promotion: recorded.id, state: 'pr-open', count: 1 },
        ]),
      );

      // A comes back: it serves the same ledger, history and all.
      await a.restart();
      const fromA = await a.api(
        'GET',
        '/entities/component/default/checkout/promotions',
      );
      const fromB = await b.api(
        'GET',
        '/entities/component/default/checkout/promotions',
      );
      expect(fromA.status).toBe(200);
      expect(fromA.body).toEqual(fromB.body);
      expect(
        fromA.body.items.find((p: { id: string }) => p.id === recorded.id),
      ).toMatchObject({
        state: 'pr-open',
        history: [
          { state: 'requested', message: 'requested by user:default/guest' },
          {
            state: 'pr-open',
            message: expect.stringMatching(/^pull request #2 /),
          },
        ],
      });
    }));

  it('concurrent viewers on both replicas cost the clusters at most twice what one viewer costs', () =>
    trial(async () => {
      const clusterRequests = () =>
        world.fixtures.clusters.reduce(
          (sum, cluster) => sum + world.fixtures.stats(cluster.name).total,
          0,
        );
      const ladder = '/entities/component/default/payments/ladder';
      world.fixtures.resetStats();
      expect((await b.api('GET', ladder)).status).toBe(200);
      const oneViewer = clusterRequests();
      expect(oneViewer).toBeGreaterThan(0);

      // Past the cache's freshness (3 s): the next viewers find it stale.
      await new Promise(resolve => setTimeout(resolve, 3500));
      world.fixtures.resetStats();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? b : a).api('GET', ladder),
        ),
      );
      expect(answers.map(answer => answer.status)).toEqual(Array(20).fill(200));
      const twentyViewers = clusterRequests();
      // eslint-disable-next-line no-console
      console.log(
        `trust: replicas viewers: 1 viewer cost the clusters ${oneViewer} requests; 20 concurrent viewers over 2 replicas cost ${twentyViewers} (${(
          twentyViewers / oneViewer
        ).toFixed(1)}x)`,
      );
      expect(twentyViewers).toBeLessThanOrEqual(2 * oneViewer);
    }));

  it('a production-mode start answers errors without stack traces or server paths', () =>
    trial(async () => {
      const answers = [
        await b.api('POST', '/promotions', { entityRef: 'nope' }),
        await b.api('POST', '/promotions', {
          ...CHECKOUT_TO_STAGING,
          entityRef: 'component:default/no-such-service',
        }),
        await b.api(
          'GET',
          '/entities/component/default/no-such-service/ladder',
        ),
        await b.api('POST', '/promotions/not-a-uuid/approve', {}),
      ];
      for (const answer of answers) {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.body.error).toEqual({
          name: expect.any(String),
          message: expect.any(String),
        });
        expect(answer.text).not.toMatch(
          /"stack"|\/work\/|node_modules|at \w+ \(/,
        );
      }
    }));
});
