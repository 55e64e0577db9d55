import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import TimelineIcon from '@material-ui/icons/Timeline';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { LadderClient, ladderApiRef } from './api';
import { isLadderEntity } from './isLadderEntity';
import { isSystemOrGroupEntity } from './isSystemOrGroupEntity';
import { rootRouteRef, scaffolderTemplateRouteRef } from './routes';

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

const overviewPage = PageBlueprint.make({
  params: {
    path: '/environment-ladder',
    title: 'Environment ladder',
    icon: <TimelineIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    // The page brings its own header (title and subtitle).
    noHeader: true,
    loader: () =>
      import('./components/LadderOverviewPage').then(m => (
        <m.LadderOverviewPage />
      )),
  },
});

const servicesCard = EntityCardBlueprint.make({
  name: 'services',
  params: {
    filter: isSystemOrGroupEntity,
    loader: () =>
      import('./components/ServicesLadderCard').then(m => (
        <m.ServicesLadderCard />
      )),
  },
});

/** The Environment Ladder plugin for the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'environment-ladder',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  externalRoutes: convertLegacyRouteRefs({
    scaffolderTemplate: scaffolderTemplateRouteRef,
  }),
  extensions: [
    ladderApi,
    environmentsContent,
    overviewCard,
    overviewPage,
    servicesCard,
  ],
});
