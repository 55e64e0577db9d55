import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderApi } from './types';

/** Talks to the Environment Ladder backend with the signed-in user's credentials. */
export class LadderClient implements LadderApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getLadder(entityRef: CompoundEntityRef): Promise<Ladder> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environment-ladder');
    const path = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(part => encodeURIComponent(part))
      .join('/');
    const response = await this.fetchApi.fetch(
      `${baseUrl}/entities/${path}/ladder`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as Ladder;
  }
}
