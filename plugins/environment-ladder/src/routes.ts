import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/** The overview page's route; the new frontend system uses it converted. */
export const rootRouteRef = createRouteRef({ id: 'environment-ladder' });

/**
 * Where the scaffolder shows one template: bound by the app to the
 * scaffolder's `selectedTemplate` route. Optional: without it the promote
 * dialog simply offers no scaffolder link.
 */
export const scaffolderTemplateRouteRef = createExternalRouteRef({
  id: 'environment-ladder-scaffolder-template',
  params: ['namespace', 'templateName'],
  optional: true,
});
