import type { RungObjects, WorkloadStatus } from '../types';
import { observeWorkloads } from '../domain/observeWorkloads';
import { runningDigests } from '../domain/internal/runningDigests';
import { asRecord } from './asRecord';
import { DEFAULT_PREVIEW_ANNOTATIONS } from './defaultPreviewAnnotations';
import { discoverPreviews } from './discoverPreviews';
import { substituteTemplateParameters } from './substituteTemplateParameters';
import {
  PreviewDiscoveryConfig,
  PreviewDiscoveryInput,
  PreviewEnvironment,
  PreviewHealth,
  PreviewPullRequestState,
  PreviewWorkloadSummary,
} from './types';

/**
 * What `findPreviews` needs besides the objects; everything is optional.
 *
 * @public
 */
export interface FindPreviewsOptions {
  /**
   * How previews are named and labelled. `nameTemplate` and `prUrlTemplate` may use
   * `{{entity}}` besides the generator's parameters; `annotations` default to
   * {@link DEFAULT_PREVIEW_ANNOTATIONS}. Without a config, previews are found from the
   * ApplicationSets' templates, the default annotations and the config's labels alone.
   */
  config?: PreviewDiscoveryConfig;
  /** The value of `{{entity}}`: the entity's `backstage.io/kubernetes-id`, else its name. */
  entity?: string;
  /** Set on every preview found. */
  cluster?: string;
  /** The service container, when a pod runs several (as in the ladder config). */
  containerName?: string;
  /**
   * The repository's open pull requests as its SCM listed them. A preview whose number is
   * listed is open (with the title); one that is not is closed when `complete` is true,
   * else its state stays unknown (the list was cut short, e.g. at 100 pull requests).
   */
  openPullRequests?: {
    open: Record<number, { title?: string }>;
    complete: boolean;
  };
  /** The production rung's declared endpoints and secrets source, which a preview must not use. */
  productionValues?: PreviewDiscoveryInput['productionValues'];
  /** The repository (e.g. the entity's `github.com/project-slug`), for pull request links. */
  prUrlBase?: PreviewDiscoveryInput['prUrlBase'];
}

const HEALTH_ORDER: PreviewHealth[] = [
  'Healthy',
  'Unknown',
  'Missing',
  'Progressing',
  'Degraded',
];

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.flatMap(item => (asRecord(item) ? [asRecord(item)!] : []))
    : [];
}

function stringEntries(value: unknown): Array<[string, string]> {
  return Object.entries(asRecord(value) ?? {}).flatMap(([key, item]) =>
    typeof item === 'string' ? [[key, item] as [string, string]] : [],
  );
}

/** A workload's health the way Argo CD tells it for Deployments and Rollouts. */
function workloadHealth(
  workload: WorkloadStatus,
  object: Record<string, unknown> | undefined,
): PreviewHealth {
  if (workload.kind === 'Rollout') {
    const phase = asRecord(object?.status)?.phase;
    if (phase === 'Degraded') return 'Degraded';
    if (phase === 'Progressing' || phase === 'Paused') return 'Progressing';
    if (phase === 'Healthy') return 'Healthy';
  }
  if (workload.deployment?.progressing === false) return 'Degraded';
  const { desired, ready, updated, available } = workload.replicas;
  if (desired === 0) return 'Healthy';
  if (updated < desired || ready < desired || available < desired) {
    return 'Progressing';
  }
  return 'Healthy';
}

function worst(a: PreviewHealth | undefined, b: PreviewHealth): PreviewHealth {
  return a === undefined || HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a)
    ? b
    : a;
}

/** What the workloads of each namespace run, how healthy they are, and the values they set. */
function summarizeWorkloads(
  objects: RungObjects,
  options: FindPreviewsOptions,
): Record<string, PreviewWorkloadSummary> {
  const workloads = observeWorkloads(objects, {
    cluster: options.cluster ?? '',
    containerName: options.containerName,
  });
  const raw = new Map<string, Record<string, unknown>>();
  for (const [kind, list] of [
    ['Deployment', objects.deployments],
    ['Rollout', objects.rollouts],
  ] as const) {
    for (const object of records(list)) {
      const metadata = asRecord(object.metadata);
      const key = `${kind}\u0000${str(metadata?.namespace) ?? ''}\u0000${
        str(metadata?.name) ?? ''
      }`;
      if (!raw.has(key)) raw.set(key, object);
    }
  }

  const byNamespace = new Map<string, WorkloadStatus[]>();
  for (const workload of workloads) {
    const list = byNamespace.get(workload.namespace) ?? [];
    list.push(workload);
    byNamespace.set(workload.namespace, list);
  }

  const summaries: Record<string, PreviewWorkloadSummary> = {};
  for (const [namespace, list] of byNamespace) {
    let health: PreviewHealth | undefined;
    let createdAt: { text: string; time: number } | null = null;
    const env: Record<string, string> = {};
    const annotations: Record<string, string> = {};
    for (const workload of list) {
      const object = raw.get(
        `${workload.kind}\u0000${namespace}\u0000${workload.name}`,
      );
      health = worst(health, workloadHealth(workload, object));
      const metadata = asRecord(object?.metadata);
      const created = str(metadata?.creationTimestamp);
      const time = created ? Date.parse(created) : NaN;
      if (!Number.isNaN(time) && (!createdAt || time < createdAt.time)) {
        createdAt = { text: created!, time };
      }
      const template = asRecord(asRecord(object?.spec)?.template);
      for (const [key, value] of [
        ...stringEntries(metadata?.annotations),
        ...stringEntries(asRecord(template?.metadata)?.annotations),
      ]) {
        if (!(key in annotations)) annotations[key] = value;
      }
      const podSpec = asRecord(template?.spec);
      for (const container of [
        ...records(podSpec?.initContainers),
        ...records(podSpec?.containers),
      ]) {
        for (const variable of records(container.env)) {
          const name = str(variable.name);
          const value = str(variable.value);
          if (!name || value === undefined) continue;
          const key =
            name in env && env[name] !== value
              ? `${name} (${str(container.name) ?? '?'})`
              : name;
          env[key] = value;
        }
      }
    }
    summaries[namespace] = {
      digest: runningDigests(list)[0]?.digest ?? null,
      health: health ?? 'Unknown',
      createdAt: createdAt?.text ?? null,
      env,
      annotations,
    };
  }
  return summaries;
}

/** The config with `{{entity}}` filled in and the default annotation keys. */
function resolveConfig(options: FindPreviewsOptions): PreviewDiscoveryConfig {
  const config = options.config ?? {};
  const fill = (template: string | undefined, extra: string[] = []) => {
    if (template === undefined) return undefined;
    if (options.entity === undefined) {
      // Parsing without `entity` names it as an unknown parameter when it is used.
      substituteTemplateParameters(template, {}, extra);
      return template;
    }
    return substituteTemplateParameters(
      template,
      { entity: options.entity },
      extra,
    );
  };
  return {
    ...config,
    nameTemplate: fill(config.nameTemplate),
    prUrlTemplate: fill(config.prUrlTemplate, ['owner', 'repo']),
    annotations: config.annotations ?? { ...DEFAULT_PREVIEW_ANNOTATIONS },
  };
}

/**
 * The preview environments in one set of Kubernetes objects (a preview rung's clusters, or
 * what `inspect` loaded), newest first: `discoverPreviews` fed with the namespaces, Argo CD
 * Applications and ApplicationSets, Ingresses, and a summary of each namespace's workloads
 * (digest, health, creation time, env values and annotations). Objects are untrusted; an
 * invalid template in `options.config` throws an Error naming it.
 *
 * @public
 */
export function findPreviews(
  objects: RungObjects,
  options: FindPreviewsOptions = {},
): PreviewEnvironment[] {
  const input: PreviewDiscoveryInput = {
    config: resolveConfig(options),
    namespaces: [
      ...(Array.isArray(objects.namespaces) ? objects.namespaces : []),
    ],
    applications: [
      ...(Array.isArray(objects.applications) ? objects.applications : []),
    ],
    applicationSets: [
      ...(Array.isArray(objects.applicationSets)
        ? objects.applicationSets
        : []),
    ],
    ingresses: [...(Array.isArray(objects.ingresses) ? objects.ingresses : [])],
    workloadsByNamespace: summarizeWorkloads(objects, options),
    productionValues: options.productionValues,
    prUrlBase: options.prUrlBase,
  };
  let previews = discoverPreviews(input);

  const listed = options.openPullRequests;
  if (listed) {
    // The pull request numbers are only known once the previews are found.
    const pullRequests: Record<number, PreviewPullRequestState> = {};
    for (const preview of previews) {
      const number = preview.prNumber;
      if (number === null) continue;
      if (Object.prototype.hasOwnProperty.call(listed.open, number)) {
        const title = listed.open[number]?.title;
        pullRequests[number] = {
          state: 'open',
          ...(typeof title === 'string' ? { title } : {}),
        };
      } else if (listed.complete) {
        pullRequests[number] = { state: 'closed' };
      }
    }
    if (Object.keys(pullRequests).length > 0) {
      previews = discoverPreviews({ ...input, pullRequests });
    }
  }

  return options.cluster === undefined
    ? previews
    : previews.map(preview => ({ cluster: options.cluster, ...preview }));
}
