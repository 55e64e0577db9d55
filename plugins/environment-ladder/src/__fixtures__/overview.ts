import {
  summarizeLadder,
  type LadderOverview,
} from '@environment-ladder/plugin-environment-ladder-common';
import { ladder } from './ladder';

const shop = {
  system: 'system:default/shop',
  lifecycle: 'production',
};

/**
 * The overview the backend would answer for three services: checkout's
 * ladder is the tab fixture (prod breaks a rule, dr is unreachable),
 * payments runs the same without the broken rule, storefront-docs is not
 * set up.
 */
export const overview: LadderOverview = {
  generatedAt: '2026-11-27T12:00:00.000Z',
  rungs: ladder.rungs.map(rung => ({ name: rung.name, title: rung.title })),
  rows: [
    summarizeLadder(ladder, {
      entityRef: 'component:default/checkout',
      title: 'checkout',
      owner: 'group:default/team-shop',
      ...shop,
    }),
    summarizeLadder(
      {
        ...ladder,
        entityRef: 'component:default/payments',
        rungs: ladder.rungs.map(rung => ({ ...rung, violations: [] })),
      },
      {
        entityRef: 'component:default/payments',
        title: 'payments',
        owner: 'group:default/team-payments',
        ...shop,
      },
    ),
    {
      entityRef: 'component:default/storefront-docs',
      title: 'storefront-docs',
      owner: 'group:default/team-shop',
      system: 'system:default/shop',
      lifecycle: 'experimental',
      cells: [],
      brokenRules: 0,
      notSetUp: 'Add the annotation backstage.io/kubernetes-id',
    },
  ],
};
