import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { LadderClient, ladderApiRef } from './api';

/**
 * The Environment Ladder plugin for apps on the legacy frontend system.
 *
 * @public
 */
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
});

/**
 * The Environments tab, for `<EntityLayout.Route path="/environments">` on service pages.
 *
 * @public
 */
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

/**
 * The overview card: one line per rung.
 *
 * @public
 */
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
