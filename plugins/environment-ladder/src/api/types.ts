import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';

/** Reads ladders from the Environment Ladder backend. */
export interface LadderApi {
  getLadder(entityRef: CompoundEntityRef): Promise<Ladder>;
}

/** The API reference of {@link LadderApi}. */
export const ladderApiRef = createApiRef<LadderApi>({
  id: 'plugin.environment-ladder.ladder',
});
