import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { LadderClient, ladderApiRef } from './api';
import { scaffolderTemplateRouteRef } from './routes';

/** The Environment Ladder plugin for apps on the legacy frontend system. */
export const environmentLadderPlugin = createPlugin({
  id: 'environment-ladder',
  externalRoutes: { scaffolderTemplate: scaffolderTemplateRouteRef },
  apis: [
    createApiFactory({
      api: ladderApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LadderClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/** The Environments tab, for `<EntityLayout.Route path="/environments">` on service pages. */
export const EntityEnvironmentsContent = environmentLadderPlugin.provide(
  createComponentExtension({
    name: 'EntityEnvironmentsContent',
    component: {
      lazy: () =>
        import('./components/EnvironmentsContent').then(
          m => m.EnvironmentsContent,
        ),
    },
  }),
);

/** The overview card: one line per rung. */
export const EntityLadderOverviewCard = environmentLadderPlugin.provide(
  createComponentExtension({
    name: 'EntityLadderOverviewCard',
    component: {
      lazy: () =>
        import('./components/LadderOverviewCard').then(
          m => m.LadderOverviewCard,
        ),
    },
  }),
);
