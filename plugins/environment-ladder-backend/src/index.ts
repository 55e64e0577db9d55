/**
 * The Environment Ladder backend plugin: serves each service's promotion
 * ladder, read through the Kubernetes plugin's clusters.
 *
 * @packageDocumentation
 */
export { environmentLadderPlugin as default } from './plugin';
export { readLadderConfig } from './config';
export type { LadderConfig, RungConfig, RungGate } from './config';
export type { LadderService } from './services/LadderService/types';
export type {
  ClusterReader,
  ClusterReadRequest,
} from './services/ClusterReader/types';
export {
  environmentLadderConditions,
  createEnvironmentLadderConditionalDecision,
} from './permissions/conditions';
export {
  promotionPermissionRules,
  isTargetEnvironment,
} from './permissions/rules';
export {
  promotionPermissionResourceRef,
  type PromotionPermissionResource,
} from './permissions/promotionPermissionResourceRef';
