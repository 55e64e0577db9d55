import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { renderPathTemplate } from '@environment-ladder/plugin-environment-ladder-common';

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
}

/** Entity annotations that override the ladder's GitOps settings for one service. */
export const GITOPS_ANNOTATIONS = {
  repository: 'environment-ladder.io/gitops-repository',
  pathTemplate: 'environment-ladder.io/gitops-path-template',
  yamlPath: 'environment-ladder.io/gitops-yaml-path',
} as const;

const KEY = 'environmentLadder.gitops';

function checkTemplate(template: string, key: string) {
  try {
    renderPathTemplate(template, {
      name: 'x',
      environment: 'y',
      namespace: 'z',
    });
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${key}': ${(error as Error).message}`,
    );
  }
}

// The value is not quoted back as given: a repository URL may carry credentials
// (https://x-access-token:…@host/…), and a value that is no URL at all may be a
// secret substituted into the wrong key. Only a URL's protocol, host and path are shown.
function checkRepository(repository: string, key: string) {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new InputError(
      `Invalid config value at '${key}': it is not a URL; expected a repository URL such as https://github.com/acme/gitops`,
    );
  }
  const parts = url.pathname.split('/').filter(Boolean);
  if (!/^https?:$/.test(url.protocol) || parts.length !== 2) {
    throw new InputError(
      `Invalid config value at '${key}': '${url.protocol}//${url.host}${url.pathname}' must be a repository URL such as https://github.com/acme/gitops`,
    );
  }
}

/** Checks that the GitOps client can work on a repository (e.g. that its host has an integration). */
type RepositoryCheck = (repository: string) => void;

function checkReachable(
  repository: string,
  key: string,
  check: RepositoryCheck | undefined,
) {
  try {
    check?.(repository);
  } catch (error) {
    throw new InputError(
      `Invalid config value at '${key}': ${(error as Error).message}`,
    );
  }
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
  const repository = gitops.getString('repository');
  checkRepository(repository, `${KEY}.repository`);
  checkReachable(repository, `${KEY}.repository`, options.checkRepository);
  const pathTemplate = gitops.getString('pathTemplate');
  checkTemplate(pathTemplate, `${KEY}.pathTemplate`);
  const format = gitops.getOptionalString('format') ?? 'kustomize';
  if (format !== 'kustomize' && format !== 'yamlPath') {
    throw new InputError(
      `Invalid config value at '${KEY}.format': '${format}' is not one of kustomize, yamlPath`,
    );
  }
  const yamlPath = gitops.getOptionalString('yamlPath');
  if (format === 'yamlPath' && !yamlPath) {
    throw new InputError(
      `Missing required config value at '${KEY}.yamlPath': the yamlPath format needs the path of the digest, e.g. image.digest`,
    );
  }
  return {
    repository,
    baseBranch: gitops.getOptionalString('baseBranch'),
    pathTemplate,
    format,
    yamlPath,
    labels: gitops.getOptionalStringArray('labels') ?? [],
    reviewers: gitops.getOptionalStringArray('reviewers') ?? [],
  };
}

/**
 * The GitOps settings for one entity: the ladder's, overridden by the
 * entity's annotations. A bad annotation is the caller's input error, named.
 *
 * @param options.checkRepository - as for {@link readGitOpsConfig}: an annotation naming a
 *   repository the GitOps client cannot work on is refused before anything is recorded.
 */
export function resolveEntityGitOps(
  base: GitOpsConfig | undefined,
  annotations: Record<string, string>,
  options: { checkRepository?: RepositoryCheck } = {},
): GitOpsConfig {
  const repository =
    annotations[GITOPS_ANNOTATIONS.repository] ?? base?.repository;
  const pathTemplate =
    annotations[GITOPS_ANNOTATIONS.pathTemplate] ?? base?.pathTemplate;
  if (!repository || !pathTemplate) {
    throw new InputError(
      `No GitOps repository is configured for this entity: set environmentLadder.gitops in app-config.yaml or the annotations ${GITOPS_ANNOTATIONS.repository} and ${GITOPS_ANNOTATIONS.pathTemplate}`,
    );
  }
  checkRepository(repository, `annotation ${GITOPS_ANNOTATIONS.repository}`);
  checkReachable(
    repository,
    annotations[GITOPS_ANNOTATIONS.repository]
      ? `annotation ${GITOPS_ANNOTATIONS.repository}`
      : `${KEY}.repository`,
    options.checkRepository,
  );
  checkTemplate(pathTemplate, `annotation ${GITOPS_ANNOTATIONS.pathTemplate}`);
  const yamlPath = annotations[GITOPS_ANNOTATIONS.yamlPath] ?? base?.yamlPath;
  return {
    repository,
    baseBranch: base?.baseBranch,
    pathTemplate,
    format: annotations[GITOPS_ANNOTATIONS.yamlPath]
      ? 'yamlPath'
      : base?.format ?? 'kustomize',
    yamlPath,
    labels: base?.labels ?? [],
    reviewers: base?.reviewers ?? [],
  };
}
