import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesProxyGet } from './kubernetesProxy';
import { slimObject } from './slimObject';

/** One kind the model keeps, and where the API serves it. */
export interface ModelResource {
  key:
    | 'pods'
    | 'replicaSets'
    | 'deployments'
    | 'rollouts'
    | 'analysisRuns'
    | 'ingresses'
    | 'horizontalPodAutoscalers'
    | 'namespaces'
    | 'applications'
    | 'applicationSets';
  apiPath: string;
  plural: string;
  /** Custom resources may be absent from a cluster: their 404 means "none". */
  optional?: boolean;
  /** Only preview rungs read it. */
  previewsOnly?: boolean;
  clusterScoped?: boolean;
}

type KubeObject = Record<string, any>;

/** How long the very first list of a kind may take (see `list`). */
const FIRST_LIST_TIMEOUT_MS = 30_000;
/** Objects per list page (client-go's informers ask for 500). */
const LIST_PAGE_SIZE = 500;

/** The watch's resourceVersion is too old (410 Gone / Expired): list again. */
class GoneError extends Error {
  name = 'GoneError';
}

/** What a reflector reports of itself (counts since start). */
export interface ReflectorStats {
  lists: number;
  watches: number;
  relistsAfterGone: number;
  resumes: number;
  /** Watches cut because they said nothing for the idle limit (silently dropped). */
  idleRestarts: number;
  objects: number;
}

export interface ReflectorOptions {
  cluster: string;
  resource: ModelResource;
  /** Undefined: all namespaces (or a cluster-scoped kind). */
  namespace?: string;
  /** What the model selects, e.g. `backstage.io/kubernetes-id`. */
  labelSelector: string;
  /** Objects are indexed by this label's value (the entity's kubernetes-id). */
  indexLabel: string;
  get: KubernetesProxyGet;
  /**
   * A list that takes longer fails like a timeout. Not applied to a watch: a
   * healthy watch may be quiet for a minute, and through the Kubernetes
   * plugin's proxy even its headers wait for its first event or bookmark.
   */
  requestTimeoutMs: number;
  /** Asked of the API server for each watch; the stream is then resumed. */
  watchTimeoutSeconds: number;
  /**
   * A watch stream that says nothing (no event, no bookmark) for this long
   * was dropped silently (a proxy or load balancer lost it): it is cut and
   * resumed. Longer than `watchTimeoutSeconds`, so that a healthy stream ends
   * on its own first.
   */
  watchIdleTimeoutMs: number;
  /** Told the index-label values of objects that changed (before and after). */
  onChange: (ids: Set<string>) => void;
  /** Told when the reflector fails, or answers again after failing. */
  onStateChange?: () => void;
  logger: LoggerService;
  backoff?: { initialMs: number; maxMs: number };
}

const objectKey = (o: KubeObject) =>
  `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name ?? ''}`;

/**
 * Keeps one kind of one cluster (in one namespace, or all) current, the way
 * client-go's reflector does: list once, then watch from the list's
 * resourceVersion with bookmarks; a stream that ends is resumed from the last
 * resourceVersion seen; `410 Gone` lists again; a cluster that fails is
 * retried with a growing pause and reported as failing meanwhile.
 */
export class Reflector {
  /** By index-label value, then by namespace/name. */
  private readonly byId = new Map<string, Map<string, KubeObject>>();
  private resourceVersion?: string;
  private phase: 'syncing' | 'live' | 'error' = 'syncing';
  private lastError?: string;
  private stopped = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private readonly counts: ReflectorStats = {
    lists: 0,
    watches: 0,
    relistsAfterGone: 0,
    resumes: 0,
    idleRestarts: 0,
    objects: 0,
  };
  private running?: Promise<void>;

  constructor(private readonly options: ReflectorOptions) {}

  get state() {
    return this.phase;
  }

  get error() {
    return this.lastError;
  }

  stats(): ReflectorStats {
    return { ...this.counts, objects: this.size };
  }

  get size(): number {
    let n = 0;
    for (const bucket of this.byId.values()) n += bucket.size;
    return n;
  }

  start() {
    this.running ??= this.run();
  }

  async stop() {
    this.stopped = true;
    this.abort.abort();
    this.settle();
    await this.running;
  }

  /** Resolves once the reflector is live or failing (not while it lists or reconnects). */
  settled(signal?: AbortSignal): Promise<void> {
    if (this.phase !== 'syncing' || this.stopped) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal!.reason);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** The objects with one of `ids` as their index label, or all when `ids` is undefined. */
  select(ids: string[] | undefined): KubeObject[] {
    const buckets = ids
      ? ids.map(id => this.byId.get(id)).filter(b => b !== undefined)
      : [...this.byId.values()];
    return buckets.flatMap(bucket => [...bucket!.values()]);
  }

  private settle() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }

  private setPhase(phase: 'syncing' | 'live' | 'error', error?: string) {
    const failedBefore = this.phase === 'error' ? this.lastError : undefined;
    const failedNow = phase === 'error' ? error : undefined;
    this.phase = phase;
    this.lastError = error;
    // Views built while the cluster answered must not outlive its failure
    // (nor the failure its recovery); a list that follows tells its own changes.
    if (failedBefore !== failedNow) this.options.onStateChange?.();
    if (phase !== 'syncing') this.settle();
  }

  private path(query: Record<string, string>): string {
    const { resource, namespace } = this.options;
    const base =
      namespace && !resource.clusterScoped
        ? `${resource.apiPath}/namespaces/${encodeURIComponent(namespace)}/${
            resource.plural
          }`
        : `${resource.apiPath}/${resource.plural}`;
    return `${base}?${new URLSearchParams({
      labelSelector: this.options.labelSelector,
      ...query,
    })}`;
  }

  private idOf(object: KubeObject): string {
    return object?.metadata?.labels?.[this.options.indexLabel] ?? '';
  }

  private put(object: KubeObject, changed: Set<string>) {
    const slim = slimObject(object, this.options.resource.key === 'pods');
    const key = objectKey(slim);
    const id = this.idOf(slim);
    // The object may have moved to another id (its label changed).
    for (const [otherId, bucket] of this.byId) {
      if (otherId !== id && bucket.delete(key)) {
        changed.add(otherId);
        if (bucket.size === 0) this.byId.delete(otherId);
      }
    }
    let bucket = this.byId.get(id);
    if (!bucket) this.byId.set(id, (bucket = new Map()));
    bucket.set(key, slim);
    changed.add(id);
  }

  private remove(object: KubeObject, changed: Set<string>) {
    const key = objectKey(object);
    for (const [id, bucket] of this.byId) {
      if (bucket.delete(key)) {
        changed.add(id);
        if (bucket.size === 0) this.byId.delete(id);
      }
    }
  }

  private describe(what: string) {
    const { cluster, resource } = this.options;
    return `cluster '${cluster}' ${what} ${resource.plural}`;
  }

  private async run() {
    const backoff = this.options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    let pause = backoff.initialMs;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) {
          const present = await this.list();
          if (!present) {
            // An optional kind the cluster does not serve: look again later.
            this.setPhase('live');
            await this.sleep(5 * 60_000);
            continue;
          }
          // The cluster answers again: a later fault starts its pause anew.
          pause = backoff.initialMs;
        }
        const startedAt = Date.now();
        await this.watch();
        pause = backoff.initialMs;
        this.counts.resumes += 1;
        // Resumed from the last resourceVersion; a stream that keeps ending
        // at once is paused for, so that it cannot spin.
        if (Date.now() - startedAt < 1000) await this.sleep(1000);
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof GoneError) {
          this.counts.relistsAfterGone += 1;
          this.resourceVersion = undefined;
          continue;
        }
        const message = describeError(
          error,
          this.options.cluster,
          this.options.requestTimeoutMs,
        );
        if (this.phase !== 'error' || this.lastError !== message) {
          this.options.logger.warn('Cluster model: a cluster read failed', {
            cluster: this.options.cluster,
            resource: this.options.resource.plural,
            error: message,
          });
        }
        this.setPhase('error', message);
        this.resourceVersion = undefined;
        await this.sleep(pause);
        pause = Math.min(pause * 2, backoff.maxMs);
      }
    }
  }

  private sleep(ms: number) {
    return new Promise<void>(resolve => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Lists the kind, in pages of {@link LIST_PAGE_SIZE} as client-go's informers do, so
   * that a cluster of thousands of pods answers each page within the cluster timeout
   * (one 30 MB list does not cross the Kubernetes plugin's proxy in 5 s). The model is
   * replaced only when the last page arrived; an expired continue token is a 410, and
   * the list starts again. False when an optional kind is not served (404).
   */
  private async list(): Promise<boolean> {
    this.counts.lists += 1;
    // The first list may wait on more than the cluster (the Kubernetes plugin
    // loads its client on its first proxied request): it gets longer. Views
    // still wait only the cluster timeout for it, and say so.
    const timeoutMs =
      this.counts.lists === 1
        ? Math.max(this.options.requestTimeoutMs, FIRST_LIST_TIMEOUT_MS)
        : this.options.requestTimeoutMs;
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const signal = AbortSignal.any([
        this.abort.signal,
        AbortSignal.timeout(timeoutMs),
      ]);
      const response = await this.options.get(
        this.options.cluster,
        this.path({
          limit: String(LIST_PAGE_SIZE),
          ...(continueToken ? { continue: continueToken } : {}),
        }),
        signal,
      );
      if (response.status === 404 && this.options.resource.optional) {
        await response.body?.cancel();
        this.replace([], undefined);
        return false;
      }
      if (response.status === 410 && continueToken) {
        await response.body?.cancel();
        throw new GoneError();
      }
      if (!response.ok) {
        await response.body?.cancel();
        // Only the status line: nothing the cluster echoes can leak.
        throw new Error(
          this.describe(
            `answered ${`${response.status} ${
              response.statusText || ''
            }`.trim()} when listing`,
          ),
        );
      }
      let body: any;
      try {
        body = await response.json();
      } catch (error) {
        // A body cut off by the timeout is a slow cluster, not a malformed one.
        if (signal.aborted) throw signal.reason;
        throw new Error(
          this.describe('returned a malformed answer when listing'),
        );
      }
      if (!Array.isArray(body?.items)) {
        throw new Error(
          this.describe('returned something other than a list when listing'),
        );
      }
      items.push(...body.items);
      resourceVersion = String(body.metadata?.resourceVersion ?? '');
      continueToken =
        typeof body.metadata?.continue === 'string' && body.metadata.continue
          ? body.metadata.continue
          : undefined;
    } while (continueToken);
    this.replace(items, resourceVersion);
    return true;
  }

  private replace(items: KubeObject[], resourceVersion: string | undefined) {
    const changed = new Set<string>(this.byId.keys());
    this.byId.clear();
    for (const item of items) this.put(item, changed);
    this.resourceVersion = resourceVersion || undefined;
    this.setPhase('live');
    this.options.onChange(changed);
  }

  /** Watches from the current resourceVersion until the stream ends. */
  private async watch() {
    this.counts.watches += 1;
    const cut = new AbortController();
    // Not the cluster timeout: the Kubernetes plugin's proxy (http-proxy)
    // sends a watch's response headers only with the first byte of its body,
    // so a quiet watch has no headers until its first event or bookmark.
    // Only the idle limit bounds it, from the request on: a stream that says
    // nothing (not even a bookmark) for longer than it was asked to last is
    // dead: it is cut and resumed.
    let idleTimer: NodeJS.Timeout | undefined;
    let idle = false;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idle = true;
        cut.abort();
      }, this.options.watchIdleTimeoutMs);
    };
    const signal = AbortSignal.any([this.abort.signal, cut.signal]);
    touch();
    let response: Response;
    try {
      response = await this.options.get(
        this.options.cluster,
        this.path({
          watch: 'true',
          resourceVersion: this.resourceVersion ?? '',
          allowWatchBookmarks: 'true',
          timeoutSeconds: String(this.options.watchTimeoutSeconds),
        }),
        signal,
      );
    } catch (error) {
      clearTimeout(idleTimer);
      // Not one byte for the idle limit, where a healthy cluster ends the
      // watch or sends a bookmark sooner: the cluster does not answer. Its
      // rung says so, and the next attempt lists (bounded by the cluster timeout).
      if (idle && !this.stopped) {
        throw new Error(
          this.describe(
            `did not answer within ${this.options.watchIdleTimeoutMs} ms when watching`,
          ),
        );
      }
      throw error;
    }
    if (response.status === 410) {
      clearTimeout(idleTimer);
      await response.body?.cancel();
      throw new GoneError();
    }
    if (!response.ok || !response.body) {
      clearTimeout(idleTimer);
      await response.body?.cancel();
      throw new Error(
        this.describe(
          `answered ${`${response.status} ${
            response.statusText || ''
          }`.trim()} when watching`,
        ),
      );
    }
    this.setPhase('live');
    touch();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        const changed = new Set<string>();
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) this.apply(line, changed);
          newline = buffer.indexOf('\n');
        }
        if (changed.size > 0) this.options.onChange(changed);
      }
      // Ended by the server, but mid-event: the answer is broken, not done.
      if (buffer.trim()) {
        throw new Error(
          this.describe('returned a malformed answer when watching'),
        );
      }
    } catch (error) {
      if (error instanceof GoneError || this.stopped) throw error;
      if ((error as Error)?.message?.startsWith(`cluster '`)) throw error;
      // A dropped stream: resumed from the last resourceVersion by run().
    } finally {
      clearTimeout(idleTimer);
    }
    if (idle && !this.stopped) {
      this.counts.idleRestarts += 1;
      this.options.logger.debug(
        'Cluster model: a watch said nothing for its idle limit; resuming it',
        {
          cluster: this.options.cluster,
          resource: this.options.resource.plural,
          idleLimitMs: this.options.watchIdleTimeoutMs,
        },
      );
    }
    // The model stays live while the watch resumes: it holds every change up
    // to the last resourceVersion, and the resumed watch replays any since.
    // (Waiting for the resumed watch's first byte would hold views for up to
    // a minute through the proxy.) A cluster that fails makes the resume fail.
  }

  private apply(line: string, changed: Set<string>) {
    let event: { type?: string; object?: KubeObject };
    try {
      event = JSON.parse(line);
    } catch {
      throw new Error(
        this.describe('returned a malformed answer when watching'),
      );
    }
    const object = event.object;
    const resourceVersion = object?.metadata?.resourceVersion;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.put(object!, changed);
        break;
      case 'DELETED':
        this.remove(object!, changed);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (object?.code === 410) throw new GoneError();
        throw new Error(
          this.describe(
            `sent an error (${object?.code ?? 'no code'} ${
              object?.reason ?? ''
            }) when watching`.replace(' )', ')'),
          ),
        );
      default:
        throw new Error(this.describe('sent an unknown event when watching'));
    }
    if (resourceVersion) this.resourceVersion = String(resourceVersion);
  }
}

function describeError(
  error: unknown,
  cluster: string,
  timeoutMs: number,
): string {
  const e = error as Error | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `cluster '${cluster}' did not answer within ${timeoutMs} ms`;
  }
  if (e?.message?.startsWith(`cluster '${cluster}'`)) return e.message;
  return `cluster '${cluster}' could not be read: ${
    e?.message ?? 'unknown error'
  }`;
}
