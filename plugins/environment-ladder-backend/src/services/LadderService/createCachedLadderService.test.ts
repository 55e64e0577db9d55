import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import type { CacheService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import { createCachedLadderService } from './createCachedLadderService';
import type { LadderService } from './types';

/**
 * The cache through Backstage's own CacheManager: in memory, and on the
 * machine's Redis when BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING names it.
 */
const REDIS = process.env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING;
if (!REDIS) {
  // eslint-disable-next-line no-console
  console.warn(
    'Redis variant SKIPPED: set BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING (scripts/test.sh does when Redis runs on 127.0.0.1:6379)',
  );
}

const stores: Array<[string, () => CacheService]> = [
  [
    'memory',
    () =>
      CacheManager.fromConfig(
        mockServices.rootConfig({
          data: { backend: { cache: { store: 'memory' } } },
        }),
      ).forPlugin('environment-ladder'),
  ],
];
if (REDIS) {
  stores.push([
    'redis',
    () =>
      CacheManager.fromConfig(
        mockServices.rootConfig({
          data: { backend: { cache: { store: 'redis', connection: REDIS } } },
        }),
      ).forPlugin(`environment-ladder-test-${process.pid}-${Date.now()}`),
  ]);
}

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout', ...annotations },
  },
});

/** A ladder service that counts its reads and takes a while, like clusters do. */
function countingLadderService() {
  let reads = 0;
  const service: LadderService = {
    async getLadder(e) {
      reads += 1;
      const read = reads;
      await new Promise(resolve => setTimeout(resolve, 30));
      return {
        entityRef: `component:default/${e.metadata.name}`,
        rungs: [],
        violations: [],
        generatedAt: `read-${read}`,
      } as Ladder;
    },
  };
  return { service, reads: () => reads };
}

describe.each(stores)('createCachedLadderService (%s)', (_store, makeCache) => {
  it('lets 10 concurrent viewers and later ones within the window share one read', async () => {
    const inner = countingLadderService();
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: makeCache(),
      freshnessMs: 60_000,
    });
    const ladders = await Promise.all(
      Array.from({ length: 10 }, () => cached.getLadder(entity())),
    );
    expect(inner.reads()).toBe(1);
    expect(new Set(ladders.map(l => l.generatedAt))).toEqual(
      new Set(['read-1']),
    );
    await expect(cached.getLadder(entity())).resolves.toMatchObject({
      generatedAt: 'read-1',
    });
    expect(inner.reads()).toBe(1);
  });

  it('reads again once the freshness window has passed', async () => {
    const inner = countingLadderService();
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: makeCache(),
      freshnessMs: 200,
    });
    await cached.getLadder(entity());
    await new Promise(resolve => setTimeout(resolve, 400));
    await expect(cached.getLadder(entity())).resolves.toMatchObject({
      generatedAt: 'read-2',
    });
  });

  it('always reads anew for the promotion rules, and refreshes the cache for others', async () => {
    const inner = countingLadderService();
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: makeCache(),
      freshnessMs: 60_000,
    });
    await cached.getLadder(entity());
    await expect(
      cached.getLadder(entity(), { fresh: true }),
    ).resolves.toMatchObject({
      generatedAt: 'read-2',
    });
    await expect(cached.getLadder(entity())).resolves.toMatchObject({
      generatedAt: 'read-2',
    });
    expect(inner.reads()).toBe(2);
  });

  it('never answers an entity whose ladder annotations changed from the old reading', async () => {
    const inner = countingLadderService();
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: makeCache(),
      freshnessMs: 60_000,
    });
    await cached.getLadder(entity());
    await cached.getLadder(
      entity({ 'backstage.io/kubernetes-namespace': 'shop' }),
    );
    expect(inner.reads()).toBe(2);
  });
});

describe('createCachedLadderService with a failing cache', () => {
  it('still answers, reading the clusters instead', async () => {
    const inner = countingLadderService();
    const broken = mockServices.cache.mock({
      get: jest.fn().mockRejectedValue(new Error('cache down')),
      set: jest.fn().mockRejectedValue(new Error('cache down')),
    });
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: broken,
      freshnessMs: 60_000,
    });
    await expect(cached.getLadder(entity())).resolves.toMatchObject({
      generatedAt: 'read-1',
    });
    await expect(cached.getLadder(entity())).resolves.toMatchObject({
      generatedAt: 'read-2',
    });
  });
});

describe('createCachedLadderService for the promotion rules', () => {
  it('lets a burst of fresh requests share one read that has just begun', async () => {
    const inner = countingLadderService();
    const cached = createCachedLadderService({
      ladderService: inner.service,
      cache: stores[0][1](),
      freshnessMs: 60_000,
    });
    const ladders = await Promise.all(
      Array.from({ length: 20 }, () =>
        cached.getLadder(entity(), { fresh: true }),
      ),
    );
    expect(inner.reads()).toBe(1);
    expect(new Set(ladders.map(l => l.generatedAt))).toEqual(
      new Set(['read-1']),
    );
    // Once that read is over, a fresh request reads anew.
    await cached.getLadder(entity(), { fresh: true });
    expect(inner.reads()).toBe(2);
  });
});
