import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { LadderClient, ladderApiRef } from './api';

const rootRouteRef = createRouteRef({ id: 'environment-ladder' });

/** The Environment Ladder plugin for apps on the legacy frontend system. */
export const environmentLadderPlugin = createPlugin({
  id: 'environment-ladder',
  apis: [
    createApiFactory({
      api: ladderApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LadderClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The Environments tab, for `<EntityLayout.Route path="/environments">` on service pages. */
export const EntityEnvironmentsContent = environmentLadderPlugin.provide(
  createRoutableExtension({
    name: 'EntityEnvironmentsContent',
    component: () =>
      import('./components/EnvironmentsContent').then(
        m => m.EnvironmentsContent,
      ),
    mountPoint: rootRouteRef,
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
