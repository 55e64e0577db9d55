import { readFileSync, readdirSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { validatePreviewNameTemplate } from './validatePreviewNameTemplate';

const examples = resolve(
  __dirname,
  '../__fixtures__/previews/argo-cd/applicationset/examples/pull-request-generator',
);

describe('validatePreviewNameTemplate', () => {
  it.each(readdirSync(examples))(
    "accepts the Argo CD example %s's Application and namespace names",
    file => {
      const appSet = parse(readFileSync(resolve(examples, file), 'utf8'));
      expect(() =>
        validatePreviewNameTemplate(appSet.spec.template.metadata.name),
      ).not.toThrow();
      expect(() =>
        validatePreviewNameTemplate(
          appSet.spec.template.spec.destination.namespace,
        ),
      ).not.toThrow();
    },
  );

  it('names the unknown parameter', () => {
    expect(() =>
      validatePreviewNameTemplate('inventory-{{branch}}-{{pr}}'),
    ).toThrow(/unknown parameter "pr"/);
  });

  it('refuses a template without parameters', () => {
    expect(() => validatePreviewNameTemplate('inventory-preview')).toThrow(
      'uses no parameter',
    );
  });

  it('refuses parameters that touch, since a name could not be split back', () => {
    expect(() =>
      validatePreviewNameTemplate('app-{{branch_slug}}{{number}}'),
    ).toThrow('parameters "branch_slug" and "number" next to each other');
  });

  it('accepts every generator parameter except labels', () => {
    expect(() =>
      validatePreviewNameTemplate(
        '{{number}}.{{title}}.{{branch}}.{{branch_slug}}.{{target_branch}}.{{target_branch_slug}}.' +
          '{{head_sha}}.{{head_short_sha}}.{{head_short_sha_7}}.{{author}}.{{values.x}}',
      ),
    ).not.toThrow();
  });
});
