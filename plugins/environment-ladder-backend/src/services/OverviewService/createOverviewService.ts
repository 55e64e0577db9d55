import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  matchesOverviewFilter,
  summarizeLadder,
  type OverviewFilter,
  type OverviewRow,
  type OverviewService as OverviewServiceRow,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderConfig } from '../../config';
import type { PermissionChecks } from '../../permissions/createPermissionChecks';
import type { LadderService } from '../LadderService/types';
import type { OverviewService } from './types';

/**
 * How many ladders are built at once. Each may read clusters (or, once the
 * model answers, only derive); a bound keeps one overview from crowding out
 * every other request.
 */
const DEFAULT_CONCURRENCY = 8;

/** A full, lower-case entity ref from a possibly short one; null when absent or malformed. */
function fullRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}

/** Who a service is, from its entity: relations first, as the catalog resolved them. */
function describeService(entity: Entity): OverviewServiceRow {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const related = (type: string, kind?: string) =>
    entity.relations
      ?.find(
        relation =>
          relation.type === type &&
          (!kind ||
            relation.targetRef
              .toLocaleLowerCase('en-US')
              .startsWith(`${kind}:`)),
      )
      ?.targetRef.toLocaleLowerCase('en-US');
  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    owner:
      related(RELATION_OWNED_BY) ?? fullRef(spec.owner, 'group', namespace),
    system:
      related(RELATION_PART_OF, 'system') ??
      fullRef(spec.system, 'system', namespace),
    lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
  };
}

/** The catalog query for the services a filter can match, so that no other ladder is built. */
function catalogFilter(filter: OverviewFilter): Record<string, string> {
  return {
    kind: 'component',
    'spec.type': 'service',
    ...(filter.owner && { 'relations.ownedBy': filter.owner }),
    ...(filter.system && { 'relations.partOf': filter.system }),
    ...(filter.lifecycle && { 'spec.lifecycle': filter.lifecycle }),
  };
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/** Creates the overview service over the catalog, the permission checks and the ladders. */
export function createOverviewService(options: {
  catalog: CatalogService;
  ladderService: LadderService;
  permissionChecks: PermissionChecks;
  config: LadderConfig;
  logger: LoggerService;
  concurrency?: number;
}): OverviewService {
  const { catalog, ladderService, permissionChecks, config, logger } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const rungs = config.rungs.map(rung => ({
    name: rung.name,
    title: rung.title,
    ...(rung.kind && { kind: rung.kind }),
  }));

  async function summarize(entity: Entity): Promise<OverviewRow> {
    const service = describeService(entity);
    try {
      return summarizeLadder(await ladderService.getLadder(entity), service);
    } catch (error) {
      // A failing cluster is already a rung's error inside the ladder; this
      // is anything else, and it costs this row only. The cause goes to the
      // log, not to the viewer.
      logger.warn('Could not build a ladder for the overview', {
        entityRef: service.entityRef,
        error: String(error),
      });
      return {
        ...service,
        cells: [],
        brokenRules: 0,
        error: 'The ladder of this service could not be built',
      };
    }
  }

  return {
    async getOverview({ credentials, filter }) {
      // Read as the caller: an entity they cannot see never reaches a cluster.
      const { items } = await catalog.getEntities(
        { filter: catalogFilter(filter) },
        { credentials },
      );
      const readable = await permissionChecks.readableLadders(
        credentials,
        items,
      );
      const rows = await mapBounded(readable, concurrency, summarize);
      return {
        rungs,
        rows: rows
          .filter(row => matchesOverviewFilter(row, filter))
          .sort(
            (a, b) =>
              a.title.localeCompare(b.title, 'en-US') ||
              a.entityRef.localeCompare(b.entityRef, 'en-US'),
          ),
        generatedAt: new Date().toISOString(),
      };
    },
  };
}
