import type { ObjectMeta } from './readObjectMeta';

/** The reference to the owner of the given kinds, the controlling one first. */
export function findOwner(
  meta: ObjectMeta,
  kinds: readonly string[],
): ObjectMeta['ownerReferences'][number] | null {
  let fallback: ObjectMeta['ownerReferences'][number] | null = null;
  for (const reference of meta.ownerReferences) {
    if (!kinds.includes(reference.kind)) {
      continue;
    }
    if (reference.controller) {
      return reference;
    }
    fallback ??= reference;
  }
  return fallback;
}
