import {
  C2,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 7: freeze windows. Staging is frozen (a dated window around now, so the
 * test does not depend on the day it runs). A promotion into it is refused with a 409
 * naming the rule, the reason and the end, before anything is recorded or any GitHub
 * call; an override needs `environment-ladder.freeze.override`, which the demo policy
 * grants the platform team only; the ladder tells the tab about the freeze.
 */
jest.setTimeout(90_000);

const tally = trustTally('freezes');

const DAY = 24 * 3_600_000;
// Whole minutes: the refusal states the end to the minute.
const UNTIL = new Date(Math.ceil((Date.now() + 2 * DAY) / 60_000) * 60_000);
const FREEZE = {
  reason: 'Release freeze for the audit',
  from: new Date(Date.now() - DAY).toISOString().replace(/\.\d+Z$/, 'Z'),
  until: UNTIL.toISOString().replace(/\.\d+Z$/, 'Z'),
};

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld();
  api = await world.startBackend({ freezes: { staging: [FREEZE] } });
});

afterAll(async () => {
  await world?.close();
});

const promotion = (extra: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
  ...extra,
});

const END = `${UNTIL.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

it('refuses a promotion into a frozen rung with a 409 naming the rule, the reason and the end', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      for (const dryRun of [true, false]) {
        const response = await api.post('/promotions', promotion({ dryRun }));
        expect(response.status).toBe(409);
        expect(response.body.error).toEqual({
          name: 'ConflictError',
          message: `Rule target-is-not-frozen: Staging is frozen until ${END}: Release freeze for the audit (someone allowed to override freezes may still promote)`,
        });
      }
    }),
  ));

it('refuses an override by a service owner with a 403: overriding needs its own permission', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const response = await api.post(
        '/promotions',
        promotion({ overrideFreeze: true }),
      );
      expect(response.status).toBe(403);
      expect(response.body.error).toEqual({
        name: 'NotAllowedError',
        message:
          'You may not override a freeze window of component:default/checkout',
      });
    }),
  ));

it('refuses an override that is not a boolean with a 400', () =>
  tally.trial(() =>
    world.changesNothing(async () => {
      const response = await api.post(
        '/promotions',
        promotion({ overrideFreeze: 'yes' }),
        'releaser',
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('overrideFreeze');
    }),
  ));

it('lets the platform team override, and the pull request carries the override', () =>
  tally.trial(async () => {
    await world.reset();
    const overriding = promotion({ overrideFreeze: true });
    const dryRun = await api.post(
      '/promotions',
      { ...overriding, dryRun: true },
      'releaser',
    );
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.dryRun.pullRequest.body).toContain(
      'the requester overrides the freeze',
    );
    const response = await api.post('/promotions', overriding, 'releaser');
    expect(response.status).toBe(201);
    expect(response.body.promotion.digest).toBe(C2);
    expect(response.body.promotion.verdicts).toContainEqual({
      rule: 'target-is-not-frozen',
      passed: true,
      message: `Staging is frozen until ${END}: Release freeze for the audit; the requester overrides the freeze`,
    });
    expect((await world.state()).pulls).toHaveLength(1);
  }));

it("shows the freeze on the ladder's promotion target, refused in the rule's words", () =>
  tally.trial(async () => {
    await world.reset();
    const response = await api.get(
      '/entities/component/default/checkout/ladder',
    );
    expect(response.status).toBe(200);
    const staging = response.body.promotions.targets.find(
      (t: { targetEnvironment: string }) => t.targetEnvironment === 'staging',
    );
    expect(staging).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
      freeze: {
        reason: 'Release freeze for the audit',
        until: UNTIL.toISOString(),
      },
    });
    const prod = response.body.promotions.targets.find(
      (t: { targetEnvironment: string }) => t.targetEnvironment === 'prod',
    );
    expect(prod.freeze).toBeNull();
  }));

it('tells a viewer who may override the freeze that they may, and nobody else', () =>
  tally.trial(async () => {
    await world.reset();
    type Target = { targetEnvironment: string };
    const ladderAs = async (caller: 'user' | 'releaser') => {
      const response = await api.get(
        '/entities/component/default/checkout/ladder',
        caller,
      );
      expect(response.status).toBe(200);
      const { targets, rollbackTargets } = response.body.promotions;
      return {
        staging: targets.find((t: Target) => t.targetEnvironment === 'staging'),
        prod: targets.find((t: Target) => t.targetEnvironment === 'prod'),
        stagingRollback: rollbackTargets.find(
          (t: Target) => t.targetEnvironment === 'staging',
        ),
      };
    };

    // The platform team holds environment-ladder.freeze.override: the refusal stands,
    // with what may override it.
    const releaser = await ladderAs('releaser');
    expect(releaser.staging).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
      overridable: 'freeze',
      freeze: { reason: 'Release freeze for the audit' },
    });
    expect(releaser.stagingRollback).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
      overridable: 'freeze',
      freeze: {
        reason: 'Release freeze for the audit',
        until: UNTIL.toISOString(),
      },
    });
    expect(releaser.prod).not.toHaveProperty('overridable');

    // The service's owner does not: the same refusal, nothing to override with.
    const owner = await ladderAs('user');
    expect(owner.staging).toEqual({
      targetEnvironment: 'staging',
      sourceEnvironment: releaser.staging.sourceEnvironment,
      digest: releaser.staging.digest,
      allowed: false,
      rule: 'target-is-not-frozen',
      reason: releaser.staging.reason,
      freeze: releaser.staging.freeze,
    });
    expect(owner.stagingRollback).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
    });
    expect(owner.stagingRollback).not.toHaveProperty('overridable');
    expect(owner.stagingRollback).not.toHaveProperty('emergencyAvailable');
  }));
