/**
 * Environment Ladder frontend: the Environments tab and overview card.
 * The default export of `./alpha` is the plugin for the new frontend system;
 * the exports here serve apps on the legacy frontend system.
 *
 * @packageDocumentation
 */
export {
  environmentLadderPlugin,
  EntityEnvironmentsContent,
  EntityLadderOverviewCard,
} from './legacy';
export { isLadderEntity } from './isLadderEntity';
export { LadderClient, ladderApiRef } from './api';
export type { LadderApi } from './api';
