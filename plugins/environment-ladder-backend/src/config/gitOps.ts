import type { Config } from '@backstage/config';
import {
  pathGlobProblem,
  renderPathTemplate,
  templatePlaceholders,
} from '@environment-ladder/plugin-environment-ladder-common';
import { configError, readingKey } from './configError';

/**
 * What an entity's annotations may override, decided by the platform. Absent (the
 * default): no GitOps annotation is honoured, and a promotion of an entity carrying
 * one is refused.
 */
export interface GitOpsAnnotationOverrides {
  /** Repositories an annotation may name, as normalised by {@link normaliseRepositoryUrl}. */
  repositories: string[];
  /**
   * Globs the rendered path must match, each with `{{name}}` and `{{environment}}`, e.g.
   * `apps/{{name}}/overlays/{{environment}}/*.yaml`: rendered for the entity and the
   * target rung, they keep an override inside that service's files of that rung.
   */
  paths: string[];
  /** YAML paths an annotation may name; may use `{{name}}` and `{{environment}}`. */
  yamlPaths: string[];
}

/** Where a service's digests live in the GitOps repository, and how to change one. */
export interface GitOpsConfig {
  /** e.g. `https://github.com/acme/gitops`. */
  repository: string;
  /** The branch pull requests target; the repository's default branch when absent. */
  baseBranch?: string;
  /** e.g. `apps/{{name}}/overlays/{{environment}}/kustomization.yaml`. */
  pathTemplate: string;
  /** `kustomize` edits `images[].digest`; `yamlPath` edits the scalar at `yamlPath`. */
  format: 'kustomize' | 'yamlPath';
  /** For `yamlPath`, e.g. `image.digest`. */
  yamlPath?: string;
  labels: string[];
  reviewers: string[];
  /** What entity annotations may override; none when absent. */
  annotationOverrides?: GitOpsAnnotationOverrides;
}

// The annotations themselves are named once, in -common.
export { GITOPS_ANNOTATIONS } from '@environment-ladder/plugin-environment-ladder-common';

const KEY = 'environmentLadder.gitops';

/** Checks that the GitOps client can work on a repository (e.g. that its host has an integration). */
export type RepositoryCheck = (repository: string) => void;

/**
 * Why a path template cannot be one: bad syntax, or it lacks `{{name}}` or
 * `{{environment}}`, without which two services, or two rungs, would share one file.
 */
export function pathTemplateProblem(template: string): string | null {
  try {
    renderPathTemplate(template, {
      name: 'x',
      environment: 'y',
      namespace: 'z',
    });
  } catch (error) {
    return (error as Error).message;
  }
  const used = templatePlaceholders(template);
  const lacking = ['name', 'environment'].filter(p => !used.includes(p));
  if (lacking.length) {
    return `${JSON.stringify(template)} must use ${lacking
      .map(p => `{{${p}}}`)
      .join(' and ')}, so that each service and each rung has its own file`;
  }
  return null;
}

/**
 * A repository URL in one spelling: `protocol//host/owner/repo`, host and path lower-cased
 * (GitHub's names are case-insensitive), without `.git` or a trailing slash. Throws an
 * Error saying what is wrong; the value is not quoted back as given: a URL may carry
 * credentials, and a value that is no URL at all may be a secret in the wrong key.
 */
export function normaliseRepositoryUrl(repository: string): string {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new Error(
      'it is not a URL; expected a repository URL such as https://github.com/acme/gitops',
    );
  }
  const parts = url.pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (
    !/^https?:$/.test(url.protocol) ||
    parts.length !== 2 ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    throw new Error(
      `'${url.protocol}//${url.host}${url.pathname}' must be a repository URL such as https://github.com/acme/gitops, without credentials, query or fragment`,
    );
  }
  return `${url.protocol}//${url.host}/${parts.join('/')}`.toLowerCase();
}

function readStrings(config: Config, key: string, path: string): string[] {
  return readingKey(path, () => {
    const list = config.getOptionalStringArray(key) ?? [];
    list.forEach((value, index) => {
      if (value.trim() === '') throw new Error(`entry ${index} is empty`);
    });
    return list;
  });
}

function readAnnotationOverrides(
  gitops: Config,
  check: RepositoryCheck | undefined,
): GitOpsAnnotationOverrides | undefined {
  const key = `${KEY}.annotationOverrides`;
  if (gitops.getOptional('annotationOverrides') === undefined) return undefined;
  const overrides = readingKey(key, () =>
    gitops.getConfig('annotationOverrides'),
  );
  const repositories = readStrings(
    overrides,
    'repositories',
    `${key}.repositories`,
  ).map((repository, index) => {
    const at = `${key}.repositories[${index}]`;
    const normalised = readingKey(at, () => normaliseRepositoryUrl(repository));
    readingKey(at, () => check?.(repository));
    return normalised;
  });
  const paths = readStrings(overrides, 'paths', `${key}.paths`);
  paths.forEach((glob, index) => {
    const problem =
      pathGlobProblem(glob) ??
      (['name', 'environment'].every(p =>
        templatePlaceholders(glob).includes(p),
      )
        ? null
        : 'it must use {{name}} and {{environment}}, so that an override stays in the service’s own files of the target rung');
    if (problem) throw configError(`${key}.paths[${index}]`, problem);
  });
  const yamlPaths = readStrings(overrides, 'yamlPaths', `${key}.yamlPaths`);
  return { repositories, paths, yamlPaths };
}

/**
 * Reads `environmentLadder.gitops`; absent means promotions can only be dry runs of nothing.
 *
 * @param options.checkRepository - refuses a repository the GitOps client cannot work on
 *   (e.g. on a host without a GitHub integration), so that start-up fails naming the key.
 */
export function readGitOpsConfig(
  config: Config,
  options: { checkRepository?: RepositoryCheck } = {},
): GitOpsConfig | undefined {
  const gitops = config.getOptionalConfig(KEY);
  if (!gitops) return undefined;
  const repository = readingKey(`${KEY}.repository`, () =>
    gitops.getString('repository'),
  );
  readingKey(`${KEY}.repository`, () => normaliseRepositoryUrl(repository));
  readingKey(`${KEY}.repository`, () => options.checkRepository?.(repository));
  const pathTemplate = readingKey(`${KEY}.pathTemplate`, () =>
    gitops.getString('pathTemplate'),
  );
  const templateProblem = pathTemplateProblem(pathTemplate);
  if (templateProblem)
    throw configError(`${KEY}.pathTemplate`, templateProblem);
  const format = gitops.getOptionalString('format') ?? 'kustomize';
  if (format !== 'kustomize' && format !== 'yamlPath') {
    throw configError(
      `${KEY}.format`,
      `'${format}' is not one of kustomize, yamlPath`,
    );
  }
  const yamlPath = gitops.getOptionalString('yamlPath');
  if (format === 'yamlPath' && !yamlPath) {
    throw configError(
      `${KEY}.yamlPath`,
      'the yamlPath format needs the path of the digest, e.g. image.digest',
      { missing: true },
    );
  }
  const annotationOverrides = readAnnotationOverrides(
    gitops,
    options.checkRepository,
  );
  return {
    repository,
    baseBranch: gitops.getOptionalString('baseBranch'),
    pathTemplate,
    format,
    yamlPath,
    labels: readStrings(gitops, 'labels', `${KEY}.labels`),
    reviewers: readStrings(gitops, 'reviewers', `${KEY}.reviewers`),
    ...(annotationOverrides ? { annotationOverrides } : {}),
  };
}
