import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import type { ClusterModel, ModelChange } from '../ClusterModel/types';
import { ladderCacheKey } from './createCachedLadderService';
import { entityLadderSelector } from './entityLadderSelector';
import type { LadderService } from './types';

/** Tells open views that an entity's ladder changed (signals; no data in it). */
export interface LadderChangeNotifier {
  ladderChanged(entityRef: string): void;
}

/** How many entities are followed for changes; the least recently viewed go first. */
const MAX_FOLLOWED = 20_000;

/** What a ladder shows, without the time it was built at. */
function fingerprint(ladder: Ladder): string {
  const { generatedAt: _generatedAt, ...rest } = ladder;
  return JSON.stringify(rest);
}

/** The index-label values an entity's selector names; undefined when it names none (scan). */
function selectedIds(entity: Entity, indexLabel: string): string[] | undefined {
  const selector = entityLadderSelector(entity);
  if ('missing' in selector) return [];
  const match = new RegExp(
    `(?:^|,)\\s*${indexLabel.replace(
      /[.*+?^${}()|[\]\\/]/g,
      '\\$&',
    )}\\s*==?\\s*([^,\\s]+)\\s*(?:,|$)`,
  ).exec(selector.labelSelector);
  return match ? [match[1]] : undefined;
}

/**
 * Ladders as pure derivations of the live cluster model. A ladder is built
 * once per model version (and at most `freshnessMs` old, for the pull-request
 * states of previews) and shared by every viewer; concurrent views share one
 * build. Entities that were viewed are followed: when the model changes
 * objects they select, their ladder is rebuilt and, when it differs, the
 * notifier is told. `fresh` (the promotion rules) bypasses all of it.
 */
export function createLiveLadderService(options: {
  /** Builds a ladder from the model (and, when fresh, from the clusters). */
  ladderService: LadderService;
  model: ClusterModel;
  indexLabel: string;
  freshnessMs: number;
  notifier?: LadderChangeNotifier;
  logger: LoggerService;
}): LadderService {
  const { ladderService, model, indexLabel, freshnessMs, notifier, logger } =
    options;
  const built = new Map<
    string,
    { ladder: Promise<Ladder>; version: number; at: number }
  >();
  const followed = new Map<
    string,
    { entity: Entity; ids: string[] | undefined; fingerprint?: string }
  >();

  function follow(entity: Entity, ladder: Ladder) {
    const entityRef = stringifyEntityRef(entity);
    const previous = followed.get(entityRef);
    followed.delete(entityRef);
    followed.set(entityRef, {
      entity,
      ids: selectedIds(entity, indexLabel),
      fingerprint: previous?.fingerprint ?? fingerprint(ladder),
    });
    if (followed.size > MAX_FOLLOWED) {
      followed.delete(followed.keys().next().value!);
    }
  }

  function build(entity: Entity): Promise<Ladder> {
    const key = ladderCacheKey(entity);
    const current = built.get(key);
    if (
      current &&
      current.version === model.version &&
      Date.now() - current.at < freshnessMs
    ) {
      return current.ladder;
    }
    const ladder = ladderService.getLadder(entity);
    const entry = { ladder, version: model.version, at: Date.now() };
    built.set(key, entry);
    ladder.then(
      value => follow(entity, value),
      () => {
        if (built.get(key) === entry) built.delete(key);
      },
    );
    // Entries of older versions are dropped as new ones replace them; bound the rest.
    if (built.size > MAX_FOLLOWED) built.delete(built.keys().next().value!);
    return ladder;
  }

  async function recheck(change: ModelChange) {
    for (const [entityRef, entry] of [...followed]) {
      if (
        !change.state &&
        entry.ids &&
        !entry.ids.some(id => change.ids.has(id))
      ) {
        continue;
      }
      try {
        const next = fingerprint(await build(entry.entity));
        const still = followed.get(entityRef);
        if (still && still.fingerprint !== next) {
          still.fingerprint = next;
          notifier?.ladderChanged(entityRef);
        }
      } catch (error) {
        logger.warn('Could not rebuild a ladder after a cluster change', {
          entityRef,
          error: String(error),
        });
      }
    }
  }

  let rechecking = Promise.resolve();
  model.onChange(change => {
    // One recheck at a time, in order: a burst of changes cannot pile up builds.
    rechecking = rechecking.then(() => recheck(change));
  });

  return {
    getLadder(entity, getOptions) {
      if (getOptions?.fresh) {
        return ladderService.getLadder(entity, { fresh: true });
      }
      return build(entity);
    },
  };
}
