/** A plain object (as a non-nil Go struct pointer decodes from JSON), not null or an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
