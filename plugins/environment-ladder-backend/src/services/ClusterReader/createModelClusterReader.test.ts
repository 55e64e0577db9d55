import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import path from 'node:path';
import { readLadderConfig } from '../../config';
import { createClusterModel } from '../ClusterModel/createClusterModel';
import type { KubernetesProxyGet } from '../ClusterModel/kubernetesProxy';
import type { ClusterModel } from '../ClusterModel/types';
import { createLadderService } from '../LadderService/createLadderService';
import { createLiveLadderService } from '../LadderService/createLiveLadderService';
import { createClusterReader } from './createClusterReader';
import { createModelClusterReader } from './createModelClusterReader';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples/clusters');
const ID = 'backstage.io/kubernetes-id';
const NEW_DIGEST = `sha256:${'9'.repeat(64)}`;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { [ID]: 'checkout' },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

/**
 * The promotion rules decide on the cluster, never on the model: a model
 * whose watch has stalled (a proxy lost it silently) still shows the old
 * digest to views, while a `fresh` ladder, what every promotion check asks
 * for, shows the new one.
 */
describe('createModelClusterReader', () => {
  let fixtures: FixtureClusters;
  let model: ClusterModel;

  beforeEach(async () => {
    fixtures = await startFixtureClusters({
      clusters: [{ name: 'dev', port: 0, dir: path.join(EXAMPLES, 'dev') }],
    });
  });

  afterEach(async () => {
    await model?.stop();
    await fixtures.close();
  });

  it('answers views from the model and fresh reads (the promotion rules) from the cluster', async () => {
    const url = fixtures.clusters[0].url;
    const stalled: KubernetesProxyGet = async (
      _cluster,
      pathAndQuery,
      signal,
    ) => {
      if (pathAndQuery.includes('watch=true')) {
        // Open, and silent: the model never hears of the change. (An abort
        // ends it, as fetch's would.)
        const body = new ReadableStream({
          start(controller) {
            signal?.addEventListener('abort', () =>
              controller.error(signal.reason),
            );
          },
        });
        return new Response(body, { status: 200 });
      }
      return fetch(`${url}${pathAndQuery}`, { signal });
    };
    const config = readLadderConfig(
      new ConfigReader({
        environmentLadder: { rungs: [{ name: 'dev', clusters: ['dev'] }] },
      }),
    );
    model = createClusterModel({
      config,
      model: {
        labelSelector: ID,
        indexLabel: ID,
        watchTimeoutSeconds: 60,
        watchIdleTimeoutMs: 90_000,
      },
      get: stalled,
      logger: mockServices.logger.mock(),
    });
    model.start();
    const directReads: string[] = [];
    // The direct reader as in production, its proxy replaced by the cluster.
    const direct = createClusterReader({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => 'http://kubernetes-plugin',
      }),
      auth: mockServices.auth(),
      fetch: (async (input: string, init: RequestInit) => {
        directReads.push(input);
        return fetch(input.replace('http://kubernetes-plugin/proxy', url), {
          signal: init.signal,
        });
      }) as unknown as typeof fetch,
    });
    const ladders = createLiveLadderService({
      ladderService: createLadderService({
        config,
        clusterReader: createModelClusterReader({ model, direct }),
        logger: mockServices.logger.mock(),
      }),
      model,
      indexLabel: ID,
      freshnessMs: 10_000,
      logger: mockServices.logger.mock(),
    });

    const before = await ladders.getLadder(entity);
    expect(before.rungs[0].error).toBeNull();
    expect(before.rungs[0].digests).not.toContain(NEW_DIGEST);
    expect(directReads).toEqual([]);

    // Every checkout pod in dev now runs another digest.
    const { items: pods } = await fetch(
      `${url}/api/v1/pods?labelSelector=${encodeURIComponent(
        `${ID}=checkout`,
      )}`,
    ).then(r => r.json());
    for (const pod of pods) {
      const image = `ghcr.io/acme/checkout@${NEW_DIGEST}`;
      pod.spec.containers[0].image = image;
      for (const status of pod.status?.containerStatuses ?? []) {
        status.image = image;
        status.imageID = image;
      }
      fixtures.apply('dev', { apiVersion: 'v1', kind: 'Pod', ...pod });
    }

    // A view still sees the model's copy (its watch is stalled)...
    expect((await ladders.getLadder(entity)).rungs[0].digests).not.toContain(
      NEW_DIGEST,
    );
    // ...but the promotion rules read the cluster.
    const fresh = await ladders.getLadder(entity, { fresh: true });
    expect(fresh.rungs[0].digests).toEqual([NEW_DIGEST]);
    expect(directReads.length).toBeGreaterThan(0);
  });
});
