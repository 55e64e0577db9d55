import type { ClusterModel } from '../ClusterModel/types';
import type { ClusterReader } from './types';

/**
 * Reads from the live cluster model; a `fresh` read (the promotion rules)
 * goes to the cluster itself, so that a promotion is never decided on a copy
 * that a slow or silently stalled watch left behind.
 */
export function createModelClusterReader(options: {
  model: ClusterModel;
  /** Lists from the cluster (through the Kubernetes plugin's proxy). */
  direct: ClusterReader;
}): ClusterReader {
  const { model, direct } = options;
  return {
    readObjects(request) {
      if (request.fresh || !model.has(request.cluster)) {
        return direct.readObjects(request);
      }
      return model.read(request);
    },
  };
}
