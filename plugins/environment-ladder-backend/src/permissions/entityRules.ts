import { RELATION_OWNED_BY, type Entity } from '@backstage/catalog-model';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { promotionPermissionResourceRef } from './promotionPermissionResourceRef';

/*
 * The catalog's rules (IS_ENTITY_OWNER, HAS_ANNOTATION, ...) with the same
 * names, parameters and matching (keys and values compared case-insensitively),
 * decided on the entity being promoted. They are the plugin's own because the
 * catalog publishes its rules only from the catalog backend's internals; a
 * policy writes the same conditions it writes for the catalog. A promotion is
 * never listed through a query, so none has a query form.
 */

function noQuery(name: string): () => never {
  return () => {
    throw new Error(`${name} cannot filter promotions by query`);
  };
}

const lower = (value: unknown) => String(value).toLowerCase();

/** Whether `record` has `key` (any case), with `value` (any case) when one is given. */
function hasEntry(
  record: Record<string, string> | undefined,
  key: string,
  value: string | undefined,
): boolean {
  return Object.entries(record ?? {}).some(
    ([k, v]) =>
      lower(k) === lower(key) &&
      (value === undefined || lower(v) === lower(value)),
  );
}

/** The values at a dotted path (`a.b.c`, keys in any case); arrays give each of their items. */
function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const node of current.flatMap(n => (Array.isArray(n) ? n : [n]))) {
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (lower(k) === lower(part)) next.push(v);
        }
      }
    }
    current = next;
  }
  return current.flatMap(n => (Array.isArray(n) ? n : [n]));
}

function propertyRule(property: 'metadata' | 'spec') {
  const name = `HAS_${property.toUpperCase()}`;
  return createPermissionRule({
    name,
    description: `Allow entities with the specified ${property} subfield`,
    resourceRef: promotionPermissionResourceRef,
    paramsSchema: z.object({
      key: z
        .string()
        .describe(`Property within the entity's ${property} to match on`),
      value: z
        .string()
        .optional()
        .describe('Value of the property to match on'),
    }),
    apply: ({ entity }, { key, value }) =>
      valuesAt((entity as Entity)[property], key).some(
        found =>
          found !== null &&
          typeof found !== 'object' &&
          (value === undefined || lower(found) === lower(value)),
      ),
    toQuery: noQuery(name),
  });
}

/** Allows entities owned by one of the given claims (the user's ownership entity refs). */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description: 'Allow entities owned by a specified claim',
  resourceRef: promotionPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        `List of claims to match at least one on within ${RELATION_OWNED_BY}`,
      ),
  }),
  apply: ({ entity }, { claims }) =>
    (entity.relations ?? []).some(
      relation =>
        relation.type === RELATION_OWNED_BY &&
        claims.includes(relation.targetRef),
    ),
  toQuery: noQuery('IS_ENTITY_OWNER'),
});

/** Allows entities of one of the given kinds. */
export const isEntityKind = createPermissionRule({
  name: 'IS_ENTITY_KIND',
  description: 'Allow entities matching a specified kind',
  resourceRef: promotionPermissionResourceRef,
  paramsSchema: z.object({
    kinds: z
      .array(z.string())
      .describe('List of kinds to match at least one of'),
  }),
  apply: ({ entity }, { kinds }) =>
    kinds.some(kind => lower(kind) === lower(entity.kind)),
  toQuery: noQuery('IS_ENTITY_KIND'),
});

/** Allows entities with the annotation (and value, when given). */
export const hasAnnotation = createPermissionRule({
  name: 'HAS_ANNOTATION',
  description: 'Allow entities with the specified annotation',
  resourceRef: promotionPermissionResourceRef,
  paramsSchema: z.object({
    annotation: z.string().describe('Name of the annotation to match on'),
    value: z
      .string()
      .optional()
      .describe('Value of the annotation to match on'),
  }),
  apply: ({ entity }, { annotation, value }) =>
    hasEntry(entity.metadata.annotations, annotation, value),
  toQuery: noQuery('HAS_ANNOTATION'),
});

/** Allows entities with the label (and value, when given). */
export const hasLabel = createPermissionRule({
  name: 'HAS_LABEL',
  description: 'Allow entities with the specified label',
  resourceRef: promotionPermissionResourceRef,
  paramsSchema: z.object({
    label: z.string().describe('Name of the label to match on'),
    value: z.string().optional().describe('Value of the label to match on'),
  }),
  apply: ({ entity }, { label, value }) =>
    hasEntry(entity.metadata.labels, label, value),
  toQuery: noQuery('HAS_LABEL'),
});

/** Allows entities with the metadata field (and value, when given), e.g. `key: 'tags'`. */
export const hasMetadata = propertyRule('metadata');

/** Allows entities with the spec field (and value, when given), e.g. `key: 'lifecycle'`. */
export const hasSpec = propertyRule('spec');
