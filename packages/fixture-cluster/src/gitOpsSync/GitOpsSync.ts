import { ObjectStore } from '../ObjectStore';
import { RESOURCE_TYPES } from '../resources';
import { KubeObject } from '../types';
import { imageRepository, planRollout, RolloutPlan } from './planRollout';
import { readOverlayImages } from './readOverlayImages';

/** The GitOps sync of a set of fixture clusters (see the README's "GitOps sync"). */
export interface GitOpsSyncOptions {
  /** The GitOps repository's web URL on the GitHub stand-in, e.g. `http://127.0.0.1:7110/acme/gitops`. */
  repository: string;
  /** The stand-in's API; `<origin>/api/v3` by default, as fixture-github serves it. */
  apiBaseUrl?: string;
  /** Sent as `Authorization: token <token>`; fixture-github's default token when absent. */
  token?: string;
  /** The branch the clusters follow; `main` by default. */
  baseBranch?: string;
  /** Which overlay environment each cluster syncs, by cluster name (`apps/<service>/overlays/<environment>`). */
  clusters: Record<string, string>;
  /** Digests whose AnalysisRuns fail, so that their canaries abort. */
  failingDigests?: string[];
  /** Divides every delay (the poll interval too); 1 by default. */
  speed?: number;
  /** How often the branch is read, at speed 1; 1000 ms by default. */
  pollIntervalMs?: number;
  /** Where the sync says what it does; silent by default. */
  log?: (line: string) => void;
}

/** One sync the poller started. */
export interface GitOpsSyncRecord {
  cluster: string;
  workload: string;
  digest: string;
  revision: number;
  outcome: RolloutPlan['outcome'];
  steps: number;
  stepsApplied: number;
  /** Finished, or superseded by a newer pin, or stopped. */
  state: 'running' | 'done' | 'superseded' | 'stopped';
}

const DEFAULT_TOKEN = 'fixture-github-token';
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Checks the options, throwing a message that names the bad one. */
export function validateGitOpsSyncOptions(
  options: GitOpsSyncOptions,
  knownClusters: string[],
  where = 'gitops',
) {
  let url: URL;
  try {
    url = new URL(options.repository);
  } catch {
    throw new Error(
      `${where}.repository must be the repository's URL, e.g. http://127.0.0.1:7110/acme/gitops, got ${JSON.stringify(
        options.repository,
      )}`,
    );
  }
  if (
    !/^https?:$/.test(url.protocol) ||
    url.pathname.split('/').filter(Boolean).length !== 2
  ) {
    throw new Error(
      `${where}.repository must be http(s)://<host>/<owner>/<repo>, got ${JSON.stringify(
        options.repository,
      )}`,
    );
  }
  if (
    !options.clusters ||
    typeof options.clusters !== 'object' ||
    Array.isArray(options.clusters) ||
    Object.keys(options.clusters).length === 0
  ) {
    throw new Error(
      `${where}.clusters must map cluster names to overlay environments, e.g. { staging: staging }`,
    );
  }
  for (const [cluster, environment] of Object.entries(options.clusters)) {
    if (!knownClusters.includes(cluster)) {
      throw new Error(
        `${where}.clusters.${cluster}: no cluster named '${cluster}' (known: ${knownClusters.join(
          ', ',
        )})`,
      );
    }
    if (
      typeof environment !== 'string' ||
      !/^[A-Za-z0-9._-]+$/.test(environment)
    ) {
      throw new Error(
        `${where}.clusters.${cluster} must be an environment name (letters, digits, . _ -), got ${JSON.stringify(
          environment,
        )}`,
      );
    }
  }
  for (const [i, digest] of (options.failingDigests ?? []).entries()) {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new Error(
        `${where}.failingDigests[${i}] must be sha256:<64 lowercase hex>, got ${JSON.stringify(
          digest,
        )}`,
      );
    }
  }
  if (
    options.speed !== undefined &&
    (typeof options.speed !== 'number' ||
      !Number.isFinite(options.speed) ||
      options.speed <= 0)
  ) {
    throw new Error(
      `${where}.speed must be a number > 0, got ${options.speed}`,
    );
  }
  if (
    options.pollIntervalMs !== undefined &&
    (typeof options.pollIntervalMs !== 'number' ||
      !Number.isFinite(options.pollIntervalMs) ||
      options.pollIntervalMs < 10)
  ) {
    throw new Error(
      `${where}.pollIntervalMs must be a number >= 10, got ${options.pollIntervalMs}`,
    );
  }
  for (const key of ['token', 'baseBranch', 'apiBaseUrl'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !value)) {
      throw new Error(`${where}.${key} must be a non-empty string`);
    }
  }
}

/**
 * Makes fixture clusters follow a GitOps repository on the GitHub stand-in the way
 * Argo CD would sync it: reads the base branch every ~1 s, remembers the pin of each
 * overlay image it saw first, and when one changes to a new digest plans the
 * controller's work ({@link planRollout}) and applies its steps to the cluster's
 * object store with their delays, so that watches see every change.
 */
export class GitOpsSync {
  private readonly api: string;
  private readonly repo: string;
  private readonly speed: number;
  private readonly pollMs: number;
  /** Pins seen, by `<cluster> <overlay path> <image name>`. */
  private readonly pins = new Map<string, string>();
  private readonly running = new Map<
    string,
    { cancel: () => void; done: Promise<void> }
  >();
  private readonly records: GitOpsSyncRecord[] = [];
  private lastSha?: string;
  private lastError?: string;
  private pollTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly options: GitOpsSyncOptions,
    private readonly stores: Map<string, ObjectStore>,
  ) {
    validateGitOpsSyncOptions(options, [...stores.keys()]);
    const url = new URL(options.repository);
    this.repo = url.pathname.split('/').filter(Boolean).join('/');
    this.api = (options.apiBaseUrl ?? `${url.origin}/api/v3`).replace(
      /\/+$/,
      '',
    );
    this.speed = options.speed ?? 1;
    // Never more than 20 reads a second, however fast the speed: each is a request the stand-in logs.
    this.pollMs = Math.max(50, (options.pollIntervalMs ?? 1000) / this.speed);
  }

  /** Starts polling: the first read remembers the pins, later ones act on changes. */
  start() {
    const loop = () => {
      if (this.stopped) return;
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        if (!this.stopped) this.pollTimer = setTimeout(loop, this.pollMs);
      });
    };
    loop();
  }

  /** Stops polling and every sync under way (their remaining steps are not applied). */
  async stop() {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.polling;
    for (const { cancel } of this.running.values()) cancel();
    await Promise.all([...this.running.values()].map(r => r.done));
  }

  /** The syncs started so far, oldest first. */
  syncs(): GitOpsSyncRecord[] {
    return structuredClone(this.records);
  }

  /** The pins seen, by `<cluster> <overlay path> <image name>`. */
  seenPins(): Record<string, string> {
    return Object.fromEntries(this.pins);
  }

  /** Resolves when no sync is under way (and the poll in progress, if any, is over). */
  async whenIdle() {
    await this.polling;
    while (this.running.size) {
      await Promise.all([...this.running.values()].map(r => r.done));
    }
  }

  /** One read of the branch; acts on the pins that changed since the last read. */
  async poll(): Promise<void> {
    try {
      const ref = await this.get(
        `/repos/${this.repo}/git/ref/heads/${encodeURIComponent(
          this.options.baseBranch ?? 'main',
        )}`,
      );
      const sha: string | undefined = ref?.object?.sha;
      if (!sha) throw new Error('the branch answer has no object.sha');
      if (sha === this.lastSha) return;
      const apps = await this.get(
        `/repos/${this.repo}/contents/apps?ref=${sha}`,
      );
      const services: string[] = Array.isArray(apps)
        ? apps.filter((e: any) => e?.type === 'dir').map((e: any) => e.name)
        : [];
      for (const [cluster, environment] of Object.entries(
        this.options.clusters,
      )) {
        for (const service of services) {
          const path = `apps/${service}/overlays/${environment}/kustomization.yaml`;
          const file = await this.get(
            `/repos/${this.repo}/contents/${path}?ref=${sha}`,
            true,
          );
          if (!file || typeof file.content !== 'string') continue;
          const text = Buffer.from(file.content, 'base64').toString('utf8');
          let overlay;
          try {
            overlay = readOverlayImages(text);
          } catch (error) {
            this.say(`${path}: ${(error as Error).message}; left as it was`);
            continue;
          }
          for (const image of overlay.images) {
            const key = `${cluster} ${path} ${image.name}`;
            const before = this.pins.get(key);
            this.pins.set(key, image.pin);
            if (before === undefined || before === image.pin) continue;
            if (!image.digest) {
              this.say(
                `${cluster}: ${path} names ${image.repository} by tag (${image.pin}); only digests are synced`,
              );
              continue;
            }
            this.syncImage(
              cluster,
              overlay.namespace,
              `${image.repository}@${image.digest}`,
            );
          }
        }
      }
      this.lastSha = sha;
      if (this.lastError) {
        this.say(`reading ${this.options.repository} again`);
        this.lastError = undefined;
      }
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastError) {
        this.say(
          `cannot read ${this.options.repository} (${message}); trying again every ${this.pollMs} ms`,
        );
        this.lastError = message;
      }
    }
  }

  /** Plans and starts the roll of every workload of the cluster that runs the image's repository. */
  private syncImage(
    cluster: string,
    namespace: string | undefined,
    image: string,
  ) {
    const store = this.stores.get(cluster)!;
    const objects = allObjects(store);
    const repository = imageRepository(image);
    const digest = image.split('@')[1];
    const workloads = objects.filter(
      o =>
        (o.kind === 'Deployment' || o.kind === 'Rollout') &&
        (namespace === undefined || o.metadata.namespace === namespace) &&
        ((o as any).spec?.template?.spec?.containers ?? []).some(
          (c: any) =>
            typeof c?.image === 'string' &&
            imageRepository(c.image) === repository,
        ),
    );
    if (workloads.length === 0) {
      this.say(`${cluster}: no workload runs ${repository}; nothing to sync`);
      return;
    }
    for (const workload of workloads) {
      const key = `${cluster} ${workload.kind} ${workload.metadata.namespace}/${workload.metadata.name}`;
      this.running.get(key)?.cancel();
      let plan: RolloutPlan;
      try {
        plan = planRollout(allObjects(store), {
          workload: {
            kind: workload.kind as 'Deployment' | 'Rollout',
            namespace: workload.metadata.namespace!,
            name: workload.metadata.name,
          },
          image,
          failingAnalysis: (this.options.failingDigests ?? []).includes(digest),
          now: new Date(),
          speed: this.speed,
        });
      } catch (error) {
        this.say(`${key}: cannot plan the sync: ${(error as Error).message}`);
        continue;
      }
      this.run(key, cluster, store, plan, digest);
    }
  }

  private run(
    key: string,
    cluster: string,
    store: ObjectStore,
    plan: RolloutPlan,
    digest: string,
  ) {
    const record: GitOpsSyncRecord = {
      cluster,
      workload: `${plan.workload.kind} ${plan.workload.namespace}/${plan.workload.name}`,
      digest,
      revision: plan.revision,
      outcome: plan.outcome,
      steps: plan.steps.length,
      stepsApplied: 0,
      state: 'running',
    };
    this.records.push(record);
    this.say(
      `${cluster}: ${record.workload} syncs to ${digest.slice(
        0,
        19,
      )}…, revision ${plan.revision}, ${plan.steps.length} steps (${
        plan.outcome
      })`,
    );
    let timer: NodeJS.Timeout | undefined;
    let finish!: () => void;
    const done = new Promise<void>(resolve => {
      finish = resolve;
    });
    const end = (state: GitOpsSyncRecord['state']) => {
      if (record.state !== 'running') return;
      record.state = state;
      if (timer) clearTimeout(timer);
      if (this.running.get(key)?.done === done) this.running.delete(key);
      finish();
    };
    const next = (index: number) => {
      if (record.state !== 'running') return;
      if (index >= plan.steps.length) {
        this.say(`${cluster}: ${record.workload} ${plan.outcome}`);
        end('done');
        return;
      }
      const step = plan.steps[index];
      timer = setTimeout(() => {
        if (record.state !== 'running') return;
        try {
          for (const object of step.apply) store.apply(object, 'GitOps sync');
          for (const ref of step.remove) store.remove(ref);
        } catch (error) {
          this.say(`${key}: ${(error as Error).message}; sync stopped`);
          end('stopped');
          return;
        }
        record.stepsApplied = index + 1;
        next(index + 1);
      }, step.afterMs / this.speed);
    };
    this.running.set(key, {
      cancel: () => end(this.stopped ? 'stopped' : 'superseded'),
      done,
    });
    next(0);
  }

  private async get(path: string, allowNotFound = false): Promise<any> {
    const response = await fetch(`${this.api}${path}`, {
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `token ${this.options.token ?? DEFAULT_TOKEN}`,
      },
      signal: AbortSignal.timeout(5000),
    });
    if (allowNotFound && response.status === 404) return undefined;
    if (!response.ok) {
      throw new Error(`GET ${path.split('?')[0]} answered ${response.status}`);
    }
    return response.json();
  }

  private say(line: string) {
    this.options.log?.(`gitops: ${line}`);
  }
}

/** Every object of a store (the metrics API left out: it is computed). */
export function allObjects(store: ObjectStore): KubeObject[] {
  return RESOURCE_TYPES.filter(t => t.group !== 'metrics.k8s.io').flatMap(t =>
    store.list(t),
  );
}
