/*
 * The demo backend: a real Backstage backend wired with the Environment
 * Ladder suite. Only config values point it at the local fixture clusters.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import(
    '@environment-ladder/plugin-scaffolder-backend-module-environment-ladder'
  ),
);

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
// Owners promote to dev and staging; only the platform team to prod.
backend.add(import('./ladderPermissionPolicy'));

backend.add(import('@environment-ladder/plugin-environment-ladder-backend'));

// Signals: open Environments tabs and the overview refetch when a ladder changes.
backend.add(import('@backstage/plugin-signals-backend'));

// Notifications: a promotion's requester and the service's owners get one
// notification per promotion, updated in place as it moves.
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
