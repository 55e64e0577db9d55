import type { CacheService } from '@backstage/backend-plugin-api';
import type { DigestSignature } from '@environment-ladder/plugin-environment-ladder-common';
import { createCachedSignatureVerifier } from './createCachedSignatureVerifier';

/** A CacheService over a Map with a clock the test moves. */
function memoryCache(clock: { now: number }): CacheService {
  const store = new Map<string, { value: any; until: number }>();
  const cache: CacheService = {
    async get(key) {
      const hit = store.get(key);
      return hit && hit.until > clock.now ? hit.value : undefined;
    },
    async set(key, value, options) {
      store.set(key, { value, until: clock.now + (options?.ttl as number) });
    },
    async delete(key) {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

const D = `sha256:${'a'.repeat(64)}`;
const target = { digest: D, repository: 'ghcr.io/acme/shop' };
const verdict = (status: DigestSignature['status']): DigestSignature => ({
  ...target,
  status,
  signer: status === 'signed' ? { kind: 'key', name: 'ci-2026' } : null,
  format: status === 'signed' ? 'cosign-signature' : null,
  summary: status,
  details: [],
  checkedAt: '2026-12-05T09:00:00.000Z',
});

describe('createCachedSignatureVerifier', () => {
  it('verifies a digest once however many ask at once, and keeps a valid signature', async () => {
    const clock = { now: 0 };
    let calls = 0;
    const cached = createCachedSignatureVerifier({
      verifier: {
        verify: async () => {
          calls++;
          await new Promise(resolve => setTimeout(resolve, 20));
          return verdict('signed');
        },
      },
      cache: memoryCache(clock),
      policyKey: 'p1',
      verifiedForMs: 86_400_000,
      retryAfterMs: 60_000,
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => cached.verify(target)),
    );
    expect(answers.every(a => a.status === 'signed')).toBe(true);
    expect(calls).toBe(1);
    clock.now += 3_600_000;
    await cached.verify(target);
    expect(calls).toBe(1);
  });

  it('asks again after the retry window when the answer was not a valid signature', async () => {
    const clock = { now: 0 };
    const answers: DigestSignature['status'][] = ['unavailable', 'signed'];
    let calls = 0;
    const cached = createCachedSignatureVerifier({
      verifier: { verify: async () => verdict(answers[calls++]) },
      cache: memoryCache(clock),
      policyKey: 'p1',
      verifiedForMs: 86_400_000,
      retryAfterMs: 60_000,
    });
    expect((await cached.verify(target)).status).toBe('unavailable');
    clock.now += 59_000;
    expect((await cached.verify(target)).status).toBe('unavailable');
    expect(calls).toBe(1);
    clock.now += 2_000;
    expect((await cached.verify(target)).status).toBe('signed');
    expect(calls).toBe(2);
  });
});
