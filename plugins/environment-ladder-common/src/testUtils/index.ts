/**
 * Test helpers for the packages of the Environment Ladder suite: Kubernetes
 * objects as a cluster returns them and the demo's ladders as stories, so
 * that tests in other packages use the same fixtures as the domain's own.
 *
 * @packageDocumentation
 */
export {
  autoscaler,
  builds,
  digestOf,
  emptyObjects,
  ingress,
  merge,
  pinned,
  REPOSITORY,
  workload,
} from '../__fixtures__/ladder/kubernetes';
export type { Revision } from '../__fixtures__/ladder/kubernetes';
export {
  brokenLadder,
  healthyLadder,
  prodMidCanaryLadder,
} from '../__fixtures__/ladder/stories';
