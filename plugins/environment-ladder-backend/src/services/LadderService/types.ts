import type { Entity } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';

/** Builds an entity's ladder from what runs in each rung's clusters. */
export interface LadderService {
  getLadder(entity: Entity): Promise<Ladder>;
}
