import type { SourcedObject } from './loadFixtures';

/** An RFC 3339 timestamp in UTC as Kubernetes writes them (`2025-06-01T10:00:00Z`). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function visit(value: unknown, onString: (text: string) => string): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map(item => visit(item, onString));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, visit(item, onString)]),
    );
  }
  return value;
}

function format(ms: number, like: string): string {
  const iso = new Date(ms).toISOString();
  // Keep the fixture's precision: whole seconds stay whole seconds.
  return like.includes('.') ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Moves every timestamp of the fixtures by one offset so that the newest
 * lands on `newest`: the stories keep their order and their gaps, and their
 * ages read like a live system's (minutes to days) instead of "548d".
 * Objects are copied, never changed in place.
 */
export function shiftTimestamps(
  objects: SourcedObject[],
  newest: Date,
): SourcedObject[] {
  const found: number[] = [];
  const collect = (text: string) => {
    if (TIMESTAMP.test(text)) found.push(Date.parse(text));
    return text;
  };
  objects.forEach(({ object }) => visit(object, collect));
  const latest = found.reduce((max, t) => Math.max(max, t), -Infinity);
  if (!Number.isFinite(latest)) return objects;
  const offset = newest.getTime() - latest;
  return objects.map(({ object, source }) => ({
    source,
    object: visit(object, text =>
      TIMESTAMP.test(text) ? format(Date.parse(text) + offset, text) : text,
    ),
  }));
}
