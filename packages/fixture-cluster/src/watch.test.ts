import { startFixtureClusters } from './startFixtureClusters';
import { FixtureClusters } from './types';

const IMAGE = (c: string) => `ghcr.io/acme/checkout@sha256:${c.repeat(64)}`;

function deployment(name: string, id: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'shop',
      labels: { 'backstage.io/kubernetes-id': id },
    },
    spec: {
      template: { spec: { containers: [{ name, image: IMAGE('a') }] } },
    },
  };
}

/** Reads a watch stream's events (one JSON per line) as they arrive. */
async function openWatch(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events: any[] = [];
  let ended = false;
  const waiters: Array<() => void> = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as any) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          events.push(JSON.parse(buffer.slice(0, newline)));
          buffer = buffer.slice(newline + 1);
          waiters.splice(0).forEach(w => w());
          newline = buffer.indexOf('\n');
        }
      }
    } catch {
      // aborted or dropped
    }
    ended = true;
    waiters.splice(0).forEach(w => w());
  })();
  return {
    status: response.status,
    events,
    get ended() {
      return ended;
    },
    async until(check: () => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (ended || Date.now() > deadline) {
          throw new Error(
            `watch: condition not met; events ${JSON.stringify(
              events.map(e => e.type),
            )}`,
          );
        }
        await new Promise<void>(resolve => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe('watches', () => {
  let fixtures: FixtureClusters;
  let base: string;

  beforeEach(async () => {
    fixtures = await startFixtureClusters({
      clusters: [
        {
          name: 'dev',
          port: 0,
          objects: [deployment('checkout', 'checkout'), deployment('db', 'db')],
        },
      ],
      bookmarkIntervalMs: 200,
    });
    base = fixtures.clusters[0].url;
  });
  afterEach(() => fixtures.close());

  async function list(query = '') {
    const response = await fetch(
      `${base}/apis/apps/v1/namespaces/shop/deployments${query}`,
    );
    return response.json() as Promise<any>;
  }

  it('streams changes after a list’s resourceVersion, only what the selector selects', async () => {
    const listed = await list(
      '?labelSelector=backstage.io/kubernetes-id%3Dcheckout',
    );
    expect(listed.items.map((o: any) => o.metadata.name)).toEqual(['checkout']);
    const watch = await openWatch(
      `${base}/apis/apps/v1/namespaces/shop/deployments?watch=true&resourceVersion=${listed.metadata.resourceVersion}&labelSelector=backstage.io/kubernetes-id%3Dcheckout`,
    );
    expect(watch.status).toBe(200);
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'db',
      image: IMAGE('c'),
    });
    const { resourceVersion } = fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      image: IMAGE('b'),
    });
    await watch.until(() => watch.events.length >= 1);
    expect(watch.events[0]).toMatchObject({
      type: 'MODIFIED',
      object: {
        metadata: { name: 'checkout', resourceVersion },
        spec: { template: { spec: { containers: [{ image: IMAGE('b') }] } } },
      },
    });
    // The db change was never sent: another selection.
    expect(watch.events.some(e => e.object.metadata.name === 'db')).toBe(false);
    await watch.close();
    // A list afterwards reports the change too.
    const after = await list();
    expect(after.metadata.resourceVersion).toBe(resourceVersion);
  });

  it('replays the changes a resumed watch missed, and sends bookmarks when asked', async () => {
    const listed = await list();
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      image: IMAGE('d'),
    });
    fixtures.apply('dev', { ...deployment('cart', 'cart') });
    const watch = await openWatch(
      `${base}/apis/apps/v1/deployments?watch=1&allowWatchBookmarks=true&resourceVersion=${listed.metadata.resourceVersion}`,
    );
    await watch.until(() => watch.events.some(e => e.type === 'BOOKMARK'));
    expect(
      watch.events.slice(0, 2).map(e => [e.type, e.object.metadata.name]),
    ).toEqual([
      ['MODIFIED', 'checkout'],
      ['ADDED', 'cart'],
    ]);
    const bookmark = watch.events.find(e => e.type === 'BOOKMARK');
    expect(bookmark.object.metadata.resourceVersion).toBe(
      (await list()).metadata.resourceVersion,
    );
    await watch.close();
  });

  it('answers a resourceVersion older than its history with a 410 Expired event', async () => {
    const listed = await list();
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      image: IMAGE('e'),
    });
    fixtures.compact('dev');
    const watch = await openWatch(
      `${base}/apis/apps/v1/deployments?watch=true&resourceVersion=${listed.metadata.resourceVersion}`,
    );
    await watch.until(() => watch.ended);
    expect(watch.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
  });

  it('starts with the current objects when no resourceVersion is given, and can drop its streams', async () => {
    const watch = await openWatch(`${base}/apis/apps/v1/watch/deployments`);
    await watch.until(() => watch.events.length >= 2);
    expect(watch.events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'checkout'],
      ['ADDED', 'db'],
    ]);
    expect(fixtures.dropWatches('dev')).toBe(1);
    await watch.until(() => watch.ended);
    expect(fixtures.stats('dev').watches).toBe(1);
  });

  it('changes objects through the admin API and refuses bad changes', async () => {
    const put = await fetch(`${base}/_fixture/set-image`, {
      method: 'POST',
      body: JSON.stringify({
        kind: 'Deployment',
        namespace: 'shop',
        name: 'checkout',
        image: IMAGE('f'),
      }),
    });
    expect(put.status).toBe(200);
    expect((await list()).items[0].spec.template.spec.containers[0].image).toBe(
      IMAGE('f'),
    );
    const bad = await fetch(`${base}/_fixture/set-image`, {
      method: 'POST',
      body: JSON.stringify({
        kind: 'Deployment',
        namespace: 'shop',
        name: 'checkout',
        image: 'not an image!',
      }),
    });
    expect(bad.status).toBe(400);
    const missing = await fetch(`${base}/_fixture/set-image`, {
      method: 'POST',
      body: JSON.stringify({
        kind: 'Deployment',
        namespace: 'shop',
        name: 'nope',
        image: IMAGE('f'),
      }),
    });
    expect(missing.status).toBe(400);
    const removed = await fetch(`${base}/_fixture/objects`, {
      method: 'DELETE',
      body: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'db',
      }),
    });
    expect(removed.status).toBe(200);
    expect((await list()).items.map((o: any) => o.metadata.name)).toEqual([
      'checkout',
    ]);
  });
});
