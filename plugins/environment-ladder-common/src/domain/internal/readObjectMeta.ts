import { asArray } from './asArray';
import { asCount } from './asCount';
import { asString } from './asString';
import { asStringMap } from './asStringMap';
import { field } from './field';

/** The parts of `metadata` the domain reads, with every field checked. */
export interface ObjectMeta {
  name: string | null;
  namespace: string;
  uid: string | null;
  labels: Map<string, string>;
  annotations: Map<string, string>;
  ownerReferences: Array<{
    kind: string;
    name: string | null;
    uid: string | null;
    controller: boolean;
  }>;
  generation: number | null;
  creationTimestamp: string | null;
  deleting: boolean;
}

/** Reads the metadata of an untrusted Kubernetes object; missing or mistyped fields become empty. */
export function readObjectMeta(object: unknown): ObjectMeta {
  const metadata = field(object, 'metadata');
  const ownerReferences: ObjectMeta['ownerReferences'] = [];
  for (const reference of asArray(field(metadata, 'ownerReferences'))) {
    const kind = asString(field(reference, 'kind'));
    if (kind) {
      ownerReferences.push({
        kind,
        name: asString(field(reference, 'name')),
        uid: asString(field(reference, 'uid')),
        controller: field(reference, 'controller') === true,
      });
    }
  }
  return {
    name: asString(field(metadata, 'name')),
    namespace: asString(field(metadata, 'namespace')) ?? '',
    uid: asString(field(metadata, 'uid')),
    labels: asStringMap(field(metadata, 'labels')),
    annotations: asStringMap(field(metadata, 'annotations')),
    ownerReferences,
    generation: asCount(field(metadata, 'generation')),
    creationTimestamp: asString(field(metadata, 'creationTimestamp')),
    deleting: asString(field(metadata, 'deletionTimestamp')) !== null,
  };
}
