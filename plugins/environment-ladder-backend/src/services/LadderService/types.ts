import type { Entity } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';

/**
 * Builds an entity's ladder from what runs in each rung's clusters.
 *
 * @public
 */
export interface LadderService {
  /**
   * The entity's ladder. `fresh` skips any cache: the promotion rules must
   * look at what runs now.
   */
  getLadder(entity: Entity, options?: { fresh?: boolean }): Promise<Ladder>;
}
