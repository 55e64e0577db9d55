export { LadderClient } from './LadderClient';
export { ladderApiRef } from './types';
export type { LadderApi, PromotionTarget } from './types';
