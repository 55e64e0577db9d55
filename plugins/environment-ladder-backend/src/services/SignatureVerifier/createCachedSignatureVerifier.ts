import type { CacheService } from '@backstage/backend-plugin-api';
import type { DigestSignature } from '@environment-ladder/plugin-environment-ladder-common';
import type { SignatureVerifier } from './types';

/**
 * Keeps verdicts in the plugin's cache (shared by every instance when it is Redis): a
 * valid signature for `verifiedForMs` (a digest's signature does not change), any other
 * verdict for `retryAfterMs`, after which the registry is asked again. Concurrent
 * requests for one digest in this instance share one verification, so the registry sees
 * at most one verification per digest per window however many viewers ask.
 * `policyKey` (a hash of the trusted keys and identities) is part of the cache key: a
 * changed policy is never answered from old verdicts.
 */
export function createCachedSignatureVerifier(options: {
  verifier: SignatureVerifier;
  cache: CacheService;
  policyKey: string;
  verifiedForMs: number;
  retryAfterMs: number;
}): SignatureVerifier {
  const { verifier, cache, policyKey } = options;
  const inFlight = new Map<string, Promise<DigestSignature>>();

  return {
    async verify(target) {
      const key = `signature/v1/${policyKey}/${target.repository}@${target.digest}`;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const cached = (await cache.get(key).catch(() => undefined)) as
        | DigestSignature
        | undefined;
      if (cached) return cached;
      const again = inFlight.get(key);
      if (again) return again;
      const verification = verifier
        .verify(target)
        .then(async verdict => {
          const ttl =
            verdict.status === 'signed'
              ? options.verifiedForMs
              : options.retryAfterMs;
          // A cache that fails costs a verification, never the verdict.
          await cache.set(key, verdict as any, { ttl }).catch(() => undefined);
          return verdict;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, verification);
      return verification;
    },
  };
}
