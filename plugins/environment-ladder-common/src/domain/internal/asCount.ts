// Older controllers and hand-written objects sometimes carry counts as strings; a
// bounded digit pattern keeps a huge string from turning into Infinity.
const DIGITS = /^\d{1,15}$/;
// Every count Kubernetes stores is at most an int64; replica
// counts are int32. Anything beyond a safe integer is garbage, not a count.
const MAX = Number.MAX_SAFE_INTEGER;

/** A non-negative integer from a number or a digit string, else null. */
export function asCount(value: unknown): number | null {
  let count: number | null = null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    count = Math.floor(value);
  } else if (typeof value === 'string' && DIGITS.test(value)) {
    count = Number(value);
  }
  return count !== null && count <= MAX ? count : null;
}
