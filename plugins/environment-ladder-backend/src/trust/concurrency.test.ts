import {
  STAGING_BRANCH,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 3: concurrency, over HTTP against the GitHub stand-in and the ledger on
 * PostgreSQL. The service-level variants (a fake GitHub, SQLite and PostgreSQL) are in
 * createPromotionService.test.ts ("concurrency", and two approvers approving at once).
 */
jest.setTimeout(90_000);

const tally = trustTally('concurrency');

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld();
  api = await world.startBackend({
    clusterTimeoutMs: 10_000,
    // Shorter than the held GitHub call below: the request must keep its claim by renewing it.
    claimDuration: '300ms',
  });
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => world.reset());

const valid = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

/** One promotion in the ledger, pr-open with pull request #1, the only one on GitHub. */
async function expectOnePromotionAndOnePullRequest() {
  const state = await world.state();
  expect(state.ledger).toEqual([
    expect.objectContaining({
      state: 'pr-open',
      pull_request_number: 1,
      branch: STAGING_BRANCH,
    }),
  ]);
  expect(state.pulls).toEqual([
    { number: 1, head: STAGING_BRANCH, state: 'open', merged: false },
  ]);
  expect(state.branches).toEqual([STAGING_BRANCH, 'main'].sort());
  expect(await world.brokenPromises()).toEqual([]);
  return state;
}

/** Fifty requests, staggered over a few milliseconds so that they meet every stage of the first. */
function fifty(body: (index: number) => unknown) {
  return Promise.all(
    Array.from({ length: 50 }, async (_, index) => {
      await new Promise(resolve => setTimeout(resolve, index % 10));
      return api.post('/promotions', body(index));
    }),
  );
}

describe('concurrent promotion requests over HTTP', () => {
  it('50 identical requests with one idempotency key: one 201, 49 × 200 of the same promotion, one pull request, one ledger row', () =>
    tally.trial(async () => {
      const responses = await fifty(() => ({
        ...valid,
        idempotencyKey: 'same-task',
      }));

      // Statuses, with the message of any error, so that a failure says why.
      const outcomes = responses.map(r =>
        r.status < 300
          ? String(r.status)
          : `${r.status} ${r.body?.error?.message}`,
      );
      expect(outcomes.sort()).toEqual([...Array(49).fill('200'), '201']);
      expect(new Set(responses.map(r => r.body.promotion.id)).size).toBe(1);
      const state = await expectOnePromotionAndOnePullRequest();
      expect(responses[0].body.promotion.id).toBe(state.ledger[0].id);
      // Only the first request wrote to GitHub.
      expect(
        state.writes.filter(
          write => write.startsWith('POST') && write.endsWith('/pulls'),
        ),
      ).toHaveLength(1);
    }));

  it('50 identical requests without a key: one 201, 49 × 409 naming the promotion in flight, one pull request, one ledger row', () =>
    tally.trial(async () => {
      const responses = await fifty(() => valid);

      expect(responses.filter(r => r.status === 201)).toHaveLength(1);
      const refused = responses.filter(r => r.status !== 201);
      expect(refused.map(r => r.status)).toEqual(Array(49).fill(409));
      for (const response of refused) {
        expect(response.body.error).toEqual({
          name: 'ConflictError',
          message: expect.stringMatching(/already in flight/),
        });
      }
      await expectOnePromotionAndOnePullRequest();
    }));

  it('two different promotions to the same rung: one wins, the other answers 409', () =>
    tally.trial(async () => {
      const [first, second] = await Promise.all([
        api.post('/promotions', {
          ...valid,
          reason: 'Ours',
          idempotencyKey: 'team-a',
        }),
        api.post(
          '/promotions',
          { ...valid, reason: 'Theirs', idempotencyKey: 'team-b' },
          'releaser',
        ),
      ]);

      expect([first.status, second.status].sort()).toEqual([201, 409]);
      const lost = first.status === 409 ? first : second;
      expect(lost.body.error).toEqual({
        name: 'ConflictError',
        message: expect.stringMatching(/already in flight/),
      });
      await expectOnePromotionAndOnePullRequest();
    }));

  // Two workers advancing the same requested promotion would share its deterministic
  // branch, and the loser's cleanup would delete the branch of the winner's pull request.
  // The worker holds a claim in the ledger and renews it while GitHub holds its call, so
  // a pass, here well after the claim duration, leaves the promotion alone.
  it('a reconciler pass while the request is still opening the pull request: one pull request, left open and recorded', () =>
    tally.trial(async () => {
      world.faults.setFaults([
        { method: 'PUT', path: /\/contents\//, answer: 'hold', times: 1 },
      ]);
      const pending = api.post('/promotions', valid);
      await world.faults.whenHeld();
      // Three claim durations: a fixed grace would have run out by now.
      await new Promise(resolve => setTimeout(resolve, 900));

      // The scheduled pass meets the promotion the request is working on.
      await api.reconcile();
      world.faults.releaseHeld();
      const response = await pending;

      expect(response.status).toBe(201);
      expect(response.body.promotion).toMatchObject({ state: 'pr-open' });
      await expectOnePromotionAndOnePullRequest();
      await api.reconcile();
      expect((await world.state()).ledger).toEqual([
        expect.objectContaining({ state: 'pr-open' }),
      ]);
    }));
});
