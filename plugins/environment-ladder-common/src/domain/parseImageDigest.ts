import type { Digest } from '../types';

// Runtimes prefix `imageID` with their own scheme: `docker-pullable://`, `docker://`,
// `containerd://`, `cri-o://`; containerd itself reports a plain `repo@sha256:…`.
const RUNTIME_SCHEME = /^[a-z][a-z0-9+.-]{0,31}:\/\//i;
const SHA256 = /^sha256:[0-9a-f]{64}$/i;
// Far above any real reference (a repository name is at most 255 characters); longer
// input is hostile or broken and is not worth scanning.
const MAX_LENGTH = 2048;

/**
 * Reads the digest from a container status `imageID` (any runtime prefix), as canonical `sha256:<64 lowercase hex>`, or null.
 *
 * @remarks
 * Accepted: `docker-pullable://repo@sha256:…`, `repo@sha256:…` (containerd), any other
 * `scheme://repo@sha256:…`, and a bare image ID `sha256:…` with or without `docker://`.
 * The bare image ID is what Docker reports for images it did not pull by reference (built
 * locally, or an old dockershim): it names the image configuration, not the registry
 * manifest, so it is immutable and comparable between pods of the same runtime, but it
 * will not equal the manifest digest a registry (or a pinned spec) shows. We still count it
 * as a digest, because it identifies exactly what runs; the ladder then reports such a rung
 * as running a digest that never ran below rather than pretending to know nothing.
 * Null: empty input, a tag without digest, another algorithm (`sha512:`), a wrong length,
 * non-hex characters, anything after the digest, or input longer than 2048 characters.
 * Upper-case hex is accepted and lower-cased.
 */
export function parseImageDigest(imageID: string): Digest | null {
  if (typeof imageID !== 'string' || imageID.length > MAX_LENGTH) {
    return null;
  }
  const reference = imageID.trim().replace(RUNTIME_SCHEME, '');
  const at = reference.lastIndexOf('@');
  if (at === 0) {
    return null;
  }
  const candidate = at > 0 ? reference.slice(at + 1) : reference;
  return SHA256.test(candidate) ? candidate.toLowerCase() : null;
}
