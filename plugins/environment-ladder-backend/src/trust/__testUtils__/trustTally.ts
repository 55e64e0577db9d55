/** The categories of the trust report. */
export type TrustCategory =
  | 'bad-input'
  | 'faults'
  | 'concurrency'
  | 'leaks'
  | 'permissions'
  | 'redirects'
  | 'freezes'
  | 'rollbacks'
  | 'replicas'
  | 'ci-promotions';

/**
 * Counts the cases of one category as they run and prints
 * `trust: <category> <tried> tried, <passed> passed` after the file's tests, so that
 * the summary says what actually ran. Call once at the top level of a test file.
 */
export function trustTally(category: TrustCategory) {
  let tried = 0;
  let passed = 0;
  afterAll(() => {
    // The summary line is the point of this helper: it reports what actually ran.
    // eslint-disable-next-line no-console
    console.log(`trust: ${category} ${tried} tried, ${passed} passed`);
  });
  return {
    /** Runs one case; it counts as passed only when it returns without throwing. */
    async trial<T>(run: () => Promise<T> | T): Promise<T> {
      tried++;
      const result = await run();
      passed++;
      return result;
    },
    counts: () => ({ tried, passed }),
  };
}
