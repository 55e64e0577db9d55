import type { RungObjects } from '../types';

/** A set of the objects the ladder reads with every list present and empty. */
export function emptyRungObjects(): Required<RungObjects> {
  return {
    pods: [],
    replicaSets: [],
    deployments: [],
    rollouts: [],
    analysisRuns: [],
    ingresses: [],
    horizontalPodAutoscalers: [],
    namespaces: [],
    applications: [],
    applicationSets: [],
  };
}
