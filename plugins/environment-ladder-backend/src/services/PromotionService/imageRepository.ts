/** The repository part of an image reference: `ghcr.io/acme/shop:1.4@sha256:…` → `ghcr.io/acme/shop`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  // A colon after the last slash is a tag; one before it is a registry port.
  return lastColon > lastSlash
    ? withoutDigest.slice(0, lastColon)
    : withoutDigest;
}
