import { unifiedDiff } from './unifiedDiff';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', { path: 'x.yaml' })).toBe('');
  });

  it('shows one changed line with three lines of context', () => {
    const before = ['1', '2', '3', '4', 'old', '6', '7', '8', '9', ''].join(
      '\n',
    );
    const after = before.replace('old', 'new');
    expect(unifiedDiff(before, after, { path: 'apps/shop/values.yaml' })).toBe(
      [
        '--- a/apps/shop/values.yaml',
        '+++ b/apps/shop/values.yaml',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-old',
        '+new',
        ' 6',
        ' 7',
        ' 8',
        '',
      ].join('\n'),
    );
  });

  it('shows added lines at the end of a file', () => {
    expect(
      unifiedDiff('a\nb\n', 'a\nb\nc\n', { path: 'k.yaml', context: 1 }),
    ).toBe(
      ['--- a/k.yaml', '+++ b/k.yaml', '@@ -2,1 +2,2 @@', ' b', '+c', ''].join(
        '\n',
      ),
    );
  });

  it('counts an empty original side as the line before', () => {
    expect(unifiedDiff('', 'a\n', { path: 'k.yaml' })).toBe(
      ['--- a/k.yaml', '+++ b/k.yaml', '@@ -0,0 +1,1 @@', '+a', ''].join('\n'),
    );
  });
});
