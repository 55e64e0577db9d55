import fs from 'node:fs';
import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { KUBERNETES_ID_ANNOTATION as KUBERNETES_ID } from '@environment-ladder/plugin-environment-ladder-common';
import { parseAllDocuments } from 'yaml';
import { InspectError, UsageError } from './errors';
import { resolveExisting, type PathContext } from './resolvePath';

const REF =
  /^(?:([A-Za-z0-9][A-Za-z0-9._-]*):)?(?:([a-z0-9][a-z0-9-]*)\/)?([A-Za-z0-9][A-Za-z0-9._-]*)$/;

interface Ref {
  kind?: string;
  namespace?: string;
  name: string;
}

function parseRef(text: string): Ref | undefined {
  const match = REF.exec(text.trim());
  if (!match) {
    return undefined;
  }
  return { kind: match[1], namespace: match[2], name: match[3] };
}

function describeEntity(entity: Entity): string {
  return stringifyEntityRef(entity);
}

/**
 * The entity `--entity` names. Either an entity reference
 * (`[kind:][namespace/]name`, kind defaulting to component and namespace to
 * default): then the entity carries `backstage.io/kubernetes-id: <name>`, as
 * the demo's services do. Or a catalog file (`catalog-info.yaml`, a path
 * ending in .yaml/.yml/.json or naming an existing file), whose annotations
 * count: with one entity, that one; with several, the only Component, or the
 * one a reference after `#` names (`examples/entities.yaml#payments`).
 */
export function readEntity(value: string, context: PathContext): Entity {
  const hash = value.lastIndexOf('#');
  const [file, fragment] =
    hash >= 0 && !looksLikeExistingFile(value, context)
      ? [value.slice(0, hash), value.slice(hash + 1)]
      : [value, undefined];
  if (fragment !== undefined || isFilePath(file, context)) {
    return readEntityFile(file, fragment, context);
  }
  const ref = parseRef(value);
  if (!ref) {
    throw new UsageError(
      `--entity ${value}: neither an entity reference ([kind:][namespace/]name) nor a catalog file`,
    );
  }
  const kind = ref.kind ?? 'component';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: kind.charAt(0).toUpperCase() + kind.slice(1),
    metadata: {
      name: ref.name,
      namespace: ref.namespace ?? DEFAULT_NAMESPACE,
      annotations: { [KUBERNETES_ID]: ref.name },
    },
  };
}

function looksLikeExistingFile(value: string, context: PathContext) {
  try {
    return fs.statSync(resolveExisting(value, '', context)).isFile();
  } catch {
    return false;
  }
}

function isFilePath(value: string, context: PathContext): boolean {
  return (
    /\.(ya?ml|json)$/i.test(value) || looksLikeExistingFile(value, context)
  );
}

function readEntityFile(
  given: string,
  fragment: string | undefined,
  context: PathContext,
): Entity {
  const resolved = resolveExisting(given, '--entity ', context);
  if (!fs.statSync(resolved).isFile()) {
    throw new UsageError(`--entity ${given}: is a folder, not a catalog file`);
  }
  const wanted = fragment === undefined ? undefined : parseRef(fragment);
  if (fragment !== undefined && !wanted) {
    throw new UsageError(
      `--entity ${given}#${fragment}: '${fragment}' is not an entity reference ([kind:][namespace/]name)`,
    );
  }
  const entities = readEntities(given, resolved);
  const matching = wanted
    ? entities.filter(
        entity =>
          entity.metadata.name === wanted.name &&
          (wanted.kind === undefined ||
            entity.kind.toLowerCase() === wanted.kind.toLowerCase()) &&
          (wanted.namespace === undefined ||
            (entity.metadata.namespace ?? DEFAULT_NAMESPACE) ===
              wanted.namespace),
      )
    : entities;
  if (matching.length === 1) {
    return matching[0];
  }
  if (!wanted) {
    const components = entities.filter(
      entity => entity.kind.toLowerCase() === 'component',
    );
    if (components.length === 1) {
      return components[0];
    }
  }
  const listed = entities.map(describeEntity).join(', ');
  if (matching.length === 0) {
    throw new InspectError(
      `--entity ${given}#${fragment}: no such entity in the file (it holds ${listed})`,
    );
  }
  throw new UsageError(
    `--entity ${given}${
      fragment === undefined ? '' : `#${fragment}`
    }: the file holds several entities (${matching
      .map(describeEntity)
      .join(', ')}); pick one with --entity ${given}#NAME`,
  );
}

function readEntities(given: string, resolved: string): Entity[] {
  const text = fs.readFileSync(resolved, 'utf8');
  const documents = Array.from(parseAllDocuments(text, { prettyErrors: true }));
  const entities: Entity[] = [];
  documents.forEach((document, index) => {
    const source =
      documents.length > 1 ? `${given} (document ${index + 1})` : given;
    if (document.errors.length > 0) {
      throw new InspectError(
        `${source}: not valid YAML: ${document.errors[0].message}`,
      );
    }
    const value = document.toJS() as unknown;
    if (value === null || value === undefined) {
      return;
    }
    const entity = value as Partial<Entity>;
    if (
      typeof value !== 'object' ||
      Array.isArray(value) ||
      typeof entity.apiVersion !== 'string' ||
      typeof entity.kind !== 'string' ||
      typeof entity.metadata?.name !== 'string'
    ) {
      throw new InspectError(
        `${source}: not a catalog entity: expected apiVersion, kind and metadata.name`,
      );
    }
    entities.push(entity as Entity);
  });
  if (entities.length === 0) {
    throw new InspectError(`${given}: holds no catalog entity`);
  }
  return entities;
}
