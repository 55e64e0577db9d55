import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { environmentLadderPermissions } from '@environment-ladder/plugin-environment-ladder-common';
import { readKnownClusters, readLadderConfig } from './config';
import { createPermissionChecks } from './permissions/createPermissionChecks';
import { promotionPermissionResourceRef } from './permissions/promotionPermissionResourceRef';
import { promotionPermissionRules } from './permissions/rules';
import { createRouter } from './router';
import { createClusterReader } from './services/ClusterReader/createClusterReader';
import { createLadderService } from './services/LadderService/createLadderService';

/** The Environment Ladder backend plugin. */
export const environmentLadderPlugin = createBackendPlugin({
  pluginId: 'environment-ladder',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        auth,
        httpAuth,
        httpRouter,
        discovery,
        catalog,
        permissions,
        permissionsRegistry,
      }) {
        const ladderConfig = readLadderConfig(config, {
          knownClusters: readKnownClusters(config),
        });
        const ladderService = createLadderService({
          config: ladderConfig,
          clusterReader: createClusterReader({ discovery, auth }),
          logger,
        });
        permissionsRegistry.addResourceType({
          resourceRef: promotionPermissionResourceRef,
          permissions: environmentLadderPermissions,
          rules: Object.values(promotionPermissionRules),
          // Lets the permission backend decide our conditions on an entity
          // (without a target rung) for checks such as the frontend's.
          getResources: async entityRefs => {
            const credentials = await auth.getOwnServiceCredentials();
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs },
              { credentials },
            );
            return items.map(entity => (entity ? { entity } : undefined));
          },
        });
        const permissionChecks = createPermissionChecks({ permissions });
        httpRouter.use(
          await createRouter({ httpAuth, catalog, ladderService, permissionChecks }),
        );
      },
    });
  },
});
