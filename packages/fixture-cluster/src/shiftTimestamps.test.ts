import path from 'node:path';
import { loadFixtureDir } from './loadFixtures';
import { shiftTimestamps } from './shiftTimestamps';

const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');

function timestamps(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value)) found.push(value);
  } else if (Array.isArray(value)) {
    value.forEach(item => timestamps(item, found));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach(item => timestamps(item, found));
  }
  return found;
}

describe('shiftTimestamps', () => {
  it('moves the newest timestamp to the given instant, keeping every gap and the order', () => {
    const objects = [
      {
        source: 'a.yaml',
        object: {
          metadata: { name: 'a', creationTimestamp: '2025-06-01T10:00:00Z' },
          status: {
            startTime: '2025-06-03T10:00:00.500Z',
            message: 'not a timestamp: 2025-06-01T10:00:00Z',
          },
        },
      },
      {
        source: 'b.yaml',
        object: { items: [{ lastTransitionTime: '2025-06-04T10:00:00Z' }] },
      },
    ];
    const shifted = shiftTimestamps(
      objects,
      new Date('2026-12-05T08:55:00.000Z'),
    );
    expect(shifted).toEqual([
      {
        source: 'a.yaml',
        object: {
          metadata: { name: 'a', creationTimestamp: '2026-12-02T08:55:00Z' },
          status: {
            startTime: '2026-12-04T08:55:00.500Z',
            message: 'not a timestamp: 2025-06-01T10:00:00Z',
          },
        },
      },
      {
        source: 'b.yaml',
        object: { items: [{ lastTransitionTime: '2026-12-05T08:55:00Z' }] },
      },
    ]);
    // The input is left as it was.
    expect(objects[1].object.items?.[0].lastTransitionTime).toBe(
      '2025-06-04T10:00:00Z',
    );
  });

  it('shifts the real stories so that their ages read minutes to days', () => {
    const { objects } = loadFixtureDir(EXAMPLES);
    const now = new Date('2026-12-05T09:00:00Z');
    const before = timestamps(objects.map(o => o.object)).map(Date.parse);
    const after = timestamps(
      shiftTimestamps(objects, new Date(now.getTime() - 5 * 60_000)).map(
        o => o.object,
      ),
    ).map(Date.parse);
    expect(after).toHaveLength(before.length);
    expect(Math.max(...after)).toBe(now.getTime() - 5 * 60_000);
    // The same gaps between any two timestamps as before.
    const offset = after[0] - before[0];
    expect(after.every((t, i) => t - before[i] === offset)).toBe(true);
    // Clusters and namespaces are old; what runs in them is days old at most.
    const ages = after
      .map(t => (now.getTime() - t) / 86_400_000)
      .sort((a, b) => a - b);
    expect(ages[0]).toBeCloseTo(5 / 1440);
    expect(ages[Math.floor(ages.length / 2)]).toBeLessThan(14);
    expect(before.every(t => now.getTime() - t > 365 * 86_400_000)).toBe(true);
  });
});
