import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readGitOpsConfig } from './gitOps';

const base = {
  repository: 'https://github.com/acme/gitops',
  pathTemplate: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
};
const read = (
  gitops: Record<string, unknown>,
  checkRepository?: (url: string) => void,
) =>
  readGitOpsConfig(
    new ConfigReader({ environmentLadder: { gitops: gitops as JsonObject } }),
    {
      checkRepository,
    },
  );

describe('readGitOpsConfig', () => {
  it('reads the defaults; annotation overrides are off unless configured', () => {
    expect(read(base)).toEqual({
      ...base,
      baseBranch: undefined,
      format: 'kustomize',
      yamlPath: undefined,
      labels: [],
      reviewers: [],
    });
  });

  it('reads annotation overrides, normalising the repositories', () => {
    expect(
      read({
        ...base,
        annotationOverrides: {
          repositories: ['https://GitHub.com/Acme/Helm-Values.git'],
          paths: ['charts/{{name}}/values-{{environment}}.yaml'],
          yamlPaths: ['image.digest'],
        },
      })?.annotationOverrides,
    ).toEqual({
      repositories: ['https://github.com/acme/helm-values'],
      paths: ['charts/{{name}}/values-{{environment}}.yaml'],
      yamlPaths: ['image.digest'],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a path template without {{name}}',
      { ...base, pathTemplate: 'apps/shop/{{environment}}.yaml' },
      'Invalid config value at \'environmentLadder.gitops.pathTemplate\': "apps/shop/{{environment}}.yaml" must use {{name}}, so that each service and each rung has its own file',
    ],
    [
      'a path template without either placeholder',
      { ...base, pathTemplate: 'values.yaml' },
      'Invalid config value at \'environmentLadder.gitops.pathTemplate\': "values.yaml" must use {{name}} and {{environment}}, so that each service and each rung has its own file',
    ],
    [
      'a repository with credentials',
      {
        ...base,
        repository: 'https://x-access-token:ghs_secret@github.com/acme/gitops',
      },
      "Invalid config value at 'environmentLadder.gitops.repository': 'https://github.com/acme/gitops' must be a repository URL such as https://github.com/acme/gitops, without credentials, query or fragment",
    ],
    [
      'an allowed path glob without {{environment}}',
      { ...base, annotationOverrides: { paths: ['apps/{{name}}/*.yaml'] } },
      "Invalid config value at 'environmentLadder.gitops.annotationOverrides.paths[0]': it must use {{name}} and {{environment}}",
    ],
    [
      'an allowed path glob that climbs out',
      {
        ...base,
        annotationOverrides: {
          paths: ['apps/{{name}}/../{{environment}}/*.yaml'],
        },
      },
      "Invalid config value at 'environmentLadder.gitops.annotationOverrides.paths[0]': it has an empty, . or .. segment",
    ],
    [
      'an allowed repository that is no URL',
      { ...base, annotationOverrides: { repositories: ['acme/gitops'] } },
      "Invalid config value at 'environmentLadder.gitops.annotationOverrides.repositories[0]': it is not a URL",
    ],
  ])('refuses %s, naming the key', (_case, gitops, message) => {
    expect(() => read(gitops)).toThrow(message);
  });

  it('refuses an allowed repository the GitOps client cannot work on', () => {
    expect(() =>
      read(
        {
          ...base,
          annotationOverrides: {
            repositories: ['https://gitlab.example.com/acme/gitops'],
          },
        },
        url => {
          if (url.includes('gitlab'))
            throw new Error(
              'No GitHub integration for host gitlab.example.com',
            );
        },
      ),
    ).toThrow(
      "Invalid config value at 'environmentLadder.gitops.annotationOverrides.repositories[0]': No GitHub integration for host gitlab.example.com",
    );
  });
});
