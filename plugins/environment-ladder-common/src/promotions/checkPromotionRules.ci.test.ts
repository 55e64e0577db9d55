import { RUNG_RULES, V1, V2, V3, ladderOf, rung } from './__fixtures__/ladder';
import { checkPromotionRules, CI_SOURCE } from './checkPromotionRules';

/** A promotion from CI: the build enters the ladder at its lowest observed rung. */
function fromCi(
  request: { targetEnvironment: string; digest?: string },
  ladder = ladderOf({}),
  options: {
    rungs?: Parameters<typeof checkPromotionRules>[0]['rungs'];
    inFlight?: Parameters<typeof checkPromotionRules>[0]['inFlight'];
  } = {},
) {
  return checkPromotionRules({
    ladder,
    request: { ...request, fromCi: true },
    rungs: options.rungs ?? RUNG_RULES,
    inFlight: options.inFlight ?? [],
  });
}

const NEW = `sha256:${'d4'.repeat(32)}`;

describe('checkPromotionRules from CI', () => {
  it('lets a named digest into dev, the lowest observed auto-merge rung, from ci', () => {
    const result = fromCi({ targetEnvironment: 'dev', digest: NEW });
    expect(result.refusal).toBeNull();
    expect(result.sourceEnvironment).toBe(CI_SOURCE);
    expect(result.digest).toBe(NEW);
    expect(result.verdicts.map(v => [v.rule, v.passed])).toEqual([
      ['target-is-known', true],
      ['target-is-observed', true],
      ['target-accepts-ci', true],
      ['digest-is-canonical', true],
      ['target-does-not-run-digest', true],
      ['no-promotion-in-flight', true],
      ['gate', true],
    ]);
    // No source rung to read: the build comes from outside the ladder.
    expect(
      result.verdicts.find(v => v.rule === 'source-runs-digest-healthy'),
    ).toBeUndefined();
  });

  it('refuses any rung above the lowest observed one, naming target-accepts-ci', () => {
    for (const target of ['staging', 'prod']) {
      const result = fromCi({ targetEnvironment: target, digest: V2 });
      expect(result.refusal).toEqual({
        rule: 'target-accepts-ci',
        kind: 'input',
        message: `${target} is not the lowest observed rung: CI brings builds into dev, and they move up from there by promotion`,
      });
      expect(result.sourceEnvironment).toBeNull();
    }
  });

  it('refuses the lowest rung when its gate needs a person', () => {
    const rungs = RUNG_RULES.map(r =>
      r.name === 'dev'
        ? { ...r, gate: { type: 'review' as const, canaryAnalysis: false } }
        : r,
    );
    const result = fromCi(
      { targetEnvironment: 'dev', digest: NEW },
      undefined,
      {
        rungs,
      },
    );
    expect(result.refusal).toMatchObject({
      rule: 'target-accepts-ci',
      message:
        'dev is gated review: CI promotes only into a rung whose gate is auto-merge',
    });
  });

  it('needs the digest named, in canonical form', () => {
    expect(fromCi({ targetEnvironment: 'dev' }).refusal).toMatchObject({
      rule: 'digest-is-canonical',
      kind: 'input',
    });
    expect(
      fromCi({ targetEnvironment: 'dev', digest: 'sha256:abc' }).refusal,
    ).toMatchObject({ rule: 'digest-is-canonical', kind: 'input' });
  });

  it('refuses a digest dev already runs, and a second promotion in flight', () => {
    expect(
      fromCi({ targetEnvironment: 'dev', digest: V3 }).refusal,
    ).toMatchObject({ rule: 'target-does-not-run-digest' });
    expect(
      fromCi({ targetEnvironment: 'dev', digest: NEW }, undefined, {
        inFlight: [{ targetEnvironment: 'dev', state: 'pr-open', digest: V1 }],
      }).refusal,
    ).toMatchObject({ rule: 'no-promotion-in-flight', kind: 'conflict' });
  });

  it('needs a valid signature when dev requires one', () => {
    const ladder = ladderOf({
      dev: rung('dev', [V3], {
        signatures: { requirement: 'required', digests: [] },
      }),
    });
    expect(
      fromCi({ targetEnvironment: 'dev', digest: NEW }, ladder).refusal,
    ).toMatchObject({ rule: 'digest-is-signed', kind: 'precondition' });
  });

  it('leaves a person\u2019s request into dev refused as before', () => {
    const result = checkPromotionRules({
      ladder: ladderOf({}),
      request: { targetEnvironment: 'dev', digest: NEW },
      rungs: RUNG_RULES,
      inFlight: [],
    });
    expect(result.refusal?.rule).toBe('target-is-not-lowest');
  });
});
