import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPromoteAction } from './actions/promote';

/**
 * The scaffolder module of Environment Ladder: adds the
 * `environment-ladder:promote` action, a thin client of the ladder backend.
 *
 * @public
 */
export const scaffolderModuleEnvironmentLadder = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environment-ladder',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(createPromoteAction({ discovery, auth }));
      },
    });
  },
});
