import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ladderApiRef } from '../../api';
import { overview } from '../../__fixtures__/overview';
import { LadderOverviewPage } from './LadderOverviewPage';

// A material-table render takes seconds on a busy machine.
jest.setTimeout(60_000);

const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

const shown = () =>
  screen.queryAllByTestId(/^overview-link-/).map(link => link.textContent);

async function renderPage(getOverview = jest.fn().mockResolvedValue(overview)) {
  await renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, { getOverview }]]}>
      <LadderOverviewPage />
    </TestApiProvider>,
    { mountedRoutes },
  );
  await screen.findByTestId('overview-link-checkout', {}, { timeout: 20_000 });
  return getOverview;
}

describe('LadderOverviewPage', () => {
  it('shows every service × every rung from one request, each linking to its Environments tab', async () => {
    const getOverview = await renderPage();
    expect(getOverview).toHaveBeenCalledTimes(1);
    expect(getOverview).toHaveBeenCalledWith({});
    expect(shown()).toEqual(['checkout', 'payments', 'storefront-docs']);
    expect(screen.getByTestId('overview-link-checkout')).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/environments',
    );
    for (const title of [
      'Local',
      'Dev',
      'Staging',
      'Prod',
      'Disaster recovery',
    ]) {
      expect(
        screen.getByRole('columnheader', { name: title }),
      ).toBeInTheDocument();
    }

    expect(screen.getByTestId('cell-checkout-local')).toHaveTextContent(
      'not observed',
    );
    const dev = screen.getByTestId('cell-checkout-dev');
    expect(dev).toHaveAttribute('data-digest', `sha256:${'2'.repeat(12)}`);
    expect(dev).toHaveTextContent(`sha256:${'2'.repeat(12)}`);
    expect(screen.getByTestId('cell-checkout-staging')).toHaveTextContent(
      '1 behind',
    );
    const prod = screen.getByTestId('cell-checkout-prod');
    expect(prod).toHaveTextContent('2 digests');
    expect(prod).toHaveTextContent('Paused');
    expect(prod).toHaveTextContent('1 broken rule');
    expect(screen.getByTestId('cell-payments-prod')).not.toHaveTextContent(
      'broken',
    );
    expect(screen.getByTestId('cell-checkout-dr')).toHaveTextContent(
      'unreachable',
    );
    expect(screen.getByTestId('cell-storefront-docs-local')).toHaveTextContent(
      'not set up',
    );
  });

  it('filters by owner, lifecycle and "only broken" in the browser', async () => {
    const getOverview = await renderPage();
    const user = userEvent.setup();

    await user.selectOptions(
      screen.getByTestId('filter-owner'),
      'group:default/team-shop',
    );
    await waitFor(() =>
      expect(shown()).toEqual(['checkout', 'storefront-docs']),
    );
    await user.selectOptions(
      screen.getByTestId('filter-lifecycle'),
      'experimental',
    );
    await waitFor(() => expect(shown()).toEqual(['storefront-docs']));

    await user.selectOptions(screen.getByTestId('filter-owner'), '');
    await user.selectOptions(screen.getByTestId('filter-lifecycle'), '');
    await waitFor(() => expect(shown()).toHaveLength(3));
    await user.click(screen.getByRole('checkbox', { name: 'Only broken' }));
    await waitFor(() => expect(shown()).toEqual(['checkout']));
    expect(screen.getByText('1 of 3 services')).toBeInTheDocument();
    // The server was only ever asked for everything (a 10 s poll may have
    // repeated the question while the test ran).
    expect(getOverview.mock.calls).toEqual(
      getOverview.mock.calls.map(() => [{}]),
    );
  });

  it('offers only the values that occur, by name', async () => {
    await renderPage();
    const owners = within(screen.getByTestId('filter-owner'))
      .getAllByRole('option')
      .map(option => option.textContent);
    expect(owners).toEqual(['All', 'team-payments', 'team-shop']);
  });

  it('shows the backend error when the overview cannot be read', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            ladderApiRef,
            {
              getOverview: jest
                .fn()
                .mockRejectedValue(new Error('backend is down')),
            },
          ],
        ]}
      >
        <LadderOverviewPage />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByText('Error: backend is down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
