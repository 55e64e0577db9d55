import {
  calculateRolloutPhase,
  getRolloutPhase,
  isGenerationObserved,
  isUnpausing,
} from './rolloutPhase';

// Objects written for each rule of GetRolloutPhase / CalculateRolloutPhase
// (argo-rollouts utils/rollout/rolloututil.go).
const canarySpec = (extra: object = {}) => ({
  replicas: 3,
  strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
  ...extra,
});
const done = {
  replicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  currentPodHash: 'new',
  stableRS: 'new',
};

describe('isGenerationObserved', () => {
  it.each([
    ['a numeric string equal to the generation', '4', 4, true],
    ['a number equal to the generation', 4, 4, true],
    ['a numeric string below the generation', '3', 4, false],
    ['a numeric string above it (a v0.9 hash of digits)', '77646', 4, true],
    ['a v0.9 pod-template hash', '77646c9d4c', 4, true],
    ['nothing', undefined, 4, true],
  ])('%s', (_name, observedGeneration, generation, expected) => {
    expect(
      isGenerationObserved({
        metadata: { generation },
        status: { observedGeneration },
      }),
    ).toBe(expected);
  });
});

describe('isUnpausing', () => {
  it('is true only when the controller holds a pause with no pause condition left', () => {
    expect(isUnpausing({ controllerPause: true, pauseConditions: [] })).toBe(
      true,
    );
    expect(isUnpausing({ controllerPause: true })).toBe(true);
    expect(
      isUnpausing({
        controllerPause: true,
        pauseConditions: [{ reason: 'CanaryPauseStep' }],
      }),
    ).toBe(false);
    expect(isUnpausing({ controllerPause: false, pauseConditions: [] })).toBe(
      false,
    );
  });
});

describe('getRolloutPhase', () => {
  it('says the spec update is not observed before anything else', () => {
    expect(
      getRolloutPhase({
        metadata: { generation: 5 },
        spec: canarySpec(),
        status: { ...done, observedGeneration: '4', phase: 'Healthy' },
      }),
    ).toEqual({
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
      unknownRecordedPhase: null,
    });
  });

  it('says it is unpausing over a recorded Paused phase', () => {
    expect(
      getRolloutPhase({
        metadata: { generation: 5 },
        spec: canarySpec(),
        status: {
          observedGeneration: '5',
          controllerPause: true,
          phase: 'Paused',
          message: 'CanaryPauseStep',
        },
      }),
    ).toMatchObject({
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
    });
  });

  it("takes a v1.0+ controller's phase and message word for word", () => {
    expect(
      getRolloutPhase({
        metadata: { generation: 5 },
        spec: { strategy: { blueGreen: { autoPromotionEnabled: false } } },
        status: {
          observedGeneration: '5',
          phase: 'Paused',
          message: 'BlueGreenPause',
          pauseConditions: [{ reason: 'BlueGreenPause' }],
          controllerPause: true,
        },
      }),
    ).toEqual({
      phase: 'Paused',
      message: 'BlueGreenPause',
      unknownRecordedPhase: null,
    });
  });

  it('ignores the workload generation, as the CLI never resolves the template from the ref', () => {
    expect(
      getRolloutPhase({
        metadata: {
          generation: 3,
          annotations: { 'rollout.argoproj.io/workload-generation': '2' },
        },
        spec: { workloadRef: { kind: 'Deployment', name: 'x' } },
        status: {
          observedGeneration: '3',
          workloadObservedGeneration: '1',
          phase: 'Healthy',
        },
      }).phase,
    ).toBe('Healthy');
  });

  it('computes a phase it does not know, and says which one was recorded', () => {
    expect(
      getRolloutPhase({
        spec: canarySpec(),
        status: { ...done, phase: 'Exploded' },
      }),
    ).toEqual({
      phase: 'Healthy',
      message: '',
      unknownRecordedPhase: 'Exploded',
    });
  });
});

describe('calculateRolloutPhase', () => {
  it('is Degraded with "InvalidSpec: <message>" for an InvalidSpec condition', () => {
    expect(
      calculateRolloutPhase(canarySpec(), {
        ...done,
        conditions: [
          { type: 'Available', reason: 'AvailableReason', message: 'ok' },
          { type: 'InvalidSpec', reason: 'InvalidSpec', message: 'bad step' },
        ],
      }),
    ).toEqual({ phase: 'Degraded', message: 'InvalidSpec: bad step' });
  });

  it.each(['RolloutAborted', 'ProgressDeadlineExceeded'])(
    'is Degraded with "<reason>: <message>" for a %s condition',
    reason => {
      expect(
        calculateRolloutPhase(canarySpec(), {
          ...done,
          conditions: [{ type: 'Progressing', reason, message: 'why' }],
        }),
      ).toEqual({ phase: 'Degraded', message: `${reason}: why` });
    },
  );

  it('is Paused: "manually paused" for spec.paused, over pause conditions', () => {
    expect(
      calculateRolloutPhase(canarySpec({ paused: true }), {
        ...done,
        pauseConditions: [{ reason: 'CanaryPauseStep' }],
      }),
    ).toEqual({ phase: 'Paused', message: 'manually paused' });
  });

  it.each(['BlueGreenPause', 'CanaryPauseStep', 'InconclusiveAnalysis'])(
    'is Paused with the first pause condition reason %s as message',
    reason => {
      expect(
        calculateRolloutPhase(canarySpec(), {
          ...done,
          pauseConditions: [{ reason }, { reason: 'Other' }],
        }),
      ).toEqual({ phase: 'Paused', message: reason });
    },
  );

  it('is restarting until status.restartedAt equals spec.restartAt', () => {
    const spec = canarySpec({ restartAt: '2025-01-01T10:00:00Z' });
    expect(calculateRolloutPhase(spec, done)).toEqual({
      phase: 'Progressing',
      message: 'rollout is restarting',
    });
    expect(
      calculateRolloutPhase(spec, {
        ...done,
        restartedAt: '2025-01-01T10:00:00.000Z',
      }),
    ).toEqual({ phase: 'Healthy', message: '' });
  });

  it('gives the short text while the new ReplicaSet scales and becomes available', () => {
    expect(
      calculateRolloutPhase(canarySpec(), { ...done, updatedReplicas: 1 }),
    ).toEqual({
      phase: 'Progressing',
      message: 'more replicas need to be updated',
    });
    // spec.replicas defaults to 1.
    expect(
      calculateRolloutPhase(
        { strategy: { canary: {} } },
        { ...done, updatedReplicas: 0 },
      ).message,
    ).toBe('more replicas need to be updated');
    expect(
      calculateRolloutPhase(canarySpec(), { ...done, availableReplicas: 2 }),
    ).toEqual({
      phase: 'Progressing',
      message: 'updated replicas are still becoming available',
    });
  });

  it('waits for old replicas to end only for a canary without traffic routing', () => {
    const status = { ...done, replicas: 5 };
    expect(calculateRolloutPhase(canarySpec(), status).message).toBe(
      'old replicas are pending termination',
    );
    const routed = {
      replicas: 3,
      strategy: { canary: { trafficRouting: { nginx: {} } } },
    };
    expect(calculateRolloutPhase(routed, status)).toEqual({
      phase: 'Healthy',
      message: '',
    });
  });

  it('waits for all steps until the stable hash is the current one', () => {
    expect(
      calculateRolloutPhase(canarySpec(), { ...done, stableRS: 'old' }),
    ).toEqual({
      phase: 'Progressing',
      message: 'waiting for all steps to complete',
    });
    expect(
      calculateRolloutPhase(canarySpec(), { ...done, stableRS: undefined })
        .message,
    ).toBe('waiting for all steps to complete');
  });

  it('walks blue-green through cutover, post-promotion analysis and verification', () => {
    const spec = { replicas: 3, strategy: { blueGreen: {} } };
    expect(
      calculateRolloutPhase(spec, {
        ...done,
        blueGreen: { activeSelector: 'old' },
      }),
    ).toEqual({
      phase: 'Progressing',
      message: 'active service cutover pending',
    });
    const cutOver = {
      ...done,
      stableRS: 'old',
      blueGreen: { activeSelector: 'new' },
    };
    expect(calculateRolloutPhase(spec, cutOver).message).toBe(
      'waiting for post-promotion verification to complete',
    );
    const withAnalysis = {
      ...spec,
      strategy: { blueGreen: { postPromotionAnalysis: { templates: [] } } },
    };
    expect(calculateRolloutPhase(withAnalysis, cutOver).message).toBe(
      'waiting for analysis to complete',
    );
    expect(
      calculateRolloutPhase(withAnalysis, {
        ...cutOver,
        blueGreen: {
          activeSelector: 'new',
          postPromotionAnalysisRunStatus: { name: 'r', status: 'Successful' },
        },
      }).message,
    ).toBe('waiting for post-promotion verification to complete');
    expect(
      calculateRolloutPhase(spec, {
        ...done,
        blueGreen: { activeSelector: 'new' },
      }),
    ).toEqual({ phase: 'Healthy', message: '' });
  });

  it('reads the pre-v0.8 stable hash (ours: as the CLI of that time did)', () => {
    const { stableRS: _stable, ...legacy } = done;
    expect(
      calculateRolloutPhase(canarySpec(), {
        ...legacy,
        canary: { stableRS: 'new' },
        observedGeneration: '6886f85bff',
      }),
    ).toEqual({ phase: 'Healthy', message: '' });
  });
});
