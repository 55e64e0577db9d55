/**
 * A small read-only Kubernetes API server that serves YAML fixtures, one port
 * per cluster, with switchable latency and faults. Demo and test
 * infrastructure for the Environment Ladder; not for production.
 *
 * @packageDocumentation
 */
export { startFixtureClusters } from './startFixtureClusters';
export { readFixtureClustersConfig } from './config';
export type { FixtureClustersConfig } from './config';
export { FAULT_MODES } from './types';
export type {
  FaultMode,
  FixtureClusterOptions,
  FixtureClusters,
  FixtureClusterStats,
  KubeObject,
  StartFixtureClustersOptions,
} from './types';
export {
  parseLabelSelector,
  parseFieldSelector,
  SelectorError,
} from './selectors';
export { RESOURCE_TYPES } from './resources';
export { planRollout } from './gitOpsSync/planRollout';
export type {
  ObjectRef,
  PlannedStep,
  PlanRolloutOptions,
  RolloutOutcome,
  RolloutPlan,
} from './gitOpsSync/planRollout';
export { readOverlayImages } from './gitOpsSync/readOverlayImages';
export type {
  OverlayImage,
  OverlayImages,
} from './gitOpsSync/readOverlayImages';
export type {
  GitOpsSyncOptions,
  GitOpsSyncRecord,
} from './gitOpsSync/GitOpsSync';
export type { ResourceType } from './resources';
