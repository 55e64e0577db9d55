import { mockServices } from '@backstage/backend-test-utils';
import type { KubernetesProxyGet } from './kubernetesProxy';
import { Reflector, type ModelResource } from './reflector';

const ID = 'backstage.io/kubernetes-id';
const DEPLOYMENTS: ModelResource = {
  key: 'deployments',
  apiPath: '/apis/apps/v1',
  plural: 'deployments',
};

const deployment = (name: string, resourceVersion: string, image = 'a:1') => ({
  metadata: {
    name,
    namespace: 'shop',
    resourceVersion,
    labels: { [ID]: name },
  },
  spec: { template: { spec: { containers: [{ name, image }] } } },
});

/**
 * A cluster whose answers the test scripts: lists answer at once with the
 * current objects; each watch is a stream the test writes to, ends, or
 * leaves silent, the way a proxy that lost the connection leaves it.
 */
function scriptedCluster() {
  const requests: Array<{ path: string; query: URLSearchParams }> = [];
  let objects = [deployment('checkout', '10')];
  let listVersion = '10';
  /** Answers the next watch with this status instead of a stream. */
  let nextWatchStatus: number | undefined;
  /** Holds the next watch's headers for this long. */
  let headersDelayMs = 0;
  const streams: Array<{
    send(type: string, object: unknown): void;
    raw(bytes: Uint8Array): void;
    end(): void;
  }> = [];

  const get: KubernetesProxyGet = async (_cluster, pathAndQuery, signal) => {
    const [path, query] = pathAndQuery.split('?');
    const params = new URLSearchParams(query);
    requests.push({ path, query: params });
    if (params.get('watch') !== 'true') {
      // Pages as the API server does: `limit`, then `continue` with the offset.
      const limit = Number(params.get('limit') ?? objects.length);
      const offset = Number(params.get('continue') ?? 0);
      const next = offset + limit < objects.length ? offset + limit : null;
      return Response.json({
        metadata: {
          resourceVersion: listVersion,
          ...(next !== null ? { continue: String(next) } : {}),
        },
        items: objects.slice(offset, offset + limit),
      });
    }
    if (headersDelayMs > 0) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, headersDelayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }
    if (nextWatchStatus !== undefined) {
      const status = nextWatchStatus;
      nextWatchStatus = undefined;
      return new Response(JSON.stringify({ code: status }), { status });
    }
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    // As fetch does: an aborted request errors its body.
    signal?.addEventListener('abort', () => {
      try {
        controller.error(signal.reason);
      } catch {
        // already closed
      }
    });
    streams.push({
      send: (type, object) =>
        controller.enqueue(
          encoder.encode(`${JSON.stringify({ type, object })}\n`),
        ),
      end: () => controller.close(),
      raw: (bytes: Uint8Array) => controller.enqueue(bytes),
    });
    return new Response(body, { status: 200 });
  };

  return {
    get,
    requests,
    streams,
    lists: () => requests.filter(r => r.query.get('watch') !== 'true'),
    watches: () => requests.filter(r => r.query.get('watch') === 'true'),
    setObjects(next: ReturnType<typeof deployment>[], version: string) {
      objects = next;
      listVersion = version;
    },
    answerNextWatchWith(status: number) {
      nextWatchStatus = status;
    },
    holdWatchHeaders(ms: number) {
      headersDelayMs = ms;
    },
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function eventually(check: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within the time');
    await sleep(10);
  }
}

describe('Reflector', () => {
  let reflector: Reflector | undefined;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  function start(
    cluster: ReturnType<typeof scriptedCluster>,
    options: { requestTimeoutMs?: number; watchIdleTimeoutMs?: number } = {},
  ) {
    logger = mockServices.logger.mock();
    reflector = new Reflector({
      cluster: 'dev',
      resource: DEPLOYMENTS,
      namespace: 'shop',
      labelSelector: ID,
      indexLabel: ID,
      get: cluster.get,
      requestTimeoutMs: options.requestTimeoutMs ?? 100,
      watchTimeoutSeconds: 60,
      watchIdleTimeoutMs: options.watchIdleTimeoutMs ?? 90_000,
      onChange: () => {},
      logger,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    reflector.start();
    return reflector;
  }

  const images = () =>
    reflector!
      .select(undefined)
      .map(d => d.spec.template.spec.containers[0].image);

  afterEach(async () => {
    await reflector?.stop();
    reflector = undefined;
  });

  it('lists in pages of 500 and replaces the model once the last page arrived', async () => {
    const cluster = scriptedCluster();
    cluster.setObjects(
      Array.from({ length: 1201 }, (_, i) =>
        deployment(`s${i}`, '10', `a:${i}`),
      ),
      '10',
    );
    start(cluster);
    await eventually(() => cluster.streams.length === 1);
    expect(
      cluster.lists().map(r => [r.query.get('limit'), r.query.get('continue')]),
    ).toEqual([
      ['500', null],
      ['500', '500'],
      ['500', '1000'],
    ]);
    expect(images()).toHaveLength(1201);
    expect(reflector!.stats()).toMatchObject({ lists: 1 });
  });

  it('keeps a quiet watch open past the cluster timeout: no re-list, no warning', async () => {
    const cluster = scriptedCluster();
    start(cluster, { requestTimeoutMs: 100, watchIdleTimeoutMs: 2000 });
    await eventually(() => cluster.streams.length === 1);
    // Quiet for 6× the cluster timeout, less than the idle limit.
    await sleep(600);
    expect(cluster.lists()).toHaveLength(1);
    expect(cluster.watches()).toHaveLength(1);
    expect(reflector!.state).toBe('live');
    expect(reflector!.stats()).toMatchObject({ idleRestarts: 0, lists: 1 });
    expect(logger.warn).not.toHaveBeenCalled();
    // The stream still delivers.
    cluster.streams[0].send('MODIFIED', deployment('checkout', '11', 'a:2'));
    await eventually(() => images()[0] === 'a:2');
  });

  it('fails the rung when a watch gets not one byte within the idle limit, then lists again', async () => {
    const cluster = scriptedCluster();
    start(cluster, { requestTimeoutMs: 100, watchIdleTimeoutMs: 400 });
    await eventually(() => cluster.streams.length === 1);
    cluster.streams[0].end();
    // The resumed watch hangs: no headers, nothing (a cluster that hangs).
    cluster.holdWatchHeaders(60_000);
    // Still live past the cluster timeout: through the proxy a quiet watch
    // has no headers either.
    await sleep(250);
    expect(reflector!.state).toBe('live');
    await eventually(() => reflector!.state === 'error');
    expect(reflector!.error).toBe(
      "cluster 'dev' did not answer within 400 ms when watching deployments",
    );
    cluster.holdWatchHeaders(0);
    await eventually(() => cluster.lists().length === 2);
    await eventually(() => reflector!.state === 'live');
  });

  it('notices a silently dropped stream after the idle limit and resumes it from its resourceVersion', async () => {
    const cluster = scriptedCluster();
    start(cluster, { watchIdleTimeoutMs: 300 });
    await eventually(() => cluster.streams.length === 1);
    cluster.streams[0].send('MODIFIED', deployment('checkout', '12', 'a:2'));
    await eventually(() => images()[0] === 'a:2');
    // Then nothing at all: the connection is gone without a close.
    const silentSince = Date.now();
    await eventually(() => cluster.streams.length === 2);
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(250);
    expect(reflector!.stats().idleRestarts).toBe(1);
    // Resumed where it was, not listed again.
    expect(cluster.lists()).toHaveLength(1);
    expect(cluster.watches()[1].query.get('resourceVersion')).toBe('12');
    cluster.streams[1].send('MODIFIED', deployment('checkout', '13', 'a:3'));
    await eventually(() => images()[0] === 'a:3');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('lists again when the resumed watch answers 410 Gone', async () => {
    const cluster = scriptedCluster();
    start(cluster, { watchIdleTimeoutMs: 200 });
    await eventually(() => cluster.streams.length === 1);
    // While the stream was silent, the history it would resume from went.
    cluster.setObjects([deployment('checkout', '40', 'a:4')], '40');
    cluster.answerNextWatchWith(410);
    await eventually(() => cluster.lists().length === 2);
    await eventually(() => images()[0] === 'a:4');
    expect(reflector!.stats().relistsAfterGone).toBe(1);
    await eventually(() => cluster.streams.length === 2);
    expect(cluster.watches().at(-1)!.query.get('resourceVersion')).toBe('40');
  });

  it('lists again on an ERROR 410 event in the stream', async () => {
    const cluster = scriptedCluster();
    start(cluster);
    await eventually(() => cluster.streams.length === 1);
    cluster.setObjects([deployment('checkout', '50', 'a:5')], '50');
    cluster.streams[0].send('ERROR', { code: 410, reason: 'Expired' });
    await eventually(() => images()[0] === 'a:5');
    expect(cluster.lists()).toHaveLength(2);
    expect(reflector!.stats().relistsAfterGone).toBe(1);
  });

  it('fails the rung on a stream that ends mid-event, then lists again', async () => {
    const cluster = scriptedCluster();
    start(cluster);
    await eventually(() => cluster.streams.length === 1);
    const encoder = new TextEncoder();
    // What a proxy that cut the answer short leaves: half an event, then the end.
    cluster.streams[0].raw(encoder.encode('{"type":"ADDED","obj'));
    cluster.streams[0].end();
    await eventually(() => reflector!.state === 'error');
    expect(reflector!.error).toBe(
      "cluster 'dev' returned a malformed answer when watching deployments",
    );
    await eventually(() => cluster.lists().length === 2);
  });

  it('resumes a stream that ends (the watch timeout) without a list', async () => {
    const cluster = scriptedCluster();
    start(cluster);
    await eventually(() => cluster.streams.length === 1);
    cluster.streams[0].send('BOOKMARK', {
      metadata: { resourceVersion: '20' },
    });
    cluster.streams[0].end();
    await eventually(() => cluster.streams.length === 2, 3000);
    expect(cluster.lists()).toHaveLength(1);
    expect(cluster.watches()[1].query.get('resourceVersion')).toBe('20');
    expect(reflector!.stats().idleRestarts).toBe(0);
  });
});
