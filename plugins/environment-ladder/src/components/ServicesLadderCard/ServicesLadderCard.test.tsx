import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ladderApiRef } from '../../api';
import { overview } from '../../__fixtures__/overview';
import { ServicesLadderCard } from './ServicesLadderCard';

// A material-table render takes seconds on a busy machine.
jest.setTimeout(60_000);

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
};
const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-shop', namespace: 'default' },
};

const getTeamDeliveryMetrics = jest.fn().mockResolvedValue({
  period: {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    days: 30,
  },
  entityRefs: ['component:default/checkout', 'component:default/payments'],
  deploymentFrequency: [{ rung: 'prod', deployments: 5, perDay: 5 / 30 }],
  leadTime: { rung: 'prod', count: 5, medianMs: 3_600_000, p90Ms: null },
  changeFailureRate: { changes: 5, failures: 1, rate: 0.2 },
  timeToRestore: { count: 1, medianMs: 1_800_000, p90Ms: null, unrestored: 0 },
});

async function renderCard(entity: Entity) {
  const getOverview = jest.fn().mockResolvedValue(overview);
  await renderInTestApp(
    <TestApiProvider
      apis={[[ladderApiRef, { getOverview, getTeamDeliveryMetrics }]]}
    >
      <EntityProvider entity={entity}>
        <ServicesLadderCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  await screen.findByTestId('overview-link-checkout', {}, { timeout: 20_000 });
  return getOverview;
}

describe('ServicesLadderCard', () => {
  it("asks the server for a System's services only, and shows their rungs", async () => {
    const getOverview = await renderCard(system);
    expect(getOverview).toHaveBeenCalledWith({ system: 'system:default/shop' });
    expect(screen.getByText('Environments')).toBeInTheDocument();
    expect(screen.getByTestId('overview-link-payments')).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/environments',
    );
    expect(screen.getByTestId('cell-checkout-staging')).toHaveTextContent(
      '1 behind',
    );
    // Dense: no owner and system columns on an entity page.
    expect(screen.queryByRole('columnheader', { name: 'Owner' })).toBeNull();
  });

  it("asks the server for a Group's own services", async () => {
    const getOverview = await renderCard(group);
    expect(getOverview).toHaveBeenCalledWith({
      owner: 'group:default/team-shop',
    });
  });

  it("shows a Group's delivery metrics", async () => {
    getTeamDeliveryMetrics.mockClear();
    await renderCard(group);
    expect(getTeamDeliveryMetrics).toHaveBeenCalledWith(
      'group:default/team-shop',
      30,
    );
    expect(
      await screen.findByText('Delivery, last 30 days (2 services)'),
    ).toBeInTheDocument();
    expect(screen.getByText('20 %')).toBeInTheDocument();
  });

  it('shows no delivery metrics on a System page', async () => {
    getTeamDeliveryMetrics.mockClear();
    await renderCard(system);
    expect(
      screen.queryByRole('region', { name: 'Delivery metrics' }),
    ).toBeNull();
    expect(getTeamDeliveryMetrics).not.toHaveBeenCalled();
  });
});
