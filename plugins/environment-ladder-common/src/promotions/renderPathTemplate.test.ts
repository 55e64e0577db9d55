import { renderPathTemplate } from './renderPathTemplate';

const values = { name: 'shop', environment: 'prod', namespace: 'shop-prod' };

describe('renderPathTemplate', () => {
  it('fills the placeholders', () => {
    expect(
      renderPathTemplate(
        'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
        values,
      ),
    ).toBe('apps/shop/overlays/prod/kustomization.yaml');
    expect(
      renderPathTemplate(
        'clusters/{{ environment }}/{{namespace}}/{{name}}.values.yaml',
        values,
      ),
    ).toBe('clusters/prod/shop-prod/shop.values.yaml');
    expect(renderPathTemplate('fixed/values.yaml', values)).toBe(
      'fixed/values.yaml',
    );
  });

  it.each([
    ['/apps/{{name}}/values.yaml', 'it is absolute'],
    ['apps/../{{name}}/values.yaml', 'it contains a .. segment'],
    ['apps/./{{name}}/values.yaml', 'it contains a . segment'],
    ['apps\\{{name}}\\values.yaml', 'it contains a backslash'],
    ['apps//{{name}}/values.yaml', 'segment 2 is empty'],
    ['apps/{{name}}/', 'segment 3 is empty'],
    ['', 'it is empty'],
    ['C:/apps/{{name}}', 'it starts with a drive letter'],
    ['apps/{{name}}\n/values.yaml', 'it contains control characters'],
  ])('refuses the template %j: %s', (template, problem) => {
    expect(() => renderPathTemplate(template, values)).toThrow(problem);
  });

  it('names unknown placeholders and unbalanced braces', () => {
    expect(() =>
      renderPathTemplate('apps/{{team}}/values.yaml', values),
    ).toThrow(
      'Path template "apps/{{team}}/values.yaml" uses the unknown placeholder {{team}}; known: {{name}}, {{environment}}, {{namespace}}',
    );
    expect(() =>
      renderPathTemplate('apps/{{name}/values.yaml', values),
    ).toThrow('unbalanced');
    expect(() =>
      renderPathTemplate('apps/{{name}}}/values.yaml', values),
    ).toThrow('unbalanced');
  });

  it.each([
    [{ name: 'a/b' }, '{{name}}', 'the value "a/b" contains a path separator'],
    [{ name: 'a\\b' }, '{{name}}', 'contains a path separator'],
    [{ name: '..' }, '{{name}}', 'the value ".." contains ..'],
    [{ name: 'x..y' }, '{{name}}', 'contains ..'],
    [{ name: '' }, '{{name}}', 'the value is missing'],
    [
      { environment: 'prod us' },
      '{{environment}}',
      'contains characters other than letters, digits',
    ],
    [{ namespace: undefined }, '{{namespace}}', 'Cannot fill {{namespace}}'],
  ])('refuses the values %j', (override, placeholder, message) => {
    expect(() =>
      renderPathTemplate(`apps/${placeholder}/values.yaml`, {
        ...values,
        ...override,
      } as typeof values),
    ).toThrow(message);
  });

  it('refuses a value that renders into a . segment', () => {
    expect(() =>
      renderPathTemplate('apps/{{name}}/values.yaml', { ...values, name: '.' }),
    ).toThrow('it contains a . segment');
  });
});
