/** The value when it is an array, else an empty one; items stay untrusted. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
