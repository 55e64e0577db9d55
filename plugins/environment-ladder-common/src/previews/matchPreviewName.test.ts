import expected from '../__fixtures__/previews/argo-cd/pr-generator-params.expected.json';
import { matchPreviewName } from './matchPreviewName';
import { renderPreviewName } from './renderPreviewName';

describe('matchPreviewName', () => {
  it('reads the number and branch slug back from a preview name', () => {
    expect(
      matchPreviewName(
        'inventory-{{branch_slug}}-{{number}}',
        'inventory-feature-bulk-import-41',
      ),
    ).toEqual({ branch_slug: 'feature-bulk-import', number: '41' });
  });

  it('takes the number as the last digits and gives the rest to the branch', () => {
    expect(
      matchPreviewName(
        'inventory-{{ .branch_slug }}-{{ .number }}',
        'inventory-fix-2-41',
      ),
    ).toEqual({ branch_slug: 'fix-2', number: '41' });
    expect(
      matchPreviewName('myapp-{{branch}}-{{number}}', 'myapp-release-2024-7'),
    ).toEqual({ branch: 'release-2024', number: '7' });
  });

  it.each(
    expected.cases
      .filter(c => 'expected' in c)
      .map(c => [(c as { expected: Record<string, string> }).expected]),
  )('inverts renderPreviewName for %j', params => {
    for (const template of [
      'myapp-{{ branch_slug }}-{{ number }}',
      'pr-{{.number}}-{{.head_short_sha}}',
      '{{ .branch_slug }}-{{ .head_short_sha_7 }}',
      't-{{target_branch_slug}}-s-{{branch_slug}}-n-{{number}}',
    ]) {
      const name = renderPreviewName(template, params);
      const back = matchPreviewName(template, name)!;
      expect(back).not.toBeNull();
      for (const [key, value] of Object.entries(back)) {
        expect(value).toBe(params[key]);
      }
    }
  });

  it.each([
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-prod'],
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-feature-x-41a'],
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-Feature-41'],
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-feature--41'],
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-feature-041'],
    ['inventory-{{branch_slug}}-{{number}}', 'payments-feature-41'],
    ['inventory-{{branch_slug}}-{{number}}', 'inventory-feature-41-extra'],
    ['pr-{{number}}-{{head_short_sha}}', 'pr-4-3f1c2a9b7'],
    ['pr-{{number}}-{{head_short_sha}}', 'pr-4-xyz'],
  ])('does not match %s with %s', (template, name) => {
    expect(matchPreviewName(template, name)).toBeNull();
  });

  it('limits a branch slug to 50 characters', () => {
    const slug = `${'a'.repeat(25)}-${'b'.repeat(24)}`;
    expect(
      matchPreviewName('p-{{branch_slug}}-{{number}}', `p-${slug}-1`),
    ).toEqual({
      branch_slug: slug,
      number: '1',
    });
    expect(
      matchPreviewName('p-{{branch_slug}}-{{number}}', `p-${slug}c-1`),
    ).toBeNull();
  });

  it('requires repeated parameters to agree', () => {
    const template = '{{number}}-{{branch_slug}}-{{number}}';
    expect(matchPreviewName(template, '12-x-12')).toEqual({
      number: '12',
      branch_slug: 'x',
    });
    expect(matchPreviewName(template, '12-x-13')).toBeNull();
  });

  it('requires related parameters to agree', () => {
    expect(
      matchPreviewName('{{branch}}.{{branch_slug}}', 'my_branch.my-branch'),
    ).toEqual({ branch: 'my_branch', branch_slug: 'my-branch' });
    expect(
      matchPreviewName('{{branch}}.{{branch_slug}}', 'my_branch.other'),
    ).toBeNull();
    expect(
      matchPreviewName(
        '{{head_sha}}.{{head_short_sha}}',
        'abcdef0123.abcdef01',
      ),
    ).toEqual({ head_sha: 'abcdef0123', head_short_sha: 'abcdef01' });
    expect(
      matchPreviewName(
        '{{head_sha}}.{{head_short_sha}}',
        'abcdef0123.abcdef02',
      ),
    ).toBeNull();
  });

  it('treats template text literally, dots included', () => {
    expect(matchPreviewName('pr.{{number}}', 'prx41')).toBeNull();
    expect(matchPreviewName('pr.{{number}}', 'pr.41')).toEqual({
      number: '41',
    });
    expect(matchPreviewName('(a)+{{number}}', '(a)+1')).toEqual({
      number: '1',
    });
  });

  it('throws on an invalid template, naming the parameter', () => {
    expect(() => matchPreviewName('inventory-{{pr}}', 'inventory-1')).toThrow(
      'unknown parameter "pr"',
    );
  });
});
