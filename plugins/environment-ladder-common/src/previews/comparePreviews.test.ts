import { comparePreviews } from './comparePreviews';
import { PreviewEnvironment } from './types';

const preview = (
  prNumber: number | null,
  createdAt: string | null,
  namespace = `ns-${prNumber}`,
): PreviewEnvironment => ({
  namespace,
  applicationName: null,
  prNumber,
  branch: null,
  branchSlug: null,
  headSha: null,
  prUrl: null,
  prState: 'unknown',
  title: null,
  digest: null,
  health: 'Unknown',
  createdAt,
  urls: [],
  flags: [],
});

describe('comparePreviews', () => {
  it('puts the newest first, then those without a time by pull request number', () => {
    const sorted = [
      preview(3, '2025-06-01T00:00:00Z'),
      preview(null, null, 'a'),
      preview(7, null),
      preview(5, '2025-06-02T00:00:00Z'),
      preview(9, null),
      preview(1, 'not a time'),
    ].sort(comparePreviews);
    expect(sorted.map(p => p.prNumber ?? p.namespace)).toEqual([
      5,
      3,
      9,
      7,
      1,
      'a',
    ]);
  });
});
