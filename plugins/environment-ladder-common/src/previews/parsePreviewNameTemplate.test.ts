import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';

describe('parsePreviewNameTemplate', () => {
  it.each([
    'myapp-{{branch}}-{{number}}',
    'myapp-{{ branch }}-{{ number }}',
    'myapp-{{.branch}}-{{.number}}',
    'myapp-{{ .branch }}-{{ .number }}',
    'myapp- {{- .branch -}} -{{.number}}',
  ])('reads %s as text and parameters', template => {
    expect(parsePreviewNameTemplate(template)).toEqual([
      { kind: 'text', text: 'myapp-' },
      { kind: 'parameter', name: 'branch', source: expect.any(String) },
      { kind: 'text', text: '-' },
      { kind: 'parameter', name: 'number', source: expect.any(String) },
    ]);
  });

  it('keeps the written form of each reference', () => {
    expect(parsePreviewNameTemplate('{{ .head_short_sha }}')).toEqual([
      {
        kind: 'parameter',
        name: 'head_short_sha',
        source: '{{ .head_short_sha }}',
      },
    ]);
  });

  it('accepts generator values in both styles', () => {
    expect(
      parsePreviewNameTemplate('{{values.name}}/{{ .values.pr_branch }}').map(
        p => (p.kind === 'parameter' ? p.name : p.text),
      ),
    ).toEqual(['values.name', '/', 'values.pr_branch']);
  });

  it('accepts extra parameters when asked to (PR URL templates)', () => {
    expect(
      parsePreviewNameTemplate(
        'https://github.com/{{owner}}/{{repo}}/pull/{{number}}',
        ['owner', 'repo'],
      ),
    ).toHaveLength(6);
    expect(() => parsePreviewNameTemplate('{{owner}}')).toThrow(
      'unknown parameter "owner"',
    );
  });

  it.each([
    ['myapp-{{branch}', 'without a closing "}}"'],
    ['myapp-{{ }}', 'not a plain parameter reference'],
    ['{{ index .labels 0 }}', 'not a plain parameter reference'],
    ['{{ .branch | lower }}', 'not a plain parameter reference'],
    ['{{ trunc 10 .branch }}', 'not a plain parameter reference'],
    ['{{ .labels }}', '"labels", which is a list'],
    ['app-{{ .pr_number }}', 'unknown parameter "pr_number"'],
    ['app-{{branchSlug}}', 'unknown parameter "branchSlug"'],
  ])('rejects %s', (template, message) => {
    expect(() => parsePreviewNameTemplate(template)).toThrow(message);
  });
});
