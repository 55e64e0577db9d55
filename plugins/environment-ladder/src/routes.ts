import { createRouteRef } from '@backstage/core-plugin-api';

/** The overview page's route; the new frontend system uses it converted. */
export const rootRouteRef = createRouteRef({ id: 'environment-ladder' });
