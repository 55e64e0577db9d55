/*
 * The entity annotations the Environment Ladder reads, defined once: the
 * ladder service, its cache key, the GitOps settings and `inspect` all name
 * them from here.
 */

/** The label value the Kubernetes plugin (and the ladder) find an entity's workloads by. @public */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** A label selector that replaces {@link KUBERNETES_ID_ANNOTATION}. @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/** Limits the reads to one namespace. @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

/** `owner/repo` of the service's GitHub repository: links previews to their pull requests. @public */
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** Overrides the preview rung's `nameTemplate` for one entity. @public */
export const PREVIEW_NAME_TEMPLATE_ANNOTATION =
  'environment-ladder.io/preview-name-template';

/** Entity annotations that override the ladder's GitOps settings for one service. @public */
export const GITOPS_ANNOTATIONS = {
  repository: 'environment-ladder.io/gitops-repository',
  pathTemplate: 'environment-ladder.io/gitops-path-template',
  yamlPath: 'environment-ladder.io/gitops-yaml-path',
} as const;

/**
 * The annotations that change what a ladder reads: a cache of ladders keys on
 * them so that an edited entity is never answered from an old reading.
 *
 * @public
 */
export const LADDER_READ_ANNOTATIONS: readonly string[] = [
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  PREVIEW_NAME_TEMPLATE_ANNOTATION,
  PROJECT_SLUG_ANNOTATION,
];
