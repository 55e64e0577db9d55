import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readKnownClusters, readLadderConfig } from './config';
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
      },
      async init({ config, logger, auth, httpAuth, httpRouter, discovery, catalog }) {
        const ladderConfig = readLadderConfig(config, {
          knownClusters: readKnownClusters(config),
        });
        const ladderService = createLadderService({
          config: ladderConfig,
          clusterReader: createClusterReader({ discovery, auth }),
          logger,
        });
        httpRouter.use(await createRouter({ httpAuth, catalog, ladderService }));
      },
    });
  },
});
