import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import { ladderApiRef, type LadderApi } from '../../api';
import { dryRunResult, promotion } from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { EnvironmentsContent } from './EnvironmentsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service' },
};

function renderWith(api: Partial<LadderApi>, route = '/') {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          ladderApiRef,
          {
            listPromotions: jest.fn().mockResolvedValue([]),
            getDeliveryMetrics: jest
              .fn()
              .mockRejectedValue(new Error('not served in this test')),
            ...api,
          },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <EnvironmentsContent />
      </EntityProvider>
    </TestApiProvider>,
    { routeEntries: [route] },
  );
}

// The machine the suite runs on is shared: rendering the whole tab takes a while.
jest.setTimeout(60_000);

describe('EnvironmentsContent', () => {
  it('shows the whole ladder as one row in promotion order, each rung a compact card', async () => {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    await renderWith({ getLadder });

    expect(getLadder).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    const rungs = screen
      .getAllByTestId(/^rung-/)
      .map(node => node.dataset.testid);
    // Promotion order, left to right: as a release climbs.
    expect(rungs).toEqual([
      'rung-local',
      'rung-dev',
      'rung-staging',
      'rung-prod',
      'rung-dr',
    ]);
    const dev = within(screen.getByTestId('rung-dev'));
    expect(dev.getByTestId('digest-dev')).toHaveTextContent('2222222');
    expect(dev.getByTestId('digest-dev')).toHaveAttribute(
      'data-digest',
      `sha256:${'2'.repeat(64)}`,
    );
    expect(dev.getByText('2/2 ready · 3h')).toBeInTheDocument();
    expect(dev.getByTestId('health-dev')).toHaveTextContent('Healthy');
    expect(
      within(screen.getByTestId('rung-local')).getByText('Not observed'),
    ).toBeInTheDocument();
    // The connector before staging says how it relates to dev.
    expect(screen.getByTestId('comparison-staging')).toHaveTextContent(
      '1 behind',
    );
    expect(screen.getByTestId('comparison-staging')).toHaveAttribute(
      'title',
      'Dev is 1 release ahead of Staging: 2222222',
    );
    // No details until a rung is selected.
    expect(screen.queryByTestId(/^details-/)).not.toBeInTheDocument();
  });

  it('is amber, not green, while prod is mid-canary with analysis running, and never says "unknown"', async () => {
    await renderWith({ getLadder: jest.fn().mockResolvedValue(ladder) });
    const prod = within(screen.getByTestId('rung-prod'));
    // The prod fixture also breaks a rule (error): red wins over amber.
    expect(prod.getByTestId('health-prod')).toHaveTextContent('1 broken rule');
    await renderWith({
      getLadder: jest.fn().mockResolvedValue({
        ...ladder,
        rungs: ladder.rungs.map(r =>
          r.name === 'prod' ? { ...r, violations: [] } : r,
        ),
        violations: [],
      } satisfies Ladder),
    });
    const [, calm] = screen.getAllByTestId('health-prod');
    expect(calm).toHaveTextContent('canary 3/8 · 20% · analysis running');
    const [, relation] = screen.getAllByTestId('comparison-prod');
    expect(relation).toHaveTextContent('rolling out');
    expect(relation.getAttribute('title')).not.toMatch(/unknown/i);
  });

  it('opens a rung’s details on selection and keeps the selection in the URL', async () => {
    await renderWith({ getLadder: jest.fn().mockResolvedValue(ladder) });
    const select = screen.getByRole('button', { name: 'Prod' });
    expect(select).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(select);
    expect(select).toHaveAttribute('aria-expanded', 'true');
    const details = within(await screen.findByTestId('details-prod'));
    expect(
      details.getByText(/Step 3\/8 · set weight 20% · actual weight 20%/),
    ).toBeInTheDocument();
    expect(
      details.getByTestId('violation-digest-not-from-rung-below'),
    ).toHaveTextContent('prod runs a digest that never ran in staging.');
    expect(details.getByTestId('promote-reason-prod')).toHaveTextContent(
      'Promote to Prod is unavailable: The permission policy does not let you promote into Prod',
    );
    // Selecting it again closes it.
    await userEvent.click(select);
    expect(screen.queryByTestId('details-prod')).not.toBeInTheDocument();
  });

  it('opens the rung a link points at (?rung=dev)', async () => {
    await renderWith(
      { getLadder: jest.fn().mockResolvedValue(ladder) },
      '/?rung=dev',
    );
    const details = within(await screen.findByTestId('details-dev'));
    expect(
      details.getByRole('table', { name: 'Declared and observed values' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Dev' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
  });

  it('says each broken rule once in a few words above the ladder, linking to its rung', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    await renderWith({
      getLadder: jest.fn().mockResolvedValue({
        ...ladder,
        violations: [
          {
            rule: 'digest-not-from-rung-below',
            severity: 'error',
            rung: 'prod',
            message: `prod runs ${digest}, which never ran in staging.`,
          },
        ],
      }),
    });
    const summary = within(screen.getByTestId('broken-rules'));
    expect(summary.getByText('1 broken ladder rule')).toBeInTheDocument();
    expect(summary.queryByText(new RegExp(digest))).not.toBeInTheDocument();
    await userEvent.click(summary.getByRole('button', { name: 'Prod' }));
    expect(await screen.findByTestId('details-prod')).toBeInTheDocument();
  });

  it('renders the server’s promotion verdicts on the connectors, the refusal’s reason on hover', async () => {
    await renderWith({ getLadder: jest.fn().mockResolvedValue(ladder) });
    const buttons = screen
      .getAllByRole('button', { name: /^Promote to / })
      .map(button => [
        button.textContent,
        button.getAttribute('aria-disabled') ?? 'false',
      ]);
    expect(buttons).toEqual([
      ['Promote to Staging', 'false'],
      ['Promote to Prod', 'true'],
      ['Promote to Disaster recovery', 'true'],
    ]);
    const prod = screen.getByRole('button', { name: 'Promote to Prod' });
    expect(prod).toHaveAccessibleDescription(
      "The permission policy does not let you promote into Prod; ask the service's owners or your platform team.",
    );
    // A refused promotion opens no dialog.
    await userEvent.click(prod);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows a promotion in flight on its target rung, and the refusal it causes', async () => {
    await renderWith({
      getLadder: jest.fn().mockResolvedValue({
        ...ladder,
        promotions: {
          targets: ladder.promotions!.targets.map(t =>
            t.targetEnvironment === 'staging'
              ? {
                  ...t,
                  allowed: false,
                  rule: 'no-promotion-in-flight',
                  reason:
                    'A promotion to Staging is already in flight (PR #42 · pr-open); wait until it is verified or has failed.',
                }
              : t,
          ),
          inFlight: [
            {
              sourceEnvironment: 'dev',
              targetEnvironment: 'staging',
              digest: promotion.digest,
              state: 'pr-open',
              pullRequest: promotion.pullRequest,
              requestedBy: promotion.requestedBy,
              createdAt: promotion.createdAt,
            },
          ],
        },
      } satisfies Ladder),
    });
    const flight = screen.getByTestId('in-flight-staging');
    expect(flight).toHaveTextContent('In flight: PR #42 · pr-open');
    expect(within(flight).getByRole('link')).toHaveAttribute(
      'href',
      promotion.pullRequest!.url,
    );
    expect(
      screen.getByRole('button', { name: 'Promote to Staging' }),
    ).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.getByRole('button', { name: 'Promote to Staging' }),
    ).toHaveAccessibleDescription(/already in flight \(PR #42 · pr-open\)/);
  });

  it('tells the user what to add when the entity is not set up', async () => {
    await renderWith({
      getLadder: jest.fn().mockResolvedValue({
        ...ladder,
        rungs: [],
        notSetUp:
          'Add the annotation backstage.io/kubernetes-id to this entity.',
      }),
    });
    expect(
      screen.getByText('This entity is not on the ladder yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/backstage.io\/kubernetes-id/)).toBeInTheDocument();
  });

  it('shows the error when the ladder cannot be read', async () => {
    await renderWith({
      getLadder: jest.fn().mockRejectedValue(new Error('backend is down')),
    });
    expect(screen.getAllByText(/backend is down/).length).toBeGreaterThan(0);
  });

  it('previews, then requests a promotion, and reads the promotions again', async () => {
    const listPromotions = jest
      .fn()
      .mockResolvedValueOnce([])
      .mockResolvedValue([promotion]);
    const requestPromotion = jest
      .fn()
      .mockResolvedValueOnce(dryRunResult)
      .mockResolvedValueOnce({ promotion, created: true });
    await renderWith({
      getLadder: jest.fn().mockResolvedValue(ladder),
      listPromotions,
      requestPromotion,
    });
    expect(await screen.findByText(/No promotions yet/)).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to Staging' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Release 1.5.0',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview (dry run)' }),
    );
    expect(await dialog.findByTestId('promotion-diff')).toBeInTheDocument();
    expect(listPromotions).toHaveBeenCalledTimes(1);

    await userEvent.click(
      dialog.getByRole('button', { name: 'Open pull request' }),
    );
    expect(await dialog.findByTestId('promotion-pr-link')).toHaveTextContent(
      '#42',
    );
    const history = within(screen.getByTestId('promotion-history'));
    expect(
      await history.findByTestId(`promotion-${promotion.id}`),
    ).toBeInTheDocument();
    await waitFor(() => expect(listPromotions).toHaveBeenCalledTimes(2));
  });

  it('shows the delivery metrics strip of the service, below the ladder', async () => {
    const getDeliveryMetrics = jest.fn().mockResolvedValue({
      period: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        days: 30,
      },
      entityRefs: ['component:default/checkout'],
      deploymentFrequency: [{ rung: 'prod', deployments: 3, perDay: 0.1 }],
      leadTime: { rung: 'prod', count: 3, medianMs: 7_200_000, p90Ms: null },
      changeFailureRate: { changes: 4, failures: 1, rate: 0.25 },
      timeToRestore: { count: 0, medianMs: null, p90Ms: null, unrestored: 0 },
    });
    await renderWith({
      getLadder: jest.fn().mockResolvedValue(ladder),
      getDeliveryMetrics,
    });
    const strip = await screen.findByRole('region', {
      name: 'Delivery metrics',
    });
    expect(await within(strip).findByText('25 %')).toBeInTheDocument();
    expect(within(strip).getByText('2 h')).toBeInTheDocument();
    expect(getDeliveryMetrics).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      30,
    );
  });
});
