export { LadderClient } from './LadderClient';
export { ladderApiRef } from './types';
export type {
  LadderApi,
  PromotionRequestResult,
  PromotionTarget,
} from './types';
