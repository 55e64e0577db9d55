import type { DigestSigner } from './types';

/**
 * The signer in words: `ci-2026` for a key, `workflow acme/checkout/.github/workflows/release.yml@refs/heads/main via keyless`
 * for a keyless identity (the GitHub URL prefix is dropped: the identity is what matters).
 *
 * @public
 */
export function describeSigner(signer: DigestSigner): string {
  if (signer.kind === 'key') return signer.name;
  const subject = signer.subject.replace(/^https:\/\/github\.com\//, '');
  return `workflow ${subject} via keyless`;
}
