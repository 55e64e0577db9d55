import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  DeliveryMetrics,
  Ladder,
  LadderOverview,
  OverviewFilter,
  Promotion,
  PromotionRequest,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';

/** Whether the signed-in user may promote an entity into a rung, as the permission policy decides it. */
export interface PromotionTarget {
  environment: string;
  allowed: boolean;
}

/**
 * Reads ladders and requests promotions from the Environment Ladder backend.
 *
 * @public
 */
export interface LadderApi {
  getLadder(entityRef: CompoundEntityRef): Promise<Ladder>;
  /**
   * Every service the signed-in user may see × every rung, in one request;
   * the filter narrows it on the server.
   */
  getOverview(filter?: OverviewFilter): Promise<LadderOverview>;
  /** The entity's promotions, newest first. */
  listPromotions(entityRef: CompoundEntityRef): Promise<Promotion[]>;
  /** The rungs the signed-in user may promote the entity into. */
  getPromotionTargets(entityRef: CompoundEntityRef): Promise<PromotionTarget[]>;
  /** Requests a promotion (or, with `dryRun`, previews it). */
  requestPromotion(request: PromotionRequest): Promise<PromotionResponse>;
  /** The entity's delivery metrics from the promotion ledger over the last `days` days. */
  getDeliveryMetrics(
    entityRef: CompoundEntityRef,
    days: number,
  ): Promise<DeliveryMetrics>;
  /**
   * The delivery metrics of the services `owner` (a group ref) owns, of those the
   * signed-in user may read, over the last `days` days.
   */
  getTeamDeliveryMetrics(owner: string, days: number): Promise<DeliveryMetrics>;
}

/**
 * The API reference of {@link LadderApi}.
 *
 * @public
 */
export const ladderApiRef = createApiRef<LadderApi>({
  id: 'plugin.environment-ladder.ladder',
});
