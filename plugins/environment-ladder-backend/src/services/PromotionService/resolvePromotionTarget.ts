import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  matchesPathGlob,
  renderPathTemplate,
  repositoryPathProblem,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  GITOPS_ANNOTATIONS,
  normaliseRepositoryUrl,
  pathTemplateProblem,
  type GitOpsConfig,
  type RepositoryCheck,
} from '../../config/gitOps';

/** The one file a promotion may change, and how. */
export interface PromotionTarget {
  /** The entity's GitOps settings: the platform's, with the overrides it allows. */
  gitOps: GitOpsConfig;
  /** The target rung's file of this service, normalised and checked. */
  filePath: string;
}

/** A refusal of the promotion's target, naming the rule it breaks (a 400). */
function refuse(rule: string, message: string): InputError {
  return new InputError(`Rule ${rule}: ${message}`);
}

const OVERRIDE_KEYS = {
  repository: 'repositories',
  pathTemplate: 'paths',
  yamlPath: 'yamlPaths',
} as const;

/**
 * Decides the file a promotion of `entity` to `targetEnvironment` changes.
 *
 * @remarks
 * Entity annotations are written by whoever owns the catalog-info.yaml: input, not
 * authority. An annotation is honoured only when `environmentLadder.gitops.annotationOverrides`
 * allows that kind of override, and then only within it: a repository from its list, a
 * path matching one of its globs rendered for this entity and this rung, a YAML path from
 * its list. The rendered path is checked again whatever its template (no `..`, nothing
 * absolute or encoded, ASCII only), so that the platform's own template cannot render
 * outside the repository either. Every refusal is an InputError naming its rule, thrown
 * before anything is recorded or sent to GitHub.
 */
export function resolvePromotionTarget(input: {
  base: GitOpsConfig | undefined;
  entity: Entity;
  targetEnvironment: string;
  checkRepository?: RepositoryCheck;
}): PromotionTarget {
  const { base, entity, targetEnvironment } = input;
  const annotations = entity.metadata.annotations ?? {};
  if (!base) {
    throw refuse(
      'gitops-configured',
      'no GitOps repository is configured: set environmentLadder.gitops in app-config.yaml',
    );
  }
  const overrides = base.annotationOverrides;
  const given = (
    Object.keys(GITOPS_ANNOTATIONS) as Array<keyof typeof GITOPS_ANNOTATIONS>
  ).filter(kind => annotations[GITOPS_ANNOTATIONS[kind]] !== undefined);
  for (const kind of given) {
    if (!overrides || overrides[OVERRIDE_KEYS[kind]].length === 0) {
      throw refuse(
        'gitops-override-allowed',
        `the annotation ${GITOPS_ANNOTATIONS[kind]} is not honoured: the platform allows no such override (environmentLadder.gitops.annotationOverrides.${OVERRIDE_KEYS[kind]}); remove the annotation or ask the platform team`,
      );
    }
  }
  const values = {
    name: entity.metadata.name,
    environment: targetEnvironment,
    namespace: entity.metadata.namespace ?? 'default',
  };

  let repository = base.repository;
  const annotatedRepository = annotations[GITOPS_ANNOTATIONS.repository];
  if (annotatedRepository !== undefined) {
    let normalised: string;
    try {
      normalised = normaliseRepositoryUrl(annotatedRepository);
      input.checkRepository?.(annotatedRepository);
    } catch (error) {
      throw refuse(
        'gitops-repository-allowed',
        `the annotation ${GITOPS_ANNOTATIONS.repository}: ${
          (error as Error).message
        }`,
      );
    }
    if (!overrides!.repositories.includes(normalised)) {
      throw refuse(
        'gitops-repository-allowed',
        `the annotation ${GITOPS_ANNOTATIONS.repository} names ${normalised}, which is not among the repositories the platform allows (environmentLadder.gitops.annotationOverrides.repositories)`,
      );
    }
    repository = annotatedRepository;
  }

  const annotatedTemplate = annotations[GITOPS_ANNOTATIONS.pathTemplate];
  const pathTemplate = annotatedTemplate ?? base.pathTemplate;
  const where =
    annotatedTemplate !== undefined
      ? `the annotation ${GITOPS_ANNOTATIONS.pathTemplate}`
      : 'environmentLadder.gitops.pathTemplate';
  const templateProblem = pathTemplateProblem(pathTemplate);
  if (templateProblem) {
    throw refuse('gitops-path-template', `${where}: ${templateProblem}`);
  }
  let filePath: string;
  try {
    filePath = renderPathTemplate(pathTemplate, values);
  } catch (error) {
    throw refuse(
      'gitops-path-normalised',
      `${where}: ${(error as Error).message}`,
    );
  }
  const pathProblem = repositoryPathProblem(filePath);
  if (pathProblem) {
    throw refuse(
      'gitops-path-normalised',
      `${where} renders ${JSON.stringify(
        filePath.slice(0, 200),
      )}, and ${pathProblem}`,
    );
  }
  if (annotatedTemplate !== undefined) {
    const allowed = overrides!.paths.map(glob => renderGlob(glob, values));
    if (!allowed.some(glob => matchesPathGlob(glob, filePath))) {
      throw refuse(
        'gitops-path-allowed',
        `${where} renders ${filePath}, which is not one of ${
          entity.metadata.name
        }'s files for ${targetEnvironment} that the platform allows (${allowed.join(
          ', ',
        )})`,
      );
    }
  }

  let format = base.format;
  let yamlPath = base.yamlPath;
  const annotatedYamlPath = annotations[GITOPS_ANNOTATIONS.yamlPath];
  if (annotatedYamlPath !== undefined) {
    const allowed = overrides!.yamlPaths.map(path => renderGlob(path, values));
    if (!allowed.includes(annotatedYamlPath)) {
      throw refuse(
        'gitops-yaml-path-allowed',
        `the annotation ${GITOPS_ANNOTATIONS.yamlPath} names ${JSON.stringify(
          annotatedYamlPath.slice(0, 200),
        )}, which is not one of the YAML paths the platform allows for ${
          entity.metadata.name
        } (${allowed.join(', ')})`,
      );
    }
    format = 'yamlPath';
    yamlPath = annotatedYamlPath;
  }

  return {
    gitOps: { ...base, repository, pathTemplate, format, yamlPath },
    filePath,
  };
}

/** Fills a glob's (or YAML path's) placeholders; the values are safe names already. */
function renderGlob(
  glob: string,
  values: { name: string; environment: string; namespace: string },
): string {
  return glob.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (match, name: string) =>
    name in values ? values[name as keyof typeof values] : match,
  );
}
