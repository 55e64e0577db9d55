import type { ObjectMeta } from './readObjectMeta';

/** Objects findable by uid, or by namespace and name, as owner references point at them. */
interface IdentityIndex<T> {
  add(meta: ObjectMeta, value: T): boolean;
  find(
    namespace: string,
    reference: { uid: string | null; name: string | null },
  ): T | undefined;
}

/** Creates an index of objects by uid and by namespace/name; the first object of a name wins. */
export function indexByIdentity<T>(): IdentityIndex<T> {
  const byUid = new Map<string, T>();
  const byName = new Map<string, T>();
  return {
    add(meta, value) {
      if (!meta.name) {
        return false;
      }
      const key = `${meta.namespace}/${meta.name}`;
      if (byName.has(key)) {
        return false;
      }
      byName.set(key, value);
      if (meta.uid && !byUid.has(meta.uid)) {
        byUid.set(meta.uid, value);
      }
      return true;
    },
    find(namespace, reference) {
      // A uid that matches nothing may belong to a recreated object of the same name, so
      // the name is tried as well.
      const found = reference.uid ? byUid.get(reference.uid) : undefined;
      if (found !== undefined) {
        return found;
      }
      return reference.name
        ? byName.get(`${namespace}/${reference.name}`)
        : undefined;
    },
  };
}
