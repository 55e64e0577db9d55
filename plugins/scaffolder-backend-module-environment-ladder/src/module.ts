import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/**
 * The scaffolder module of Environment Ladder. It will carry the
 * `environment-ladder:promote` action (a thin client of the ladder backend);
 * until promotions exist in the backend it registers no action, so that no
 * template can call something that would only pretend to promote.
 */
export const scaffolderModuleEnvironmentLadder = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environment-ladder',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions();
      },
    });
  },
});
