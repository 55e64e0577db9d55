import {
  findPreviews,
  getRolloutStatus,
  ingressUrls,
  observeWorkloads,
  type PreviewEnvironment,
  type RolloutStatus,
  type RungObjects,
  type WorkloadStatus,
} from '@environment-ladder/plugin-environment-ladder-common';

/**
 * A rollout as `inspect` prints it: {@link RolloutStatus} without cluster and
 * `aborted`. `phase` and `message` are `kubectl argo rollouts get rollout`'s Status and
 * Message word for word, as are strategy, step, weights, replicas and `cliImages`;
 * `explanation` is the ladder's own line, never the CLI's. Analysis runs by name,
 * phase, revision, failure reason and each metric's measured values.
 */
export interface InspectedRollout {
  namespace: string;
  name: string;
  strategy: RolloutStatus['strategy'];
  phase: RolloutStatus['phase'];
  message: string;
  explanation: string | null;
  step: string | null;
  setWeight: number | null;
  actualWeight: number | null;
  replicas: RolloutStatus['replicas'];
  images: Array<{
    image: string;
    digests: string[];
    roles: RolloutStatus['images'][number]['roles'];
  }>;
  cliImages: NonNullable<RolloutStatus['cliImages']>;
  analysisRuns: Array<{
    name: string;
    phase: string;
    revision: number | null;
    failureReason: string | null;
    metrics: Array<{
      name: string;
      phase: string;
      failureReason: string | null;
      values: Array<string | null>;
    }>;
  }>;
}

/** A workload as `inspect` prints it: what {@link WorkloadStatus} says it asks for and runs. */
export interface InspectedWorkload {
  kind: WorkloadStatus['kind'];
  namespace: string;
  name: string;
  specImages: string[];
  replicas: WorkloadStatus['replicas'];
  revision: number | null;
  running: Array<{
    image: string;
    pinnedByDigest: boolean;
    digest: string | null;
    pods: number;
    readyPods: number;
  }>;
}

/** An Ingress with the URLs Argo CD (and the ladder) shows for it. */
export interface InspectedIngress {
  namespace: string;
  name: string;
  urls: string[];
}

/**
 * A preview environment as `findPreviews` finds it without a config, a
 * cluster or GitHub: `prState` is `unknown` and `title` null, as nothing
 * says otherwise; `preview-outlived-pr` rests on the ApplicationSets' evidence.
 */
export type InspectedPreview = Omit<PreviewEnvironment, 'cluster'>;

/** What `inspect` prints without `--config`. */
export interface Inspection {
  rollouts: InspectedRollout[];
  workloads: InspectedWorkload[];
  ingresses: InspectedIngress[];
  previews: InspectedPreview[];
}

const byNamespaceAndName = <T extends { namespace: string; name: string }>(
  a: T,
  b: T,
  tieBreak: (a: T, b: T) => number = () => 0,
) =>
  compare(a.namespace, b.namespace) ||
  compare(a.name, b.name) ||
  tieBreak(a, b);

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function readName(object: unknown): { namespace: string; name: string } {
  const metadata = (object as { metadata?: Record<string, unknown> })?.metadata;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { namespace: text(metadata?.namespace), name: text(metadata?.name) };
}

/**
 * Reads objects of one cluster with the domain functions the ladder uses:
 * rollouts with {@link getRolloutStatus}, workloads with
 * {@link observeWorkloads}, ingresses with {@link ingressUrls}; each list
 * sorted by namespace and name. An object listed twice counts once.
 * Previews are {@link findPreviews} over all the objects with no config (found
 * from the ApplicationSets, the default annotations and names), newest first
 * as the preview rung lists them.
 */
export function inspectObjects(
  objects: RungObjects,
  options: { containerName?: string } = {},
): Inspection {
  const cluster = '';
  const seenRollouts = new Set<string>();
  const rollouts: InspectedRollout[] = [];
  for (const rollout of objects.rollouts) {
    const { namespace, name } = readName(rollout);
    const key = `${namespace}\u0000${name}`;
    if (seenRollouts.has(key)) continue;
    seenRollouts.add(key);
    const status = getRolloutStatus(rollout, {
      replicaSets: objects.replicaSets,
      pods: objects.pods,
      analysisRuns: objects.analysisRuns,
      cluster,
      containerName: options.containerName,
    });
    rollouts.push({
      namespace: status.namespace,
      name: status.name,
      strategy: status.strategy,
      phase: status.phase,
      message: status.message,
      explanation: status.explanation ?? null,
      step: status.step,
      setWeight: status.setWeight,
      actualWeight: status.actualWeight,
      replicas: { ...status.replicas },
      images: status.images.map(image => ({
        image: image.image,
        digests: [...image.digests],
        roles: [...image.roles],
      })),
      cliImages: (status.cliImages ?? []).map(image => ({
        image: image.image,
        tags: [...image.tags],
      })),
      analysisRuns: status.analysisRuns.map(run => ({
        name: run.name,
        phase: run.phase,
        revision: run.revision ?? null,
        failureReason: run.failureReason ?? null,
        metrics: run.metrics.map(metric => ({
          name: metric.name,
          phase: metric.phase,
          failureReason: metric.failureReason ?? null,
          values: (metric.measurements ?? []).map(m => m.value),
        })),
      })),
    });
  }

  const workloads: InspectedWorkload[] = observeWorkloads(objects, {
    cluster,
    containerName: options.containerName,
  }).map(workload => ({
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    specImages: [...workload.specImages],
    replicas: { ...workload.replicas },
    revision: workload.revision,
    running: workload.running.map(running => ({
      image: running.image,
      pinnedByDigest: running.pinnedByDigest,
      digest: running.digest,
      pods: running.pods,
      readyPods: running.readyPods,
    })),
  }));

  const seenIngresses = new Set<string>();
  const ingresses: InspectedIngress[] = [];
  for (const ingress of objects.ingresses) {
    const { namespace, name } = readName(ingress);
    const key = `${namespace}\u0000${name}`;
    if (seenIngresses.has(key)) continue;
    seenIngresses.add(key);
    ingresses.push({ namespace, name, urls: ingressUrls(ingress) });
  }

  return {
    rollouts: rollouts.sort((a, b) => byNamespaceAndName(a, b)),
    workloads: workloads.sort((a, b) =>
      byNamespaceAndName(a, b, (x, y) => compare(x.kind, y.kind)),
    ),
    ingresses: ingresses.sort((a, b) => byNamespaceAndName(a, b)),
    previews: findPreviews(objects, {
      containerName: options.containerName,
    }).map(preview => ({
      namespace: preview.namespace,
      applicationName: preview.applicationName,
      prNumber: preview.prNumber,
      branch: preview.branch,
      branchSlug: preview.branchSlug,
      headSha: preview.headSha,
      prUrl: preview.prUrl,
      prState: preview.prState,
      title: preview.title,
      digest: preview.digest,
      health: preview.health,
      createdAt: preview.createdAt,
      urls: [...preview.urls],
      flags: preview.flags.map(flag => ({
        rule: flag.rule,
        message: flag.message,
      })),
    })),
  };
}
