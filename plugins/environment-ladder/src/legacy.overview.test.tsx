import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ladderApiRef } from './api';
import { overview } from './__fixtures__/overview';
import { EntityServicesLadderCard, LadderOverviewPage } from './legacy';
import { Route, Routes } from 'react-router-dom';

// A material-table render takes seconds on a busy machine.
jest.setTimeout(60_000);

/** The legacy frontend system's exports of the overview page and the services card. */
describe('legacy exports: overview', () => {
  const getOverview = jest.fn().mockResolvedValue(overview);
  const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

  it('renders the overview page', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[ladderApiRef, { getOverview }]]}>
        <Routes>
          <Route path="/environment-ladder" element={<LadderOverviewPage />} />
        </Routes>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        routeEntries: ['/environment-ladder'],
      },
    );
    expect(
      await screen.findByTestId(
        'overview-link-payments',
        {},
        { timeout: 20_000 },
      ),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/environments',
    );
    expect(screen.getByText('Environment ladder')).toBeInTheDocument();
  });

  it('renders the services card of a System', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[ladderApiRef, { getOverview }]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'System',
            metadata: { name: 'shop', namespace: 'default' },
          }}
        >
          <EntityServicesLadderCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByTestId('cell-checkout-prod', {}, { timeout: 20_000 }),
    ).toHaveTextContent('1 broken rule');
    expect(getOverview).toHaveBeenLastCalledWith({
      system: 'system:default/shop',
    });
  });
});
