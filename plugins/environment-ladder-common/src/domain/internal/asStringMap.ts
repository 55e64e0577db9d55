import { field } from './field';

/** The string entries of an untrusted map such as `metadata.labels`; other entries are dropped. */
export function asStringMap(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return map;
  }
  for (const key of Object.keys(value)) {
    const entry = field(value, key);
    if (typeof entry === 'string') {
      map.set(key, entry);
    }
  }
  return map;
}
