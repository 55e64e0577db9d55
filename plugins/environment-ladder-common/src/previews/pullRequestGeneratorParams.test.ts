import expected from '../__fixtures__/previews/argo-cd/pr-generator-params.expected.json';
import { pullRequestGeneratorParams } from './pullRequestGeneratorParams';

type FixtureInput = {
  number: number;
  title: string;
  branch: string;
  target_branch: string;
  head_sha: string;
  author?: string;
  labels?: string[];
  generator_values?: Record<string, string>;
};

const toInput = (input: FixtureInput) => ({
  number: input.number,
  title: input.title,
  branch: input.branch,
  targetBranch: input.target_branch,
  headSha: input.head_sha,
  author: input.author,
  labels: input.labels,
});

describe('pullRequestGeneratorParams', () => {
  const exact = expected.cases.filter(c => 'expected' in c);
  it.each(exact.map(c => [c.input.branch, c] as const))(
    'gives exactly the fixture parameters for %s',
    (_, c) => {
      const input = c.input as FixtureInput;
      expect(
        pullRequestGeneratorParams(toInput(input), {
          values: input.generator_values,
        }),
      ).toEqual((c as { expected: unknown }).expected);
    },
  );

  it('adds labels for Go-template ApplicationSets (the goTemplate case)', () => {
    const c = expected.cases.find(x => 'expected_subset' in x)!;
    const params = pullRequestGeneratorParams(
      toInput(c.input as FixtureInput),
      {
        goTemplate: true,
      },
    );
    expect(params).toMatchObject(
      (c as { expected_subset: Record<string, unknown> }).expected_subset,
    );
    expect(params.author).toBe('');
  });

  it('covers every case of the fixture', () => {
    expect(expected.cases).toHaveLength(5);
  });

  it('leaves labels out for fasttemplate ApplicationSets', () => {
    const params = pullRequestGeneratorParams({
      number: 7,
      branch: 'b',
      targetBranch: 'main',
      headSha: 'abc',
      labels: ['preview'],
    });
    expect(params).not.toHaveProperty('labels');
    expect(params.head_short_sha).toBe('abc');
    expect(params.head_short_sha_7).toBe('abc');
  });

  it('keeps unknown fasttemplate tags as written and renders known ones', () => {
    const params = pullRequestGeneratorParams(
      {
        number: 3,
        branch: 'feat/x',
        targetBranch: 'main',
        headSha: 'abcdef0123',
      },
      {
        values: {
          host: 'pr-{{number}}.{{ branch_slug }}.example.com',
          other: '{{ .branch }} {{nope}} {{ }}',
          plain: 'no template',
        },
      },
    );
    expect(params['values.host']).toBe('pr-3.feat-x.example.com');
    expect(params['values.other']).toBe('{{ .branch }} {{nope}} {{ }}');
    expect(params['values.plain']).toBe('no template');
    expect(params.values).toBeUndefined();
  });

  it('nests values under `values` with Go templates', () => {
    const params = pullRequestGeneratorParams(
      {
        number: 3,
        branch: 'feat/x',
        targetBranch: 'main',
        headSha: 'abcdef0123',
        labels: ['preview', 'db'],
      },
      {
        goTemplate: true,
        values: {
          name: 'app-{{ .branch_slug }}-{{.number}}',
          tags: '{{- .labels -}}',
        },
      },
    );
    expect(params.values).toEqual({
      name: 'app-feat-x-3',
      tags: '[preview db]',
    });
    expect(Object.keys(params)).not.toContain('values.name');
  });

  it('fails like Argo CD on missing keys with missingkey=error, else prints <no value>', () => {
    const pr = { number: 1, branch: 'b', targetBranch: 'main', headSha: 'abc' };
    expect(() =>
      pullRequestGeneratorParams(pr, {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        values: { x: '{{ .nope }}' },
      }),
    ).toThrow('map has no entry for key "nope"');
    expect(
      pullRequestGeneratorParams(pr, {
        goTemplate: true,
        values: { x: '{{ .nope }}' },
      }).values,
    ).toEqual({ x: '<no value>' });
    expect(
      pullRequestGeneratorParams(pr, {
        goTemplate: true,
        values: { x: '{{ .constructor }}' },
      }).values,
    ).toEqual({ x: '<no value>' });
  });

  it('refuses Go template functions it cannot evaluate', () => {
    expect(() =>
      pullRequestGeneratorParams(
        { number: 1, branch: 'b', targetBranch: 'main', headSha: 'abc' },
        { goTemplate: true, values: { x: '{{ .branch | upper }}' } },
      ),
    ).toThrow('Unsupported Go template expression');
  });
});
