import { isCanonicalDigest } from './isCanonicalDigest';
import { isPromotionInFlight, isPromotionTerminal } from './promotionStates';

describe('isCanonicalDigest', () => {
  it('accepts sha256: and 64 lowercase hex', () => {
    expect(isCanonicalDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe(
      true,
    );
  });
  it.each([
    `sha256:${'0123456789ABCDEF'.repeat(4)}`,
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'a'.repeat(65)}`,
    `sha512:${'a'.repeat(128)}`,
    `SHA256:${'a'.repeat(64)}`,
    `sha256:${'g'.repeat(64)}`,
    `ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`,
    `sha256:${'a'.repeat(64)}\n`,
    ` sha256:${'a'.repeat(64)}`,
    'latest',
    '',
    undefined,
    42,
  ])('refuses %j', value => {
    expect(isCanonicalDigest(value)).toBe(false);
  });
});

describe('promotion states', () => {
  it('splits states into in flight and terminal', () => {
    expect(
      ['requested', 'pr-open', 'merged', 'running'].every(isPromotionInFlight),
    ).toBe(true);
    expect(
      ['verified', 'rejected', 'failed', 'superseded'].every(
        isPromotionTerminal,
      ),
    ).toBe(true);
    expect(
      ['verified', 'rejected', 'failed', 'superseded'].some(
        isPromotionInFlight,
      ),
    ).toBe(false);
    expect(
      ['requested', 'pr-open', 'merged', 'running'].some(isPromotionTerminal),
    ).toBe(false);
    expect(isPromotionInFlight('unknown')).toBe(false);
  });
});
