import expected from '../__fixtures__/previews/argo-cd/pr-generator-params.expected.json';
import { slugifyBranch } from './slugifyBranch';

describe('slugifyBranch', () => {
  const cases = expected.cases.flatMap(c => {
    const out = ('expected' in c ? c.expected : c.expected_subset) as Record<
      string,
      unknown
    >;
    return [
      [c.input.branch, out.branch_slug],
      [c.input.target_branch, out.target_branch_slug],
    ].filter(([, slug]) => slug !== undefined) as Array<[string, string]>;
  });

  it.each(cases)('slugs %j as Argo CD does (%j)', (branch, slug) => {
    expect(slugifyBranch(branch)).toBe(slug);
  });

  it('cuts a long slug at the last dash within 50 characters', () => {
    // The 51st character is a dash: the first 50 are kept whole.
    const fifty = `${'a'.repeat(24)}-${'b'.repeat(25)}`;
    expect(fifty).toHaveLength(50);
    expect(slugifyBranch(`${fifty}-tail`)).toBe(fifty);
    // A dash at index 49 leaves 49 characters.
    expect(slugifyBranch(`${'a'.repeat(49)}-bcd`)).toBe('a'.repeat(49));
    // No dash at all: a hard cut.
    expect(slugifyBranch('x'.repeat(80))).toBe('x'.repeat(50));
    expect(slugifyBranch('a'.repeat(50))).toBe('a'.repeat(50));
  });

  it('applies gosimple/slug substitutions before cleaning', () => {
    expect(slugifyBranch('fix/it\'s "quoted"')).toBe('fix-its-quoted');
    expect(slugifyBranch('docs/R&D@home')).toBe('docs-randdathome');
    expect(slugifyBranch('feat/a\u2014b\u2013c')).toBe('feat-a-b-c');
    expect(slugifyBranch('  Feature/ABC__DEF  ')).toBe('feature-abc-def');
    expect(slugifyBranch('--_release/1.2.x_--')).toBe('release-1-2-x');
    expect(slugifyBranch('renovate/@backstage/cli-0.x')).toBe(
      'renovate-atbackstage-cli-0-x',
    );
  });

  it('transliterates Latin letters with diacritics', () => {
    expect(slugifyBranch('feat/café-crème')).toBe('feat-cafe-creme');
    expect(slugifyBranch('fix/Straße-Øl')).toBe('fix-strasse-ol');
  });

  it('can return an empty slug', () => {
    expect(slugifyBranch('___')).toBe('');
  });
});
