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
    renderPathTemplate(template, { name: 'x', environment: 'y', namespace: 'z' });
  } catch (error) {
    throw new InputError(`Invalid config value at '${key}': ${(error as Error).message}`);
  }
}

function checkRepository(repository: string, key: string) {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new InputError(`Invalid config value at '${key}': '${repository}' is not a URL`);
  }
  const parts = url.pathname.split('/').filter(Boolean);
  if (!/^https?:$/.test(url.protocol) || parts.length !== 2) {
    throw new InputError(
      `Invalid config value at '${key}': '${repository}' must be a repository URL such as https://github.com/acme/gitops`,
    );
  }
}

/** Reads `environmentLadder.gitops`; absent means promotions can only be dry runs of nothing. */
export function readGitOpsConfig(config: Config): GitOpsConfig | undefined {
  const gitops = config.getOptionalConfig(KEY);
  if (!gitops) return undefined;
  const repository = gitops.getString('repository');
  checkRepository(repository, `${KEY}.repository`);
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
 */
export function resolveEntityGitOps(
  base: GitOpsConfig | undefined,
  annotations: Record<string, string>,
): GitOpsConfig {
  const repository = annotations[GITOPS_ANNOTATIONS.repository] ?? base?.repository;
  const pathTemplate = annotations[GITOPS_ANNOTATIONS.pathTemplate] ?? base?.pathTemplate;
  if (!repository || !pathTemplate) {
    throw new InputError(
      `No GitOps repository is configured for this entity: set environmentLadder.gitops in app-config.yaml or the annotations ${GITOPS_ANNOTATIONS.repository} and ${GITOPS_ANNOTATIONS.pathTemplate}`,
    );
  }
  checkRepository(repository, `annotation ${GITOPS_ANNOTATIONS.repository}`);
  checkTemplate(pathTemplate, `annotation ${GITOPS_ANNOTATIONS.pathTemplate}`);
  const yamlPath = annotations[GITOPS_ANNOTATIONS.yamlPath] ?? base?.yamlPath;
  return {
    repository,
    baseBranch: base?.baseBranch,
    pathTemplate,
    format: annotations[GITOPS_ANNOTATIONS.yamlPath] ? 'yamlPath' : base?.format ?? 'kustomize',
    yamlPath,
    labels: base?.labels ?? [],
    reviewers: base?.reviewers ?? [],
  };
}
