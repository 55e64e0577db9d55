import { mockServices } from '@backstage/backend-test-utils';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import path from 'node:path';
import type { LadderConfig } from '../../config';
import { createClusterModel } from './createClusterModel';
import type { KubernetesProxyGet } from './kubernetesProxy';
import type { ClusterModel } from './types';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples/clusters');
const ID = 'backstage.io/kubernetes-id';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

function ladderConfig(clusters: string[]): LadderConfig {
  return {
    clusterTimeoutMs: 2000,
    cacheFreshnessMs: 10_000,
    rungs: clusters.map(name => ({
      name,
      clusters: [name],
      namespaces: [],
      declared: {},
    })),
  } as unknown as LadderConfig;
}

// Reconnecting after a fault waits out the model's retry pause (1 s, then 2 s).
jest.setTimeout(30_000);

describe('the cluster model', () => {
  let fixtures: FixtureClusters;
  let model: ClusterModel | undefined;
  let requests: string[];

  /** Straight to the fixture cluster (the plugin goes through the Kubernetes proxy). */
  const get: KubernetesProxyGet = (cluster, pathAndQuery, signal) => {
    requests.push(`${cluster} ${pathAndQuery}`);
    const url = fixtures.clusters.find(c => c.name === cluster)!.url;
    return fetch(`${url}${pathAndQuery}`, { signal });
  };

  function start(clusters = ['dev', 'staging']) {
    model = createClusterModel({
      config: ladderConfig(clusters),
      model: {
        labelSelector: ID,
        indexLabel: ID,
        watchTimeoutSeconds: 60,
        watchIdleTimeoutMs: 90_000,
      },
      get,
      logger: mockServices.logger.mock(),
      changeBatchMs: 10,
    });
    model.start();
    return model;
  }

  const read = (cluster: string, id = 'checkout') =>
    model!.read({
      cluster,
      namespaces: [],
      labelSelector: `${ID}=${id}`,
      signal: AbortSignal.timeout(3000),
    });

  const images = (objects: any) =>
    objects.deployments
      .concat(objects.rollouts)
      .map((d: any) => d.spec.template.spec.containers[0].image);

  /** Waits until the model reports a change that satisfies `check`. */
  async function eventually(check: () => Promise<boolean>, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error('not within the time');
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  beforeEach(async () => {
    requests = [];
    fixtures = await startFixtureClusters({
      clusters: ['dev', 'staging'].map(name => ({
        name,
        port: 0,
        dir: path.join(EXAMPLES, name),
      })),
      bookmarkIntervalMs: 200,
    });
  });

  afterEach(async () => {
    await model?.stop();
    model = undefined;
    await fixtures.close();
  });

  it('lists each kind once for all services, then answers views from memory', async () => {
    start();
    const checkout = await read('dev');
    const payments = await read('dev', 'payments');
    expect(checkout.pods.length).toBeGreaterThan(0);
    expect(
      checkout.pods.every((p: any) => p.metadata.labels[ID] === 'checkout'),
    ).toBe(true);
    expect(payments.pods.length).toBeGreaterThan(0);
    // managedFields and the pod spec's extras are not kept.
    expect((checkout.pods[0] as any).metadata.managedFields).toBeUndefined();
    expect(Object.keys((checkout.pods[0] as any).spec)).toEqual(
      expect.arrayContaining(['containers']),
    );
    const lists = requests.filter(r => !r.includes('watch=true'));
    // One list per kind and cluster (7 kinds, no preview rung), whatever the number of services.
    expect(lists).toHaveLength(14);
    const before =
      fixtures.stats('dev').total + fixtures.stats('staging').total;
    for (let i = 0; i < 20; i++)
      await read('dev', i % 2 ? 'checkout' : 'payments');
    expect(fixtures.stats('dev').total + fixtures.stats('staging').total).toBe(
      before,
    );
  });

  it('sees a change through its watch, without a list', async () => {
    start();
    await read('dev');
    const lists = () => requests.filter(r => !r.includes('watch=true')).length;
    const listsBefore = lists();
    const [deployment] = (await read('dev')).deployments as any[];
    const image = `ghcr.io/acme/checkout@${digest('f')}`;
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: deployment.metadata.namespace,
      name: deployment.metadata.name,
      image,
    });
    await eventually(async () => images(await read('dev')).includes(image));
    expect(lists()).toBe(listsBefore);
  });

  it('resumes a dropped watch from its resourceVersion, missing nothing', async () => {
    start();
    const [deployment] = (await read('dev')).deployments as any[];
    const lists = () => requests.filter(r => !r.includes('watch=true')).length;
    const listsBefore = lists();
    expect(fixtures.dropWatches('dev')).toBeGreaterThan(0);
    // Changed while no watch is open: the resumed watch replays it.
    const image = `ghcr.io/acme/checkout@${digest('e')}`;
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: deployment.metadata.namespace,
      name: deployment.metadata.name,
      image,
    });
    await eventually(async () => images(await read('dev')).includes(image));
    expect(lists()).toBe(listsBefore);
    const resumes = requests.filter(
      r =>
        r.startsWith('dev ') &&
        r.includes('/deployments?') &&
        r.includes('watch=true') &&
        !r.includes('resourceVersion=&'),
    );
    expect(resumes.length).toBeGreaterThanOrEqual(2);
  });

  it('lists again when its resourceVersion is gone (410)', async () => {
    start();
    const [deployment] = (await read('dev')).deployments as any[];
    const image = `ghcr.io/acme/checkout@${digest('d')}`;
    fixtures.dropWatches('dev');
    fixtures.setImage('dev', {
      kind: 'Deployment',
      namespace: deployment.metadata.namespace,
      name: deployment.metadata.name,
      image,
    });
    // The history the watch would resume from is gone.
    fixtures.compact('dev');
    await eventually(async () => images(await read('dev')).includes(image));
    expect(
      model!.status().find(s => s.cluster === 'dev')!.relistsAfterGone,
    ).toBeGreaterThan(0);
  });

  it('says when a cluster is down, keeps the others live, and recovers', async () => {
    start();
    await read('dev');
    const stateChanges: string[] = [];
    model!.onChange(change => {
      if (change.state) stateChanges.push([...change.clusters].join());
    });
    fixtures.setFault('staging', '500');
    fixtures.dropWatches('staging');
    // The model notices when its watches drop and cannot be resumed.
    await eventually(() =>
      read('staging').then(
        () => false,
        () => true,
      ),
    );
    await expect(read('staging')).rejects.toThrow(
      /cluster 'staging' answered 500/,
    );
    expect((await read('dev')).pods.length).toBeGreaterThan(0);
    // Ladders built before the failure are not current any more.
    await eventually(async () => stateChanges.includes('staging'));
    const failedAt = stateChanges.length;
    fixtures.setFault('staging', 'none');
    // The retry pause starts at 1 s.
    await eventually(async () => (await read('staging')).pods.length > 0, 8000);
    expect(model!.status().find(s => s.cluster === 'staging')!.state).toBe(
      'live',
    );
    // And after its recovery.
    await eventually(async () => stateChanges.length > failedAt);
  });

  it('after a restart, the first view waits for one round of lists, all kinds at once', async () => {
    fixtures.setLatency('dev', 300);
    start(['dev']);
    const objects = await read('dev');
    expect(objects.pods.length).toBeGreaterThan(0);
    // All seven lists were sent before the first view's answer, none after
    // another's answer: one round trip, not one per kind.
    const lists = requests.filter(r => !r.includes('watch=true'));
    expect(lists).toHaveLength(7);
    // The fixture counts a watch once its latency is served: wait it out.
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(fixtures.stats('dev').total - fixtures.stats('dev').watches).toBe(7);
    expect(new Set(lists.map(r => r.split('?')[0])).size).toBe(7);
  });
});
