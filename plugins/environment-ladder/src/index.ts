/**
 * Environment Ladder frontend: the Environments tab and overview card, the
 * org-wide overview page, and the services card for Systems and Groups.
 * The default export of `./alpha` is the plugin for the new frontend system;
 * the exports here serve apps on the legacy frontend system.
 *
 * @packageDocumentation
 */
export {
  environmentLadderPlugin,
  EntityEnvironmentsContent,
  EntityLadderOverviewCard,
  EntityServicesLadderCard,
  EnvironmentLadderTargetPickerFieldExtension,
  LadderOverviewPage,
} from './legacy';
export type { TargetPickerUiOptions } from './components/TargetPicker';
export { isLadderEntity } from './isLadderEntity';
export { isSystemOrGroupEntity } from './isSystemOrGroupEntity';
export { rootRouteRef } from './routes';
export { LadderClient, ladderApiRef } from './api';
export type { LadderApi } from './api';
