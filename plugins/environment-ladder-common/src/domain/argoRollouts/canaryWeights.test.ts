import {
  computeActualWeight,
  formatCanaryStep,
  getCurrentCanaryStep,
  getCurrentSetWeight,
  maxTrafficWeight,
} from './canaryWeights';

// Objects written for each weight rule of NewRolloutInfo (info/rollout_info.go),
// GetCurrentCanaryStep / GetCurrentSetWeight (utils/replicaset) and MaxTrafficWeight
// (utils/weightutil).
const steps = [
  { setWeight: 10 },
  { pause: {} },
  { setWeight: 30 },
  { pause: { duration: '5m' } },
];
const canary = (extra: object = {}) => ({
  replicas: 10,
  strategy: { canary: { steps, ...extra } },
});
const routed = (extra: object = {}) =>
  canary({ trafficRouting: { nginx: { stableIngress: 'shop' }, ...extra } });

describe('maxTrafficWeight', () => {
  it('is 100 unless a traffic-routed canary sets maxTrafficWeight', () => {
    expect(maxTrafficWeight(canary())).toBe(100);
    expect(maxTrafficWeight(routed())).toBe(100);
    expect(maxTrafficWeight(routed({ maxTrafficWeight: 1000 }))).toBe(1000);
    // Only under trafficRouting.
    expect(maxTrafficWeight(canary({ maxTrafficWeight: 1000 }))).toBe(100);
  });
});

describe('getCurrentCanaryStep', () => {
  it('is the step at currentStepIndex (0 when unset), none past the end or without steps', () => {
    expect(getCurrentCanaryStep(canary(), { currentStepIndex: 2 })).toEqual({
      step: { setWeight: 30 },
      index: 2,
    });
    expect(getCurrentCanaryStep(canary(), {})).toEqual({
      step: { setWeight: 10 },
      index: 0,
    });
    expect(getCurrentCanaryStep(canary(), { currentStepIndex: 4 })).toBeNull();
    expect(
      getCurrentCanaryStep({ strategy: { canary: { steps: [] } } }, {}),
    ).toBeNull();
    expect(
      getCurrentCanaryStep({ strategy: { blueGreen: {} } }, {}),
    ).toBeNull();
  });
});

describe('getCurrentSetWeight', () => {
  it('is the last setWeight at or before the current step', () => {
    expect(getCurrentSetWeight(canary(), { currentStepIndex: 0 })).toBe(10);
    expect(getCurrentSetWeight(canary(), { currentStepIndex: 1 })).toBe(10);
    expect(getCurrentSetWeight(canary(), { currentStepIndex: 3 })).toBe(30);
  });

  it('is 0 before any setWeight, the max past the last step, 0 once aborted', () => {
    const pauseFirst = {
      strategy: { canary: { steps: [{ pause: {} }, { setWeight: 50 }] } },
    };
    expect(getCurrentSetWeight(pauseFirst, { currentStepIndex: 0 })).toBe(0);
    expect(getCurrentSetWeight(canary(), { currentStepIndex: 4 })).toBe(100);
    expect(
      getCurrentSetWeight(routed({ maxTrafficWeight: 1000 }), {
        currentStepIndex: 4,
      }),
    ).toBe(1000);
    expect(getCurrentSetWeight({ strategy: { canary: {} } }, {})).toBe(100);
    expect(
      getCurrentSetWeight(canary(), { currentStepIndex: 3, abort: true }),
    ).toBe(0);
  });
});

describe('formatCanaryStep', () => {
  it('is "index/steps" only with both, the index as recorded', () => {
    expect(formatCanaryStep(canary(), { currentStepIndex: 2 })).toBe('2/4');
    expect(formatCanaryStep(canary(), { currentStepIndex: 4 })).toBe('4/4');
    expect(formatCanaryStep(canary(), {})).toBeNull();
    expect(
      formatCanaryStep({ strategy: { canary: {} } }, { currentStepIndex: 0 }),
    ).toBeNull();
  });
});

describe('computeActualWeight', () => {
  const canaryRs = (available: number) => ({ canary: true, available });
  const stableRs = (available: number) => ({ canary: false, available });

  it('without traffic routing: the canary ReplicaSet available over the rollout available', () => {
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 2, availableReplicas: 10 },
        [canaryRs(3), stableRs(7)],
      ),
    ).toBe(30);
    // Integer division, as Go's: 1 * 100 / 3 = 33.
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 2, availableReplicas: 3 },
        [canaryRs(1), stableRs(2)],
      ),
    ).toBe(33);
    // The set weight is not read: 1 of 10 available is 10 whatever the step says.
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 3, availableReplicas: 10 },
        [canaryRs(1), stableRs(9)],
      ),
    ).toBe(10);
  });

  it('is 0 with no canary ReplicaSet or no available replica', () => {
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 2, availableReplicas: 10 },
        [stableRs(10)],
      ),
    ).toBe(0);
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 2, availableReplicas: 0 },
        [canaryRs(0)],
      ),
    ).toBe(0);
  });

  it("with traffic routing: the status' canary weight, else the set weight", () => {
    expect(
      computeActualWeight(
        routed(),
        {
          currentStepIndex: 3,
          availableReplicas: 10,
          canary: {
            weights: { canary: { weight: 25 }, stable: { weight: 75 } },
          },
        },
        [canaryRs(10)],
      ),
    ).toBe(25);
    expect(
      computeActualWeight(
        routed(),
        { currentStepIndex: 3, availableReplicas: 10 },
        [canaryRs(10)],
      ),
    ).toBe(30);
  });

  it('with no current step: the max traffic weight (100 by default)', () => {
    expect(
      computeActualWeight(
        canary(),
        { currentStepIndex: 4, availableReplicas: 0 },
        [],
      ),
    ).toBe(100);
    expect(
      computeActualWeight(
        routed({ maxTrafficWeight: 1000 }),
        { currentStepIndex: 4 },
        [],
      ),
    ).toBe(1000);
    expect(computeActualWeight({ strategy: { canary: {} } }, {}, [])).toBe(100);
  });

  it('ignores conditions: an invalid spec still gets its weight', () => {
    expect(
      computeActualWeight(
        canary(),
        {
          currentStepIndex: 2,
          availableReplicas: 4,
          conditions: [{ type: 'InvalidSpec', message: 'bad' }],
        },
        [canaryRs(1), stableRs(3)],
      ),
    ).toBe(25);
  });
});
