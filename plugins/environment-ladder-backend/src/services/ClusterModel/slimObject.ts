/**
 * What the model keeps of an object: what the ladder reads and nothing more.
 * `managedFields` and kubectl's last-applied copy are often most of an
 * object's size; a pod spec's volumes, env, probes and resources are never
 * read. Everything else stays, so that a derivation from the model sees what
 * a list would have shown it.
 */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, any>;

function slimContainers(containers: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  return containers.map((container: Json) =>
    container && typeof container === 'object'
      ? { name: container.name, image: container.image }
      : container,
  );
}

function slimPodSpec(spec: unknown): unknown {
  if (!spec || typeof spec !== 'object') return spec;
  const { containers, initContainers } = spec as Json;
  return {
    containers: slimContainers(containers),
    ...(initContainers
      ? { initContainers: slimContainers(initContainers) }
      : {}),
  };
}

/**
 * A copy of a Kubernetes object without what the ladder never reads. `isPod`
 * says the object is a pod when the caller knows it: the items of an API
 * server's list carry no `kind`.
 */
export function slimObject(object: unknown, isPod?: boolean): Json {
  const o = { ...(object as Json) };
  if (o.metadata && typeof o.metadata === 'object') {
    const { managedFields: _managed, ...metadata } = o.metadata as Json;
    if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
      const { [LAST_APPLIED]: _lastApplied, ...annotations } =
        metadata.annotations;
      metadata.annotations = annotations;
    }
    o.metadata = metadata;
  }
  if (isPod ?? o.kind === 'Pod') {
    o.spec = slimPodSpec(o.spec);
  } else if (o.spec?.template?.spec) {
    o.spec = {
      ...o.spec,
      template: { ...o.spec.template, spec: slimPodSpec(o.spec.template.spec) },
    };
  }
  return o;
}
