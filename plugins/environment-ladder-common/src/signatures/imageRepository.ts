/**
 * The repository part of an image reference: `ghcr.io/acme/shop:1.4@sha256:…` → `ghcr.io/acme/shop`; runtime prefixes (`docker-pullable://`) are dropped.
 *
 * @public
 */
export function imageRepository(image: string): string {
  const withoutScheme = image.replace(/^[a-z][a-z0-9+.-]{0,31}:\/\//i, '');
  const withoutDigest = withoutScheme.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  // A colon after the last slash is a tag; one before it is a registry port.
  return lastColon > lastSlash
    ? withoutDigest.slice(0, lastColon)
    : withoutDigest;
}
