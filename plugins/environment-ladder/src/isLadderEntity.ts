import type { Entity } from '@backstage/catalog-model';

/**
 * The ladder belongs on services: components of type `service`.
 *
 * @public
 */
export function isLadderEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    (entity.spec as { type?: unknown } | undefined)?.type === 'service'
  );
}
