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
import { readGitOpsConfig } from './config/gitOps';
import { createRouter } from './router';
import { createGitHubGitOpsRepository } from './services/GitOpsRepository/createGitHubGitOpsRepository';
import { createPromotionReconciler } from './services/PromotionReconciler/createPromotionReconciler';
import {
  createPromotionAdvancer,
  type PromotionAdvancerOptions,
} from './services/PromotionService/createPromotionAdvancer';
import { createPromotionService } from './services/PromotionService/createPromotionService';
import { createPromotionStore } from './services/PromotionStore/createPromotionStore';
import { createClusterReader } from './services/ClusterReader/createClusterReader';
import { createCachedLadderService } from './services/LadderService/createCachedLadderService';
import { createLadderService } from './services/LadderService/createLadderService';
import { createOverviewService } from './services/OverviewService/createOverviewService';
import { createMetricsService } from './services/MetricsService/createMetricsService';
import { createPullRequestStates } from './services/PullRequestStates/createPullRequestStates';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readModelConfig } from './modelConfig';
import { createClusterModel } from './services/ClusterModel/createClusterModel';
import { createKubernetesProxyGet } from './services/ClusterModel/kubernetesProxy';
import { createModelClusterReader } from './services/ClusterReader/createModelClusterReader';
import { createLiveLadderService } from './services/LadderService/createLiveLadderService';
import {
  createLadderSignals,
  withPromotionSignals,
} from './services/LadderSignals/createLadderSignals';
import { withSignatureChecks } from './services/SignatureVerifier/withSignatureChecks';
import {
  createPromotionNotifications,
  withPromotionNotifications,
} from './services/PromotionNotifications/createPromotionNotifications';

/**
 * The Environment Ladder backend plugin.
 *
 * @public
 */
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
        lifecycle: coreServices.lifecycle,
        rootLifecycle: coreServices.rootLifecycle,
        // Has a default (through the events service): without the signals
        // backend installed the plugin starts, and views keep polling.
        signals: signalsServiceRef,
        // Has a default that calls the notifications backend; without it
        // installed a send fails, is logged, and the promotion goes on.
        notifications: notificationService,
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
        lifecycle,
        rootLifecycle,
        signals,
        notifications,
      }) {
        const ladderConfig = readLadderConfig(config, {
          knownClusters: readKnownClusters(config),
        });
        const modelConfig = readModelConfig(config);
        const integrations = ScmIntegrations.fromConfig(config);
        const ladderSignals = createLadderSignals({ signals, logger });
        const directReader = createClusterReader({ discovery, auth });
        const pullRequestStates = createPullRequestStates({
          integrations,
          logger,
        });
        let observedLadderService;
        if (modelConfig.enabled) {
          // One live model of every rung cluster, read by every view.
          const model = createClusterModel({
            config: ladderConfig,
            model: modelConfig,
            get: createKubernetesProxyGet({ discovery, auth }),
            logger,
          });
          // Once every plugin has started: the Kubernetes plugin's proxy holds
          // requests until its own start-up, which may come after ours.
          rootLifecycle.addStartupHook(() => model.start());
          lifecycle.addShutdownHook(() => model.stop());
          observedLadderService = createLiveLadderService({
            ladderService: createLadderService({
              config: ladderConfig,
              clusterReader: createModelClusterReader({
                model,
                direct: directReader,
              }),
              logger,
              pullRequestStates,
            }),
            model,
            indexLabel: modelConfig.indexLabel,
            freshnessMs: ladderConfig.cacheFreshnessMs,
            notifier: ladderSignals,
            logger,
          });
        } else {
          observedLadderService = createCachedLadderService({
            ladderService: createLadderService({
              config: ladderConfig,
              clusterReader: directReader,
              logger,
              pullRequestStates,
            }),
            cache,
            freshnessMs: ladderConfig.cacheFreshnessMs,
          });
        }
        // Signature verdicts are attached after the ladder is built, to every view alike.
        const ladderService = withSignatureChecks({
          ladderService: observedLadderService,
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
        const repository = createGitHubGitOpsRepository({
          integrations,
          logger,
        });
        const promotionOptions: PromotionAdvancerOptions = {
          config: ladderConfig,
          gitOps: readGitOpsConfig(config, {
            checkRepository: url => repository.checkRepository?.(url),
          }),
          ladderService,
          store: withPromotionSignals(
            ladderConfig.notificationsEnabled
              ? withPromotionNotifications(
                  await createPromotionStore({ database }),
                  createPromotionNotifications({
                    notifications,
                    catalog,
                    auth,
                    logger,
                  }),
                )
              : await createPromotionStore({ database }),
            ladderSignals,
          ),
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
        };
        const advancer = createPromotionAdvancer(promotionOptions);
        const promotionService = createPromotionService({
          ...promotionOptions,
          advancer,
        });
        const reconciler = createPromotionReconciler({
          ...promotionOptions,
          advancer,
        });
        // Follows every promotion in flight until it runs verified or fails; it also
        // picks up promotions a restart, or another replica's crash, interrupted.
        await scheduler.scheduleTask({
          id: 'environment-ladder-reconcile-promotions',
          frequency: { milliseconds: ladderConfig.reconcileEveryMs },
          timeout: { milliseconds: ladderConfig.reconcileTimeoutMs },
          fn: async () => {
            const { advanced, failed } = await reconciler.reconcile();
            if (advanced || failed) {
              logger.info('Reconciled promotions', { advanced, failed });
            }
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            catalog,
            config: ladderConfig,
            ladderService,
            overviewService: createOverviewService({
              catalog,
              ladderService,
              permissionChecks,
              config: ladderConfig,
              logger,
            }),
            promotionService,
            permissionChecks,
            metricsService: createMetricsService({
              catalog,
              permissionChecks,
              config: ladderConfig,
              listForEntity: entityRef =>
                promotionService.listForEntity(entityRef),
            }),
            logger,
            accessReuseMs: modelConfig.accessReuseMs,
          }),
        );
      },
    });
  },
});
