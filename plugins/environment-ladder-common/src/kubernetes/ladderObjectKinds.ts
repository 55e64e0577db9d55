import type { RungObjects } from '../types';

/** One kind of Kubernetes object the ladder reads, and where the API serves it. @public */
export interface LadderObjectKind {
  /** The list of {@link RungObjects} the objects go into. */
  key: keyof RungObjects;
  /** The object's `kind`, e.g. `ReplicaSet`. */
  kind: string;
  /**
   * The API groups the kind is accepted from (`''` is the core group): the API
   * server serves every version of a group, so a dump in another one counts too.
   */
  groups: string[];
  /** Where it is listed, e.g. `/apis/apps/v1`. */
  apiPath: string;
  /** The resource's plural, e.g. `replicasets`. */
  plural: string;
  /** A custom resource that may be absent from a cluster: its 404 means "none". */
  optional?: boolean;
  /** Read for preview rungs only: the ApplicationSet's namespaces and Argo CD objects. */
  previewsOnly?: boolean;
  /** Cluster-scoped: listed once, never per namespace. */
  clusterScoped?: boolean;
}

/**
 * Every kind the ladder reads, and nothing more (about half of what the
 * Kubernetes tab asks for). The cluster reader lists them, `inspect` sorts
 * files into them, and the ladder is built from them.
 *
 * @public
 */
export const LADDER_OBJECT_KINDS: readonly LadderObjectKind[] = [
  {
    key: 'pods',
    kind: 'Pod',
    groups: [''],
    apiPath: '/api/v1',
    plural: 'pods',
  },
  {
    key: 'replicaSets',
    kind: 'ReplicaSet',
    groups: ['apps', 'extensions'],
    apiPath: '/apis/apps/v1',
    plural: 'replicasets',
  },
  {
    key: 'deployments',
    kind: 'Deployment',
    groups: ['apps', 'extensions'],
    apiPath: '/apis/apps/v1',
    plural: 'deployments',
  },
  {
    key: 'rollouts',
    kind: 'Rollout',
    groups: ['argoproj.io'],
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'rollouts',
    optional: true,
  },
  {
    key: 'analysisRuns',
    kind: 'AnalysisRun',
    groups: ['argoproj.io'],
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'analysisruns',
    optional: true,
  },
  {
    key: 'ingresses',
    kind: 'Ingress',
    groups: ['networking.k8s.io', 'extensions'],
    apiPath: '/apis/networking.k8s.io/v1',
    plural: 'ingresses',
  },
  {
    key: 'horizontalPodAutoscalers',
    kind: 'HorizontalPodAutoscaler',
    groups: ['autoscaling'],
    apiPath: '/apis/autoscaling/v2',
    plural: 'horizontalpodautoscalers',
  },
  {
    key: 'namespaces',
    kind: 'Namespace',
    groups: [''],
    apiPath: '/api/v1',
    plural: 'namespaces',
    previewsOnly: true,
    clusterScoped: true,
  },
  {
    key: 'applications',
    kind: 'Application',
    groups: ['argoproj.io'],
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'applications',
    optional: true,
    previewsOnly: true,
  },
  {
    key: 'applicationSets',
    kind: 'ApplicationSet',
    groups: ['argoproj.io'],
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'applicationsets',
    optional: true,
    previewsOnly: true,
  },
];
