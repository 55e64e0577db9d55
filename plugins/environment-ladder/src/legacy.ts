import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { LadderClient, ladderApiRef } from './api';
import {
  EnvironmentLadderTargetPicker,
  TARGET_PICKER_FIELD_NAME,
  validateEnvironmentLadderTarget,
  type TargetPickerUiOptions,
} from './components/TargetPicker';
import { rootRouteRef, scaffolderTemplateRouteRef } from './routes';

/**
 * The Environment Ladder plugin for apps on the legacy frontend system.
 *
 * @public
 */
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
  routes: { root: rootRouteRef },
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

/**
 * The org-wide overview page (every service × every rung), for
 * `<Route path="/environment-ladder" element={<LadderOverviewPage />} />`.
 */
export const LadderOverviewPage = environmentLadderPlugin.provide(
  createRoutableExtension({
    name: 'LadderOverviewPage',
    component: () =>
      import('./components/LadderOverviewPage').then(m => m.LadderOverviewPage),
    mountPoint: rootRouteRef,
  }),
);

/** The services card for System and Group pages: each service's ladder in one row. */
export const EntityServicesLadderCard = environmentLadderPlugin.provide(
  createComponentExtension({
    name: 'EntityServicesLadderCard',
    component: {
      lazy: () =>
        import('./components/ServicesLadderCard').then(
          m => m.ServicesLadderCard,
        ),
    },
  }),
);

/**
 * The scaffolder field `EnvironmentLadderTargetPicker`, for apps on the legacy
 * frontend system: inside `<ScaffolderFieldExtensions>` of the `/create` route.
 * For the service the form's `entity` field names it offers the rungs the
 * backend lets the signed-in user promote into (refused ones disabled, with
 * their reason), shows the digest that would move and the rules' verdicts of
 * a dry run, and refuses a rung that cannot be chosen. It uses the ladder
 * API of {@link environmentLadderPlugin}, which an app that shows the
 * Environments tab already has. (Provided by this plugin rather than
 * `scaffolderPlugin`: the scaffolder's field extensions ignore which plugin
 * provides them, and this spares the package a dependency on the scaffolder.)
 *
 * @public
 */
export const EnvironmentLadderTargetPickerFieldExtension =
  environmentLadderPlugin.provide(
    createScaffolderFieldExtension<string, TargetPickerUiOptions>({
      name: TARGET_PICKER_FIELD_NAME,
      component: EnvironmentLadderTargetPicker,
      validation: validateEnvironmentLadderTarget,
    }),
  );
