import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { SignaturesConfig } from '../../config/readSignaturesConfig';
import type { LadderService } from '../LadderService/types';
import { createCachedSignatureVerifier } from './createCachedSignatureVerifier';
import { createRegistryClient } from './createRegistryClient';
import { createSignatureVerifier } from './createSignatureVerifier';
import { createSignedLadderService } from './createSignedLadderService';
import { policyKey } from './policyKey';

/**
 * The ladder service with signature verdicts on every digest, when
 * `environmentLadder.signatures` is configured; the service unchanged otherwise.
 */
export function withSignatureChecks(options: {
  ladderService: LadderService;
  signatures: SignaturesConfig | undefined;
  cache: CacheService;
  logger: LoggerService;
  fetch?: typeof fetch;
}): LadderService {
  const { signatures, logger } = options;
  if (!signatures) return options.ladderService;
  logger.info('Signature checks enabled', {
    keys: signatures.keys.map(k => k.name).join(', '),
    identities: signatures.identities.length,
    registries: signatures.registries.map(r => r.host).join(', '),
  });
  const registry = createRegistryClient({
    registries: signatures.registries,
    timeoutMs: signatures.timeoutMs,
    fetch: options.fetch,
  });
  const verifier = createCachedSignatureVerifier({
    verifier: createSignatureVerifier({ config: signatures, registry }),
    cache: options.cache,
    policyKey: policyKey(signatures),
    verifiedForMs: signatures.verifiedForMs,
    retryAfterMs: signatures.retryAfterMs,
  });
  return createSignedLadderService({
    ladderService: options.ladderService,
    verifier,
    requirements: signatures.rungs,
    waitMs: signatures.timeoutMs,
  });
}
