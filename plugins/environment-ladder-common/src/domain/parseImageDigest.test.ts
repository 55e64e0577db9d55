import { parseImageDigest } from './parseImageDigest';

const HEX = '4bcf5e7b3c1e8f0a9d2b6c7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a';
const DIGEST = `sha256:${HEX}`;

describe('parseImageDigest', () => {
  it.each([
    ['dockershim', `docker-pullable://ghcr.io/acme/shop@${DIGEST}`],
    ['containerd', `ghcr.io/acme/shop@${DIGEST}`],
    ['containerd with a tag kept', `ghcr.io/acme/shop:1.4@${DIGEST}`],
    ['a registry with a port', `registry.local:5000/acme/shop@${DIGEST}`],
    ['cri-o style scheme', `cri-o://quay.io/acme/shop@${DIGEST}`],
    ['surrounding whitespace', `  docker-pullable://acme/shop@${DIGEST}\n`],
    ['upper-case hex', `acme/shop@sha256:${HEX.toUpperCase()}`],
  ])('reads the digest from %s', (_name, imageID) => {
    expect(parseImageDigest(imageID)).toBe(DIGEST);
  });

  it('counts a Docker image ID (docker://sha256:…) and a bare sha256:… as digests', () => {
    expect(parseImageDigest(`docker://${DIGEST}`)).toBe(DIGEST);
    expect(parseImageDigest(DIGEST)).toBe(DIGEST);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   '],
    ['a tag only', 'ghcr.io/acme/shop:1.4'],
    ['a scheme only', 'docker-pullable://'],
    ['no repository before @', `@${DIGEST}`],
    ['another algorithm', `acme/shop@sha512:${HEX}${HEX}`],
    ['too short', `acme/shop@sha256:${HEX.slice(1)}`],
    ['too long', `acme/shop@sha256:${HEX}0`],
    ['not hex', `acme/shop@sha256:${HEX.slice(1)}g`],
    ['trailing text', `acme/shop@${DIGEST}:latest`],
    ['a missing algorithm', `acme/shop@${HEX}`],
    ['huge input', `docker-pullable://${'a'.repeat(1_000_000)}@${DIGEST}`],
  ])('returns null for %s', (_name, imageID) => {
    expect(parseImageDigest(imageID)).toBeNull();
  });

  it('returns null for values that are not strings', () => {
    for (const value of [null, undefined, 42, {}, [], true]) {
      expect(parseImageDigest(value as unknown as string)).toBeNull();
    }
  });

  it('takes a pathological string quickly', () => {
    const start = Date.now();
    parseImageDigest(`${'@'.repeat(2000)}`);
    parseImageDigest(`${'a:/'.repeat(600)}`);
    expect(Date.now() - start).toBeLessThan(50);
  });
});
