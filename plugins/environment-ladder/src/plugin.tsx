import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import { LadderClient, ladderApiRef } from './api';
import { scaffolderTemplateRouteRef } from './routes';
import { isLadderEntity } from './isLadderEntity';

const ladderApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ladderApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LadderClient({ discoveryApi, fetchApi }),
    }),
});

const environmentsContent = EntityContentBlueprint.make({
  name: 'environments',
  params: {
    path: '/environments',
    title: 'Environments',
    filter: isLadderEntity,
    loader: () =>
      import('./components/EnvironmentsContent').then(m => (
        <m.EnvironmentsContent />
      )),
  },
});

const overviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isLadderEntity,
    loader: () =>
      import('./components/LadderOverviewCard').then(m => (
        <m.LadderOverviewCard />
      )),
  },
});

/** The Environment Ladder plugin for the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'environment-ladder',
  externalRoutes: convertLegacyRouteRefs({
    scaffolderTemplate: scaffolderTemplateRouteRef,
  }),
  extensions: [ladderApi, environmentsContent, overviewCard],
});
