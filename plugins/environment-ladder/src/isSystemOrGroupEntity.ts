import type { Entity } from '@backstage/catalog-model';

/** The services card belongs on Systems (their services) and Groups (the services they own). */
export function isSystemOrGroupEntity(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return kind === 'system' || kind === 'group';
}
