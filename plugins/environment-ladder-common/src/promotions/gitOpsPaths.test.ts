import {
  matchesPathGlob,
  pathGlobProblem,
  repositoryPathProblem,
  templatePlaceholders,
} from './gitOpsPaths';

describe('repositoryPathProblem', () => {
  it('accepts a normalised relative path', () => {
    expect(
      repositoryPathProblem('apps/shop/overlays/prod/kustomization.yaml'),
    ).toBeNull();
    expect(repositoryPathProblem('values-prod.yaml')).toBeNull();
  });

  it.each([
    ['', 'it is empty'],
    ['/apps/shop.yaml', 'it is absolute'],
    ['apps/../payments.yaml', 'it contains a .. segment'],
    ['apps/./shop.yaml', 'it contains a . segment'],
    ['apps//shop.yaml', 'segment 2 is empty'],
    ['apps/shop/', 'segment 3 is empty'],
    ['apps/..%2Fpayments.yaml', 'percent-encoded'],
    ['apps/%2e%2e/payments.yaml', 'percent-encoded'],
    ['apps\\..\\payments.yaml', 'backslash'],
    ['apps/..\uff0fpayments.yaml', 'characters other than'],
    ['apps/shop prod.yaml', 'characters other than'],
    ['apps/shop\n.yaml', 'characters other than'],
    ['.git/config', 'it points into .git'],
    ['apps/.GIT/hooks', 'it points into .git'],
    [`${'a/'.repeat(600)}x`, 'longer than 1024'],
  ])('refuses %j: %s', (path, problem) => {
    expect(repositoryPathProblem(path)).toContain(problem);
  });
});

describe('matchesPathGlob', () => {
  it.each([
    ['apps/shop/prod/*.yaml', 'apps/shop/prod/kustomization.yaml', true],
    ['apps/shop/prod/*.yaml', 'apps/shop/prod/.hidden.yaml', false],
    ['apps/shop/prod/*.yaml', 'apps/shop/prod/sub/kustomization.yaml', false],
    ['apps/shop/**/values.yaml', 'apps/shop/values.yaml', true],
    ['apps/shop/**/values.yaml', 'apps/shop/a/b/values.yaml', true],
    ['apps/shop/**/values.yaml', 'apps/shop/.github/values.yaml', false],
    ['apps/shop/**', 'apps/shopping/x.yaml', false],
    ['apps/shop/values-*.yaml', 'apps/shop/values-prod.yaml', true],
    ['apps/shop/values.yaml', 'apps/shop/values.yaml', true],
    ['apps/shop/values.yaml', 'apps/shop/values.yml', false],
    ['apps/shop/.config/*.yaml', 'apps/shop/.config/a.yaml', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(matchesPathGlob(glob, path)).toBe(expected);
  });

  it('treats regular expression characters in a glob literally', () => {
    expect(matchesPathGlob('apps/a.b/*.yaml', 'apps/axb/x.yaml')).toBe(false);
  });
});

describe('pathGlobProblem and templatePlaceholders', () => {
  it('names what a glob may not be', () => {
    expect(pathGlobProblem('apps/{{name}}/{{environment}}/*.yaml')).toBeNull();
    expect(pathGlobProblem('/apps/*.yaml')).toBe('it is absolute');
    expect(pathGlobProblem('apps/../*.yaml')).toBe(
      'it has an empty, . or .. segment',
    );
    expect(pathGlobProblem('apps/a**/x.yaml')).toBe(
      '** must be a whole segment',
    );
    expect(pathGlobProblem('apps/%2e/x.yaml')).toMatch(/may use only/);
  });

  it('lists the placeholders a template uses', () => {
    expect(
      templatePlaceholders('apps/{{ name }}/{{environment}}/{{name}}.yaml'),
    ).toEqual(['name', 'environment', 'name']);
  });
});
