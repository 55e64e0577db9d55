import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { ladderApiRef } from './api';
import { ladder } from './__fixtures__/ladder';
import { getComponentData } from '@backstage/core-plugin-api';
import {
  EntityEnvironmentsContent,
  EntityLadderOverviewCard,
  EnvironmentLadderTargetPickerFieldExtension,
  environmentLadderPlugin,
} from './legacy';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service' },
};

/** The legacy frontend system's exports render the same tab and card. */
describe('legacy exports', () => {
  const apis = [
    [
      ladderApiRef,
      {
        getLadder: jest.fn().mockResolvedValue(ladder),
        listPromotions: jest.fn().mockResolvedValue([]),
        getPromotionTargets: jest.fn().mockResolvedValue([]),
      },
    ],
    [
      permissionApiRef,
      { authorize: async () => ({ result: AuthorizeResult.ALLOW }) },
    ],
  ] as const;

  it('provides the ladder API factory', () => {
    expect(
      [...environmentLadderPlugin.getApis()].map(api => api.api.id),
    ).toEqual(['plugin.environment-ladder.ladder']);
  });

  it('renders the Environments tab', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis as any}>
        <EntityProvider entity={entity}>
          <EntityEnvironmentsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('rung-prod')).toBeInTheDocument();
    expect(screen.getAllByTestId('digest-dev')[0]).toHaveAttribute(
      'data-digest',
      `sha256:${'2'.repeat(64)}`,
    );
  });

  it('renders the overview card, one line per rung', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis as any}>
        <EntityProvider entity={entity}>
          <EntityLadderOverviewCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByTestId('summary-staging')).toHaveTextContent(
      'Staging',
    );
    expect(screen.getByTestId('summary-staging')).toHaveTextContent(
      'behind the rung below by 1 release',
    );
    expect(screen.getByTestId('summary-local')).toHaveTextContent(
      'not observed',
    );
    expect(screen.getByTestId('summary-dr')).toHaveTextContent(
      "cluster 'dr' did not answer within 5000 ms",
    );
    // Health in words beside its icon, and each rung a link to its details on the tab.
    expect(screen.getByTestId('summary-dr')).toHaveTextContent(
      'Cannot be read',
    );
    expect(screen.getByRole('link', { name: 'Staging' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/environments?rung=staging',
    );
    expect(
      screen.getByRole('link', { name: /Open the Environments tab/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/environments',
    );
  });

  it('provides the scaffolder field EnvironmentLadderTargetPicker, for <ScaffolderFieldExtensions>', () => {
    // What <ScaffolderFieldExtensions> collects from its children.
    expect(
      getComponentData(
        <EnvironmentLadderTargetPickerFieldExtension />,
        'scaffolder.extensions.field.v1',
      ),
    ).toMatchObject({
      name: 'EnvironmentLadderTargetPicker',
      component: expect.any(Function),
      validation: expect.any(Function),
    });
  });
});
