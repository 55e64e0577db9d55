import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION as KUBERNETES_ID,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION as KUBERNETES_LABEL_SELECTOR,
  KUBERNETES_NAMESPACE_ANNOTATION as KUBERNETES_NAMESPACE,
} from '@environment-ladder/plugin-environment-ladder-common';

/** Only the characters Kubernetes allows in label selectors, so that nothing else reaches a cluster. */
const LABEL_SELECTOR = /^[A-Za-z0-9_./\-=!,() ]{1,1024}$/;
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Finds an entity's workloads the way the Kubernetes plugin does: by its
 * label-selector annotation, else by `backstage.io/kubernetes-id`.
 */
export function entityLadderSelector(
  entity: Entity,
): { labelSelector: string; namespace?: string } | { missing: string } {
  const annotations = entity.metadata.annotations ?? {};
  const namespace = annotations[KUBERNETES_NAMESPACE];
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    return {
      missing: `The annotation ${KUBERNETES_NAMESPACE} is not a valid Kubernetes namespace name.`,
    };
  }
  const selector = annotations[KUBERNETES_LABEL_SELECTOR];
  if (selector !== undefined) {
    if (!LABEL_SELECTOR.test(selector)) {
      return {
        missing: `The annotation ${KUBERNETES_LABEL_SELECTOR} is not a valid label selector.`,
      };
    }
    return { labelSelector: selector, namespace };
  }
  const id = annotations[KUBERNETES_ID];
  if (id === undefined) {
    return {
      missing: `Add the annotation ${KUBERNETES_ID} (or ${KUBERNETES_LABEL_SELECTOR}) to this entity so that the ladder can find its workloads.`,
    };
  }
  if (!LABEL_VALUE.test(id)) {
    return {
      missing: `The annotation ${KUBERNETES_ID} is not a valid Kubernetes label value.`,
    };
  }
  return { labelSelector: `${KUBERNETES_ID}=${id}`, namespace };
}
