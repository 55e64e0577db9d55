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
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
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

/**
 * The scaffolder field `EnvironmentLadderTargetPicker` (the rung of *Promote a
 * release*). It attaches to the scaffolder's form-fields API; shipping it in
 * this plugin means an app that has the plugin has the field, with no line of
 * its own (and where the scaffolder is not installed it is simply unused).
 */
const targetPickerField = FormFieldBlueprint.make({
  name: 'target-picker',
  params: {
    field: () =>
      import('./components/TargetPicker').then(m =>
        createFormField({
          name: m.TARGET_PICKER_FIELD_NAME,
          component: m.EnvironmentLadderTargetPicker,
          validation: m.validateEnvironmentLadderTarget,
        }),
      ),
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
    targetPickerField,
  ],
});
