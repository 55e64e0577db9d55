import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  computeDeliveryMetrics,
  metricsPeriod,
  type DeliveryMetrics,
  type Promotion,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderConfig } from '../../config';
import type { PermissionChecks } from '../../permissions/createPermissionChecks';

/** Delivery metrics from the promotion ledger, for one service or a team's services. */
export interface MetricsService {
  /** The metrics of entities the caller has already been allowed to read. */
  forEntities(input: {
    entities: Entity[];
    days: number;
  }): Promise<DeliveryMetrics>;
  /**
   * The metrics of the components `owner` owns, counting only those the
   * caller can see in the catalog and whose ladder they may read.
   */
  forOwner(input: {
    owner: string;
    credentials: BackstageCredentials;
    days: number;
  }): Promise<DeliveryMetrics>;
}

/** How many services' ledgers are read at once for a team. */
const CONCURRENCY = 8;

/** Creates the metrics service over the ledger (through `listForEntity`), the catalog and the permission checks. */
export function createMetricsService(options: {
  catalog: CatalogService;
  permissionChecks: PermissionChecks;
  config: LadderConfig;
  listForEntity(entityRef: string): Promise<Promotion[]>;
  now?: () => Date;
}): MetricsService {
  const { catalog, permissionChecks, config, listForEntity } = options;
  const now = options.now ?? (() => new Date());
  // The rungs promotions go into, lowest first; the highest is production.
  const rungs = config.rungs
    .filter(rung => rung.clusters.length > 0 && rung.kind !== 'preview')
    .map(rung => rung.name);
  const productionRung = rungs.length > 0 ? rungs[rungs.length - 1] : null;

  async function forEntities({
    entities,
    days,
  }: {
    entities: Entity[];
    days: number;
  }) {
    const entityRefs = entities.map(entity => stringifyEntityRef(entity));
    const promotions: Promotion[] = [];
    for (let i = 0; i < entityRefs.length; i += CONCURRENCY) {
      const lists = await Promise.all(
        entityRefs.slice(i, i + CONCURRENCY).map(ref => listForEntity(ref)),
      );
      promotions.push(...lists.flat());
    }
    return computeDeliveryMetrics({
      promotions,
      entityRefs,
      rungs,
      productionRung,
      period: metricsPeriod(now(), days),
    });
  }

  return {
    forEntities,
    async forOwner({ owner, credentials, days }) {
      // Read as the caller: a service they cannot see is never counted.
      const { items } = await catalog.getEntities(
        { filter: { kind: 'component', 'relations.ownedBy': owner } },
        { credentials },
      );
      const readable = await permissionChecks.readableLadders(
        credentials,
        items,
      );
      return forEntities({ entities: readable, days });
    },
  };
}
