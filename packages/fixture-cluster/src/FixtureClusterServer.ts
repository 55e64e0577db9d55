import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ObjectStore, StoreEvent } from './ObjectStore';
import { groupVersionOf } from './resources';
import {
  parseResourcePath,
  routeRequest,
  RouteResponse,
  WatchRequest,
} from './routes';
import { failureStatus } from './status';
import { FAULT_MODES, FaultMode, FixtureClusterStats } from './types';

/** The longest a `timeout` fault holds a request before closing it. */
export const MAX_TIMEOUT_FAULT_MS = 120_000;

/** Where the admin API lives on every cluster's port. */
export const ADMIN_PREFIX = '/_fixture';

/** Options of one {@link FixtureClusterServer}. */
export interface FixtureClusterServerOptions {
  name: string;
  store: ObjectStore;
  host: string;
  port: number;
  fault?: FaultMode;
  latencyMs?: number;
  token?: string;
  timeoutFaultMaxMs?: number;
  /** How often a watch that asked for bookmarks gets one; 5 s by default (an API server: about a minute). */
  bookmarkIntervalMs?: number;
}

/** Pinned images only: the admin API's set-image takes `repo@sha256:<64 hex>` or `repo:tag`. */
const IMAGE = /^[a-z0-9][a-z0-9._/:-]{0,254}(@sha256:[a-f0-9]{64})?$/;

/** Whether a value is one of the fault modes. */
export function isFaultMode(value: unknown): value is FaultMode {
  return typeof value === 'string' && (FAULT_MODES as string[]).includes(value);
}

/** Checks a latency value, throwing a message that names what is wrong. */
export function validateLatency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(
      `latencyMs must be a number of milliseconds >= 0, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/** The identity a real cluster would report for the Backstage service account. */
const FORBIDDEN_USER = 'system:serviceaccount:backstage:backstage';

function forbiddenMessage(pathname: string): string {
  const request = parseResourcePath(pathname.split('/').filter(Boolean));
  if (!request) {
    return `forbidden: User "${FORBIDDEN_USER}" cannot get path "${pathname}"`;
  }
  let verb = request.name ? 'get' : 'list';
  if (request.watch) {
    verb = 'watch';
  }
  const resource = request.group
    ? `${request.plural}.${request.group}`
    : request.plural;
  const target = request.name ? `${resource} "${request.name}"` : resource;
  const scope = request.namespace
    ? `in the namespace "${request.namespace}"`
    : 'at the cluster scope';
  return `${target} is forbidden: User "${FORBIDDEN_USER}" cannot ${verb} resource "${request.plural}" in API group "${request.group}" ${scope}`;
}

/** Whether the client accepts JSON (the only representation served). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) {
    return true;
  }
  return accept.split(',').some(range => {
    const [type, ...params] = range.split(';').map(p => p.trim().toLowerCase());
    if (
      type !== 'application/json' &&
      type !== 'application/*' &&
      type !== '*/*'
    ) {
      return false;
    }
    // `as=Table` or `as=APIGroupDiscoveryList` ask for another object; a client
    // that sends those also lists plain JSON as the fallback.
    return !params.some(p => p.startsWith('as='));
  });
}

function readBody(
  req: http.IncomingMessage,
  limit = 64 * 1024,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * One fixture cluster: an HTTP server on its own port that answers the
 * read-only part of the Kubernetes API from an {@link ObjectStore}, plus the
 * admin API under `/_fixture` that switches faults and latency and reports
 * request counts.
 */
export class FixtureClusterServer {
  readonly name: string;
  private readonly store: ObjectStore;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly token?: string;
  private readonly timeoutFaultMs: number;
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Open watch streams, so that the admin API can drop them. */
  private readonly watchStreams = new Set<http.ServerResponse>();
  private readonly bookmarkIntervalMs: number;
  private faultMode: FaultMode;
  private latency: number;
  private counts: FixtureClusterStats;
  private boundPort = 0;
  private closed = false;

  constructor(options: FixtureClusterServerOptions) {
    this.name = options.name;
    this.store = options.store;
    this.host = options.host;
    this.requestedPort = options.port;
    this.token = options.token;
    this.timeoutFaultMs = Math.min(
      options.timeoutFaultMaxMs ?? MAX_TIMEOUT_FAULT_MS,
      MAX_TIMEOUT_FAULT_MS,
    );
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
    this.faultMode = options.fault ?? 'none';
    this.latency = options.latencyMs ?? 0;
    this.counts = FixtureClusterServer.emptyStats();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        if (!res.headersSent && !res.destroyed) {
          this.sendJson(
            req,
            res,
            500,
            failureStatus(500, 'InternalError', String(error)),
          );
        } else {
          res.destroy();
        }
      });
    });
    // Faults hold requests on purpose; the server itself must not cut them.
    this.server.requestTimeout = 0;
  }

  private static emptyStats(): FixtureClusterStats {
    return {
      total: 0,
      watches: 0,
      byPath: {},
      since: new Date().toISOString(),
    };
  }

  /** Creates or replaces an object; watches see the change. */
  apply(object: unknown): StoreEvent {
    return this.store.apply(object);
  }

  /** Deletes an object; watches see the change. */
  remove(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }): StoreEvent | undefined {
    return this.store.remove(ref);
  }

  /** Forgets the change history: watches resuming from before now get 410 Gone. */
  compact() {
    this.store.compact();
  }

  /** Cuts every open watch stream mid-way, as a load balancer or a restart would. */
  dropWatches(): number {
    const count = this.watchStreams.size;
    for (const res of this.watchStreams) {
      res.destroy();
    }
    this.watchStreams.clear();
    return count;
  }

  /**
   * Sets the image of a workload's containers (the first container, or the
   * named one) and returns the change: a live "new digest rolled out".
   */
  setImage(target: {
    kind: string;
    apiVersion?: string;
    namespace?: string;
    name: string;
    container?: string;
    image: string;
  }): StoreEvent {
    if (typeof target.image !== 'string' || !IMAGE.test(target.image)) {
      throw new Error(
        `image must look like repo:tag or repo@sha256:<64 hex>, got ${JSON.stringify(
          target.image,
        )}`,
      );
    }
    const apiVersion =
      target.apiVersion ??
      (
        {
          Deployment: 'apps/v1',
          ReplicaSet: 'apps/v1',
          StatefulSet: 'apps/v1',
          Rollout: 'argoproj.io/v1alpha1',
          Pod: 'v1',
        } as Record<string, string>
      )[target.kind];
    const namespace = target.namespace ?? 'default';
    const existing = apiVersion
      ? this.store.find(apiVersion, target.kind, namespace, target.name)
      : undefined;
    if (!existing) {
      throw new Error(
        `no ${target.kind} ${namespace}/${target.name} in cluster '${this.name}'`,
      );
    }
    const object = structuredClone(existing) as any;
    const podSpec =
      target.kind === 'Pod' ? object.spec : object.spec?.template?.spec;
    const containers: Array<{ name: string; image?: string }> =
      podSpec?.containers ?? [];
    const container = target.container
      ? containers.find(c => c.name === target.container)
      : containers[0];
    if (!container) {
      throw new Error(
        `${target.kind} ${namespace}/${target.name} has no container ${
          target.container ?? ''
        }`.trim(),
      );
    }
    container.image = target.image;
    if (object.metadata.generation !== undefined) {
      object.metadata.generation = Number(object.metadata.generation) + 1;
    }
    return this.store.apply(object);
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            `Cannot start fixture cluster '${this.name}' on ${this.host}:${this.requestedPort}: ${error.message}`,
          ),
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.requestedPort, this.host, () => {
        this.server.removeListener('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  get objectCount(): number {
    return this.store.size;
  }

  get fault(): FaultMode {
    return this.faultMode;
  }

  set fault(fault: FaultMode) {
    if (!isFaultMode(fault)) {
      throw new Error(
        `fault must be one of ${FAULT_MODES.join(', ')}, got ${JSON.stringify(
          fault,
        )}`,
      );
    }
    this.faultMode = fault;
    // A cluster that fails does not keep streaming: its watches end, and
    // whatever resumes them meets the fault.
    if (fault !== 'none') this.dropWatches();
  }

  get latencyMs(): number {
    return this.latency;
  }

  set latencyMs(value: number) {
    this.latency = validateLatency(value);
  }

  stats(): FixtureClusterStats {
    return structuredClone(this.counts);
  }

  resetStats() {
    this.counts = FixtureClusterServer.emptyStats();
  }

  /** Stops listening and drops every open connection, held ones included. */
  close(): Promise<void> {
    if (this.closed) {
      return Promise.resolve();
    }
    this.closed = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    return new Promise(resolve => {
      this.server.close(() => resolve());
      this.dropWatches();
      this.server.closeAllConnections();
    });
  }

  private setTimer(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clearTimer(timer: NodeJS.Timeout) {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fixture.invalid');
    const pathname = url.pathname;

    if (pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      await this.handleAdmin(req, res, pathname);
      return;
    }

    this.counts.total += 1;
    this.counts.byPath[pathname] = (this.counts.byPath[pathname] ?? 0) + 1;

    if (this.latency > 0) {
      const delay = this.latency;
      await new Promise<void>(resolve => {
        const timer = this.setTimer(delay, resolve);
        res.once('close', () => {
          this.clearTimer(timer);
          resolve();
        });
      });
      if (res.destroyed || res.writableEnded) {
        return;
      }
    }

    const fault = this.faultMode;
    if (fault === 'timeout') {
      // Accept the request and never answer; drop the connection at the cap
      // so that nothing leaks when the client never gives up.
      const timer = this.setTimer(this.timeoutFaultMs, () => {
        req.socket.destroy();
      });
      res.once('close', () => this.clearTimer(timer));
      return;
    }
    if (fault === '500') {
      this.sendJson(
        req,
        res,
        500,
        failureStatus(
          500,
          'InternalError',
          'an error on the server ("fixture-cluster: injected fault 500") has prevented the request from succeeding',
          {
            causes: [
              {
                reason: 'UnexpectedServerResponse',
                message: 'fixture-cluster: injected fault 500',
              },
            ],
          },
        ),
      );
      return;
    }
    if (fault === '401') {
      this.sendJson(
        req,
        res,
        401,
        failureStatus(401, 'Unauthorized', 'Unauthorized'),
      );
      return;
    }
    if (fault === '403') {
      const request = parseResourcePath(pathname.split('/').filter(Boolean));
      this.sendJson(
        req,
        res,
        403,
        failureStatus(403, 'Forbidden', forbiddenMessage(pathname), {
          ...(request?.name ? { name: request.name } : {}),
          ...(request?.group ? { group: request.group } : {}),
          ...(request ? { kind: request.plural } : {}),
        }),
      );
      return;
    }

    const response = this.answer(req, url);
    if (response.watch) {
      this.counts.watches += 1;
      if (fault === 'malformed') {
        this.send(req, res, 200, '{"type":"ADDED","obj', 'application/json');
        return;
      }
      this.streamWatch(res, response.watch);
      return;
    }
    if (fault === 'malformed') {
      const text =
        typeof response.body === 'string'
          ? response.body
          : JSON.stringify(response.body);
      // Cut mid-document: the status line and headers look fine, the body does not parse.
      const truncated = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      this.send(req, res, 200, truncated, 'application/json');
      return;
    }
    if (typeof response.body === 'string') {
      this.send(
        req,
        res,
        response.code,
        response.body,
        response.contentType ?? 'text/plain',
      );
    } else {
      this.sendJson(req, res, response.code, response.body);
    }
  }

  private answer(req: http.IncomingMessage, url: URL): RouteResponse {
    if (this.token !== undefined) {
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${this.token}`) {
        return {
          code: 401,
          body: failureStatus(401, 'Unauthorized', 'Unauthorized'),
        };
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return {
        code: 405,
        body: failureStatus(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource: the fixture cluster is read-only (${req.method} refused)`,
        ),
      };
    }
    const isLog = url.pathname.endsWith('/log');
    if (!isLog && !acceptsJson(req.headers.accept)) {
      return {
        code: 406,
        body: failureStatus(
          406,
          'NotAcceptable',
          'only the following media types are accepted: application/json',
        ),
      };
    }
    return routeRequest(
      this.store,
      url.pathname,
      url.searchParams,
      `${this.host}:${this.boundPort}`,
    );
  }

  /**
   * Streams a watch as the API server does: one JSON event per line
   * (ADDED, MODIFIED, DELETED, BOOKMARK), an ERROR event with a 410 Status
   * for a resourceVersion older than the change history, and the end of the
   * stream after `timeoutSeconds`.
   */
  private streamWatch(res: http.ServerResponse, watch: WatchRequest) {
    const store = this.store;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'X-Fixture-Cluster': this.name,
    });
    // Headers go out now: a client waits for them before reading events.
    res.flushHeaders();
    const send = (type: string, object: unknown) => {
      if (!res.destroyed && !res.writableEnded) {
        res.write(`${JSON.stringify({ type, object })}\n`);
      }
    };
    const inScope = (event: StoreEvent) =>
      event.resourceType === watch.type &&
      (watch.namespace === undefined ||
        event.object.metadata.namespace === watch.namespace);
    const deliver = (event: StoreEvent) => {
      if (!inScope(event)) {
        return;
      }
      const selected = watch.matches(event.object);
      if (event.type !== 'MODIFIED') {
        if (selected) send(event.type, event.object);
        return;
      }
      const wasSelected = event.previous
        ? watch.matches(event.previous)
        : false;
      if (selected) {
        send(wasSelected ? 'MODIFIED' : 'ADDED', event.object);
      } else if (wasSelected) {
        send('DELETED', event.object);
      }
    };

    if (watch.resourceVersion === undefined) {
      for (const object of store.list(watch.type, watch.namespace)) {
        if (watch.matches(object)) send('ADDED', object);
      }
    } else {
      const changes = store.changesSince(watch.resourceVersion);
      if (!changes) {
        send(
          'ERROR',
          failureStatus(
            410,
            'Expired',
            `too old resource version: ${watch.resourceVersion} (${store.oldestResumableVersion})`,
          ),
        );
        res.end();
        return;
      }
      changes.forEach(deliver);
    }

    this.watchStreams.add(res);
    const unsubscribe = store.subscribe(deliver);
    const bookmarks = watch.bookmarks
      ? setInterval(
          () =>
            send('BOOKMARK', {
              kind: watch.type.kind,
              apiVersion: groupVersionOf(watch.type),
              metadata: { resourceVersion: store.resourceVersion },
            }),
          this.bookmarkIntervalMs,
        )
      : undefined;
    const timeout =
      watch.timeoutSeconds !== undefined && watch.timeoutSeconds > 0
        ? this.setTimer(watch.timeoutSeconds * 1000, () => res.end())
        : undefined;
    res.once('close', () => {
      unsubscribe();
      this.watchStreams.delete(res);
      if (bookmarks) clearInterval(bookmarks);
      if (timeout) this.clearTimer(timeout);
    });
  }

  private async readJsonObject(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    what: string,
  ): Promise<Record<string, unknown> | undefined> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, 1024 * 1024));
    } catch (error) {
      this.sendJson(req, res, 400, {
        error: `body must be JSON: ${String(error)}`,
      });
      return undefined;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      this.sendJson(req, res, 400, {
        error: `body must be a JSON object ${what}`,
      });
      return undefined;
    }
    return body as Record<string, unknown>;
  }

  /** The admin paths that change objects: objects, set-image, compact, drop-watches. */
  private async handleChanges(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sub: string,
  ): Promise<boolean> {
    const change = (event: StoreEvent | undefined) =>
      this.sendJson(req, res, event ? 200 : 404, {
        ...(event
          ? {
              type: event.type,
              resourceVersion: String(event.resourceVersion),
            }
          : { error: 'no such object' }),
      });
    const refuse = (error: unknown) =>
      this.sendJson(req, res, 400, { error: (error as Error).message });
    const only = (method: string) => {
      if (req.method === method) return true;
      this.sendJson(
        req,
        res,
        405,
        { error: `${req.method} not allowed; use ${method}` },
        method,
      );
      return false;
    };
    switch (sub) {
      case '/objects': {
        if (req.method !== 'PUT' && req.method !== 'DELETE') {
          this.sendJson(
            req,
            res,
            405,
            { error: `${req.method} not allowed; use PUT or DELETE` },
            'PUT, DELETE',
          );
          return true;
        }
        const body = await this.readJsonObject(
          req,
          res,
          req.method === 'PUT'
            ? '(a Kubernetes object)'
            : '{apiVersion, kind, namespace, name}',
        );
        if (!body) return true;
        try {
          change(
            req.method === 'PUT'
              ? this.apply(body)
              : this.remove({
                  apiVersion: String(body.apiVersion),
                  kind: String(body.kind),
                  namespace:
                    body.namespace === undefined
                      ? undefined
                      : String(body.namespace),
                  name: String(body.name),
                }),
          );
        } catch (error) {
          refuse(error);
        }
        return true;
      }
      case '/set-image': {
        if (!only('POST')) return true;
        const body = await this.readJsonObject(
          req,
          res,
          '{kind, namespace, name, container?, image}',
        );
        if (!body) return true;
        try {
          change(this.setImage(body as any));
        } catch (error) {
          refuse(error);
        }
        return true;
      }
      case '/compact':
        if (!only('POST')) return true;
        this.compact();
        this.sendJson(req, res, 200, {
          oldestResumableVersion: String(this.store.oldestResumableVersion),
        });
        return true;
      case '/drop-watches':
        if (!only('POST')) return true;
        this.sendJson(req, res, 200, { dropped: this.dropWatches() });
        return true;
      default:
        return false;
    }
  }

  private async handleAdmin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    pathname: string,
  ) {
    const sub = pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, '');
    if (await this.handleChanges(req, res, sub)) {
      return;
    }
    if (sub === '/faults') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        this.sendJson(req, res, 200, {
          fault: this.faultMode,
          latencyMs: this.latency,
        });
        return;
      }
      if (req.method === 'PUT') {
        let body: unknown;
        try {
          const text = await readBody(req);
          body = JSON.parse(text);
        } catch (error) {
          this.sendJson(req, res, 400, {
            error: `body must be JSON: ${String(error)}`,
          });
          return;
        }
        if (!body || typeof body !== 'object' || Array.isArray(body)) {
          this.sendJson(req, res, 400, {
            error: 'body must be a JSON object {fault, latencyMs}',
          });
          return;
        }
        const { fault, latencyMs } = body as {
          fault?: unknown;
          latencyMs?: unknown;
        };
        if (fault !== undefined && !isFaultMode(fault)) {
          this.sendJson(req, res, 400, {
            error: `fault must be one of ${FAULT_MODES.join(
              ', ',
            )}, got ${JSON.stringify(fault)}`,
          });
          return;
        }
        try {
          if (latencyMs !== undefined) {
            validateLatency(latencyMs);
          }
        } catch (error) {
          this.sendJson(req, res, 400, { error: (error as Error).message });
          return;
        }
        if (fault !== undefined) {
          this.fault = fault;
        }
        if (latencyMs !== undefined) {
          this.latency = latencyMs as number;
        }
        this.sendJson(req, res, 200, {
          fault: this.faultMode,
          latencyMs: this.latency,
        });
        return;
      }
      this.sendJson(
        req,
        res,
        405,
        { error: `${req.method} not allowed; use GET or PUT` },
        'GET, HEAD, PUT',
      );
      return;
    }
    if (sub === '/stats') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        this.sendJson(req, res, 200, this.stats());
        return;
      }
      if (req.method === 'DELETE') {
        this.resetStats();
        this.sendJson(req, res, 200, this.stats());
        return;
      }
      this.sendJson(
        req,
        res,
        405,
        { error: `${req.method} not allowed; use GET or DELETE` },
        'GET, HEAD, DELETE',
      );
      return;
    }
    this.sendJson(req, res, 404, {
      error: `unknown admin path ${pathname}; use ${ADMIN_PREFIX}/faults, /stats, /objects, /set-image, /compact or /drop-watches`,
    });
  }

  private sendJson(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    code: number,
    body: unknown,
    allow?: string,
  ) {
    if (allow) {
      res.setHeader('Allow', allow);
    } else if (code === 405) {
      res.setHeader('Allow', 'GET, HEAD');
    }
    this.send(req, res, code, JSON.stringify(body), 'application/json');
  }

  private send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    code: number,
    text: string,
    contentType: string,
  ) {
    if (res.destroyed || res.writableEnded) {
      return;
    }
    const buffer = Buffer.from(text, 'utf8');
    res.writeHead(code, {
      'Content-Type': contentType,
      'Content-Length': buffer.length,
      'Cache-Control': 'no-cache, private',
      'X-Fixture-Cluster': this.name,
    });
    res.end(req.method === 'HEAD' ? undefined : buffer);
  }
}
