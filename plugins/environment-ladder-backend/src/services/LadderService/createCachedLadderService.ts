import type { CacheService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  LADDER_READ_ANNOTATIONS,
  type Ladder,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderService } from './types';

/** How recently a read in progress must have begun for a fresh request to share it. */
const FRESH_JOIN_MS = 1000;

export function ladderCacheKey(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  return JSON.stringify([
    'ladder/v1',
    stringifyEntityRef(entity),
    ...LADDER_READ_ANNOTATIONS.map(name => annotations[name] ?? null),
  ]);
}

/**
 * Serves ladders from the plugin's cache for a freshness window, so that any
 * number of viewers of a service cost its clusters one read per cluster per
 * window. Concurrent requests for the same ladder in this instance share one
 * read (request coalescing). `fresh` (the promotion rules) never uses the
 * cache: it shares a read that began at most a second ago, or reads anew, and
 * refreshes the cache for everyone.
 */
export function createCachedLadderService(options: {
  ladderService: LadderService;
  cache: CacheService;
  freshnessMs: number;
}): LadderService {
  const { ladderService, cache, freshnessMs } = options;
  const reading = new Map<
    string,
    { ladder: Promise<Ladder>; startedAt: number }
  >();

  function read(key: string, entity: Entity): Promise<Ladder> {
    const pending = ladderService
      .getLadder(entity, { fresh: true })
      .then(async ladder => {
        // A cache that fails must not fail the ladder: it only costs a read.
        await cache
          .set(key, ladder as any, { ttl: freshnessMs })
          .catch(() => undefined);
        return ladder;
      })
      .finally(() => {
        if (reading.get(key)?.ladder === pending) reading.delete(key);
      });
    reading.set(key, { ladder: pending, startedAt: Date.now() });
    return pending;
  }

  return {
    async getLadder(entity, getOptions) {
      const key = ladderCacheKey(entity);
      const pending = reading.get(key);
      if (getOptions?.fresh) {
        // A read that began moments ago is as live as a new one: a burst of
        // promotion requests costs the clusters one read, not one each.
        return pending && Date.now() - pending.startedAt <= FRESH_JOIN_MS
          ? pending.ladder
          : read(key, entity);
      }
      if (pending) return pending.ladder;
      const cached = (await cache.get(key).catch(() => undefined)) as
        | Ladder
        | undefined;
      if (cached) return cached;
      // Checked again: another request may have started reading meanwhile.
      return reading.get(key)?.ladder ?? read(key, entity);
    },
  };
}
