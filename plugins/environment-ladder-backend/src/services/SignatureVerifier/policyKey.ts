import crypto from 'node:crypto';
import type { SignaturesConfig } from '../../config/readSignaturesConfig';

/** A short hash of what decides a verdict (trusted keys, identities, root, registries' URLs). */
export function policyKey(config: SignaturesConfig): string {
  const hash = crypto.createHash('sha256');
  for (const key of config.keys) {
    hash.update(key.name);
    hash.update(
      key.publicKey.export({ format: 'der', type: 'spki' }) as Buffer,
    );
  }
  for (const identity of config.identities) {
    hash.update(`${identity.name}\n${identity.issuer}\n${identity.subject}\n`);
  }
  hash.update(JSON.stringify(config.trustedRoot ?? null));
  for (const registry of config.registries) {
    hash.update(`${registry.host}=${registry.url}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
