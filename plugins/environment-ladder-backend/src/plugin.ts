import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { environmentLadderPermissions } from '@environment-ladder/plugin-environment-ladder-common';
import { readKnownClusters, readLadderConfig } from './config';
import { createPermissionChecks } from './permissions/createPermissionChecks';
import { promotionPermissionResourceRef } from './permissions/promotionPermissionResourceRef';
import { promotionPermissionRules } from './permissions/rules';
import { readGitOpsConfig } from './gitOpsConfig';
import { createRouter } from './router';
import { createGitHubGitOpsRepository } from './services/GitOpsRepository/createGitHubGitOpsRepository';
import { createPromotionService } from './services/PromotionService/createPromotionService';
import { createPromotionStore } from './services/PromotionStore/createPromotionStore';
import { createClusterReader } from './services/ClusterReader/createClusterReader';
import { createCachedLadderService } from './services/LadderService/createCachedLadderService';
import { createLadderService } from './services/LadderService/createLadderService';
import { createPullRequestStates } from './services/PullRequestStates/createPullRequestStates';
import { withSignatureChecks } from './services/SignatureVerifier/withSignatureChecks';

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
        database: coreServices.database,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
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
        database,
        scheduler,
        cache,
      }) {
        const ladderConfig = readLadderConfig(config, {
          knownClusters: readKnownClusters(config),
        });
        const integrations = ScmIntegrations.fromConfig(config);
        const cachedLadderService = createCachedLadderService({
          ladderService: createLadderService({
            config: ladderConfig,
            clusterReader: createClusterReader({ discovery, auth }),
            logger,
            pullRequestStates: createPullRequestStates({
              integrations,
              logger,
            }),
          }),
          cache,
          freshnessMs: ladderConfig.cacheFreshnessMs,
        });
        const ladderService = withSignatureChecks({
          ladderService: cachedLadderService,
          signatures: ladderConfig.signatures,
          cache,
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

        const appBaseUrl = config.getOptionalString('app.baseUrl');
        const repository = createGitHubGitOpsRepository({ integrations });
        const promotionService = createPromotionService({
          config: ladderConfig,
          gitOps: readGitOpsConfig(config, {
            checkRepository: url => repository.checkRepository?.(url),
          }),
          ladderService,
          store: await createPromotionStore({ database }),
          repository,
          catalog,
          auth,
          logger,
          entityUrl: entity =>
            appBaseUrl &&
            `${appBaseUrl}/catalog/${
              entity.metadata.namespace ?? 'default'
            }/${entity.kind.toLocaleLowerCase('en-US')}/${
              entity.metadata.name
            }/environments`,
        });
        // Follows every promotion in flight until it runs verified or fails;
        // it also picks up promotions a restart interrupted.
        await scheduler.scheduleTask({
          id: 'environment-ladder-reconcile-promotions',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          fn: async () => {
            const { advanced, failed } = await promotionService.reconcile();
            if (advanced || failed) {
              logger.info('Reconciled promotions', { advanced, failed });
            }
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            catalog,
            config: ladderConfig,
            ladderService,
            promotionService,
            permissionChecks,
          }),
        );
      },
    });
  },
});
