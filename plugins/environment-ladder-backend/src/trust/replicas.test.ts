import {
  CACHE_FRESHNESS_S,
  CLAIM_DURATION_S,
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
 *
 * Its own step of scripts/test.sh (`replicas`, so CI runs it), not part of `yarn test`:
 * the two processes take minutes to start. Every wait is generous, sized for a machine
 * of two cores that other work keeps busy.
 */
jest.setTimeout(600_000);

const unavailable =
  replicasUnavailable() ??
  (process.env.ENVIRONMENT_LADDER_REPLICAS_TEST === '1'
    ? undefined
    : 'set ENVIRONMENT_LADDER_REPLICAS_TEST=1 to run it (two real backend processes, several minutes; scripts/test.sh runs it as its replicas step)');
if (unavailable) {
  // eslint-disable-next-line no-console
  console.warn(`trust: replicas skipped: ${unavailable}`);
}
const describeReplicas = unavailable ? describe.skip : describe;

const tally = unavailable ? undefined : trustTally('replicas');
const trial = <T>(run: () => Promise<T>) => tally!.trial(run);

const PROMOTIONS = 'environment_ladder_promotions';
const EVENTS = 'environment_ladder_promotion_events';
/** Figures the test prints, as the other trust suites do. */
function report(line: string) {
  // eslint-disable-next-line no-console
  console.log(`trust: replicas ${line}`);
}
const CHECKOUT_TO_STAGING = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 180_000,
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
    report(`started in ${Math.round((Date.now() - started) / 1000)} s`);
    // The Kubernetes backend loads its client on the first read: warm both up.
    await Promise.all([
      a.api('GET', '/entities/component/default/inventory/ladder'),
      b.api('GET', '/entities/component/default/inventory/ladder'),
    ]);
    // Two replicas, started one after the other (the first runs the migrations).
  }, 1_200_000);

  afterAll(async () => {
    await world?.close();
  }, 120_000);

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
      const byStatus = new Map<number, number>();
      for (const r of responses) {
        byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      }
      report(
        `duplicates: 50 requests over 2 replicas answered ${[...byStatus]
          .sort(([x], [y]) => x - y)
          .map(([status, count]) => `${status}x${count}`)
          .join(', ')}; ${(await ledger()).length} ledger row(s), ${
          pulls().length
        } pull request(s)`,
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
      const killedAt = Date.now();
      world.faults.dropHeld();
      await pending;
      // B's reconciler takes it over once A's claim has expired, and opens the pull
      // request A never got to.
      await waitFor(
        'replica B to open the pull request',
        () => world.ledgerDb(PROMOTIONS).where({ id: recorded.id }).first(),
        row => row?.state === 'pr-open',
      );
      report(
        `resume: B opened the pull request of killed A's promotion ${(
          (Date.now() - killedAt) /
          1000
        ).toFixed(1)} s after the kill (claims last ${CLAIM_DURATION_S} s)`,
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
      // Settle first. A promotion in flight has the reconcilers read its service's ladder
      // from the clusters on every pass, and a view's reads may outlast its answer:
      // close what is open, wait until nothing is in flight, then until the clusters see
      // no request at all, so that each count below is the viewers' and the whole of it.
      for (const pull of pulls().filter(p => p.state === 'open')) {
        world.github.closePull('acme/gitops', pull.number);
      }
      await waitFor(
        'no promotion in flight',
        () => world.ledgerDb(PROMOTIONS).whereNotNull('in_flight_key'),
        rows => rows.length === 0,
      );
      await world.whenClustersQuiet();

      const ladder = '/entities/component/default/payments/ladder';
      world.fixtures.resetStats();
      expect((await b.api('GET', ladder)).status).toBe(200);
      await world.whenClustersQuiet();
      const oneViewer = world.clusterRequests();
      expect(oneViewer).toBeGreaterThan(0);

      // Past the cache's freshness: the next viewers find it stale.
      await new Promise(resolve =>
        setTimeout(resolve, CACHE_FRESHNESS_S * 1000 + 500),
      );
      world.fixtures.resetStats();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? b : a).api('GET', ladder),
        ),
      );
      expect(answers.map(answer => answer.status)).toEqual(Array(20).fill(200));
      await world.whenClustersQuiet();
      const twentyViewers = world.clusterRequests();
      report(
        `viewers: 1 viewer cost the clusters ${oneViewer} requests; 20 concurrent viewers over 2 replicas cost ${twentyViewers} (${(
          twentyViewers / oneViewer
        ).toFixed(1)}x; coalescing is per replica, so up to 2x)`,
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
