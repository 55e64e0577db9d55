import { isPinnedByDigest } from './isPinnedByDigest';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('isPinnedByDigest', () => {
  it.each([
    `ghcr.io/acme/shop@${DIGEST}`,
    `ghcr.io/acme/shop:1.4@${DIGEST}`,
    `localhost:5000/shop@${DIGEST}`,
    `shop@${DIGEST}`,
  ])('is true for %s', image => {
    expect(isPinnedByDigest(image)).toBe(true);
  });

  it.each([
    'ghcr.io/acme/shop:1.4',
    'ghcr.io/acme/shop',
    'ghcr.io/acme/shop:latest',
    DIGEST,
    `docker-pullable://ghcr.io/acme/shop@${DIGEST}`,
    `ghcr.io/acme/shop@${DIGEST.slice(0, -1)}`,
    `ghcr.io/acme/shop@sha256:${'z'.repeat(64)}`,
    ` ghcr.io/acme/shop@${DIGEST}`,
    '',
  ])('is false for %j', image => {
    expect(isPinnedByDigest(image)).toBe(false);
  });

  it('is false for values that are not strings', () => {
    expect(isPinnedByDigest(null as unknown as string)).toBe(false);
    expect(isPinnedByDigest(7 as unknown as string)).toBe(false);
  });
});
