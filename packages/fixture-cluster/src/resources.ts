/** One kind of object the fixture cluster knows about, as its discovery documents describe it. */
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Extra field selector labels accepted besides metadata.name and metadata.namespace. */
  fieldLabels?: string[];
}

const core = (
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType => ({
  group: '',
  version: 'v1',
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  ...extra,
});

const grouped = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType => ({
  group,
  version,
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  ...extra,
});

/**
 * Every group/version/plural the fixture cluster serves. Kinds that the
 * fixtures do not contain are still served, as empty lists, so that clients
 * that ask for them (the Kubernetes plugin asks for 13 kinds per cluster) get
 * what a real cluster without such objects would answer.
 */
export const RESOURCE_TYPES: ResourceType[] = [
  core('pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    fieldLabels: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
  }),
  core('services', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
  }),
  core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  core('secrets', 'Secret', true, { fieldLabels: ['type'] }),
  core('limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  core('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'] }),
  core('namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    fieldLabels: ['status.phase'],
  }),
  core('events', 'Event', true, {
    shortNames: ['ev'],
    fieldLabels: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'type',
    ],
  }),
  core('endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  core('serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
  }),
  core('persistentvolumes', 'PersistentVolume', false, {
    shortNames: ['pv'],
  }),
  core('nodes', 'Node', false, {
    shortNames: ['no'],
    fieldLabels: ['spec.unschedulable'],
  }),
  grouped('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
  }),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ['all'],
    fieldLabels: ['status.replicas'],
  }),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: ['all'],
  }),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: ['all'],
  }),
  grouped('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  grouped('batch', 'v1', 'jobs', 'Job', true, {
    categories: ['all'],
    fieldLabels: ['status.successful'],
  }),
  grouped('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    categories: ['all'],
  }),
  grouped('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
  }),
  grouped('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  grouped('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, {
    shortNames: ['netpol'],
  }),
  grouped(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    { shortNames: ['hpa'], categories: ['all'] },
  ),
  grouped(
    'autoscaling',
    'v1',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    { shortNames: ['hpa'], categories: ['all'] },
  ),
  grouped('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
  }),
  grouped('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', true, {
    shortNames: ['ro'],
    categories: ['all'],
  }),
  grouped('argoproj.io', 'v1alpha1', 'analysisruns', 'AnalysisRun', true, {
    shortNames: ['ar'],
  }),
  grouped(
    'argoproj.io',
    'v1alpha1',
    'analysistemplates',
    'AnalysisTemplate',
    true,
    { shortNames: ['at'] },
  ),
  grouped(
    'argoproj.io',
    'v1alpha1',
    'clusteranalysistemplates',
    'ClusterAnalysisTemplate',
    false,
    { shortNames: ['cat'] },
  ),
  grouped('argoproj.io', 'v1alpha1', 'experiments', 'Experiment', true, {
    shortNames: ['exp'],
  }),
  grouped('argoproj.io', 'v1alpha1', 'applications', 'Application', true, {
    shortNames: ['app', 'apps'],
  }),
  grouped(
    'argoproj.io',
    'v1alpha1',
    'applicationsets',
    'ApplicationSet',
    true,
    { shortNames: ['appset', 'appsets'] },
  ),
  grouped('argoproj.io', 'v1alpha1', 'appprojects', 'AppProject', true, {
    shortNames: ['appproj', 'appprojs'],
  }),
  // The metrics API is computed from the pods, never loaded from fixtures.
  grouped('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', true),
  grouped('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false),
];

/** `apps/v1` or `v1` for the core group. */
export function groupVersionOf(type: { group: string; version: string }) {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Finds the resource type served at a group/version/plural, if any. */
export function findResourceType(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => t.group === group && t.version === version && t.plural === plural,
  );
}

/** Finds the resource type of an object from its apiVersion and kind. */
export function findResourceTypeForObject(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/', 2)
    : ['', apiVersion];
  return RESOURCE_TYPES.find(
    t => t.group === group && t.version === version && t.kind === kind,
  );
}

/** All group/versions served, core first, in a stable order. */
export function servedGroupVersions(): Array<{
  group: string;
  version: string;
}> {
  const seen = new Set<string>();
  const result: Array<{ group: string; version: string }> = [];
  for (const t of RESOURCE_TYPES) {
    const key = groupVersionOf(t);
    if (!seen.has(key)) {
      seen.add(key);
      result.push({ group: t.group, version: t.version });
    }
  }
  return result;
}
