import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import expected from '../__fixtures__/previews/argo-cd/pr-generator-params.expected.json';
import { pullRequestGeneratorParams } from './pullRequestGeneratorParams';
import { renderPreviewName } from './renderPreviewName';

const example = (file: string) =>
  parse(
    readFileSync(
      resolve(
        __dirname,
        '../__fixtures__/previews/argo-cd/applicationset/examples/pull-request-generator',
        file,
      ),
      'utf8',
    ),
  );

describe('renderPreviewName', () => {
  const first = expected.cases[0].expected as Record<string, string>;

  it.each([
    'pull-request-example.yaml',
    'pull-request-example-fasttemplate.yaml',
  ])('renders the names of %s', file => {
    const template = example(file).spec.template;
    expect(renderPreviewName(template.metadata.name, first)).toBe(
      'myapp-branch1-1',
    );
    expect(renderPreviewName(template.spec.destination.namespace, first)).toBe(
      'branch1-1',
    );
  });

  it('renders what the generator computed', () => {
    const params = pullRequestGeneratorParams({
      number: 41,
      branch: 'feature/bulk_import',
      targetBranch: 'main',
      headSha: '3f1c2a9b7d4e5f60718293a4b5c6d7e8f9012345',
    });
    expect(
      renderPreviewName('inventory-{{ .branch_slug }}-{{ .number }}', params),
    ).toBe('inventory-feature-bulk-import-41');
    expect(
      renderPreviewName('pr-{{number}}-{{head_short_sha_7}}', params),
    ).toBe('pr-41-3f1c2a9');
  });

  it('reads values flattened (fasttemplate) or nested (Go template)', () => {
    expect(renderPreviewName('{{values.name}}', { 'values.name': 'a' })).toBe(
      'a',
    );
    expect(
      renderPreviewName('{{ .values.name }}', { values: { name: 'b' } }),
    ).toBe('b');
  });

  it('throws when a parameter has no value, naming it', () => {
    expect(() =>
      renderPreviewName('x-{{ .branch_slug }}', { number: '1' }),
    ).toThrow('parameter "branch_slug" has no value');
  });

  it('throws on unknown parameters', () => {
    expect(() => renderPreviewName('x-{{ .pr }}', { number: '1' })).toThrow(
      'unknown parameter "pr"',
    );
  });
});
