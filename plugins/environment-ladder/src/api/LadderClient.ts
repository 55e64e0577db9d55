import {
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  DeliveryMetrics,
  Ladder,
  LadderOverview,
  OverviewFilter,
  Promotion,
  PromotionRequest,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderApi, PromotionTarget } from './types';

/**
 * Talks to the Environment Ladder backend with the signed-in user's credentials.
 *
 * @public
 */
export class LadderClient implements LadderApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getLadder(entityRef: CompoundEntityRef): Promise<Ladder> {
    return this.get<Ladder>(`${entityPath(entityRef)}/ladder`);
  }

  async getOverview(filter: OverviewFilter = {}): Promise<LadderOverview> {
    const query = new URLSearchParams();
    for (const key of ['owner', 'system', 'lifecycle'] as const) {
      const value = filter[key];
      if (value !== undefined) query.set(key, value);
    }
    if (filter.onlyBroken !== undefined) {
      query.set('onlyBroken', String(filter.onlyBroken));
    }
    const search = query.toString();
    return this.get<LadderOverview>(`overview${search ? `?${search}` : ''}`);
  }

  async listPromotions(entityRef: CompoundEntityRef): Promise<Promotion[]> {
    const { items } = await this.get<{ items: Promotion[] }>(
      `${entityPath(entityRef)}/promotions`,
    );
    return items;
  }

  async getPromotionTargets(
    entityRef: CompoundEntityRef,
  ): Promise<PromotionTarget[]> {
    const { targets } = await this.get<{ targets: PromotionTarget[] }>(
      `${entityPath(entityRef)}/promotions/targets`,
    );
    return targets;
  }

  async requestPromotion(
    request: PromotionRequest,
  ): Promise<PromotionResponse> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environment-ladder');
    const response = await this.fetchApi.fetch(`${baseUrl}/promotions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as PromotionResponse;
  }

  async getDeliveryMetrics(
    entityRef: CompoundEntityRef,
    days: number,
  ): Promise<DeliveryMetrics> {
    const query = new URLSearchParams({
      entityRef: stringifyEntityRef(entityRef),
      period: `${days}d`,
    });
    return this.get<DeliveryMetrics>(`metrics?${query}`);
  }

  async getTeamDeliveryMetrics(
    owner: string,
    days: number,
  ): Promise<DeliveryMetrics> {
    const query = new URLSearchParams({ owner, period: `${days}d` });
    return this.get<DeliveryMetrics>(`metrics?${query}`);
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environment-ladder');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** `entities/<kind>/<namespace>/<name>`, each part escaped. */
function entityPath(entityRef: CompoundEntityRef): string {
  return [
    'entities',
    ...[entityRef.kind, entityRef.namespace, entityRef.name].map(part =>
      encodeURIComponent(part),
    ),
  ].join('/');
}
