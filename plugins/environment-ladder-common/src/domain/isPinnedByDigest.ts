import { parseImageDigest } from './parseImageDigest';

/** Whether an image reference from a pod spec pins its image by digest (`repo[:tag]@sha256:<64 hex>`) rather than by tag. */
export function isPinnedByDigest(image: string): boolean {
  if (typeof image !== 'string' || /\s/.test(image)) {
    return false;
  }
  const at = image.lastIndexOf('@');
  // A spec reference has no runtime scheme, and a bare image ID is not a pin.
  return at > 0 && !image.includes('://') && parseImageDigest(image) !== null;
}
