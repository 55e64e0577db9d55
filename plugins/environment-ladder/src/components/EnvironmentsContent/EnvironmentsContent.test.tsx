import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
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

function renderWith(api: Partial<LadderApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          ladderApiRef,
          {
            listPromotions: jest.fn().mockResolvedValue([]),
            getPromotionTargets: jest.fn().mockResolvedValue([]),
            ...api,
          },
        ],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>
        <EnvironmentsContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EnvironmentsContent', () => {
  it('shows every rung in order with its digest, relation, rollout and violations', async () => {
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
    // Highest rung first: a ladder is read top-down.
    expect(rungs).toEqual([
      'rung-dr',
      'rung-prod',
      'rung-staging',
      'rung-dev',
      'rung-local',
    ]);

    expect(
      within(screen.getByTestId('rung-local')).getByText(/Not observed/),
    ).toBeInTheDocument();
    const dev = within(screen.getByTestId('rung-dev'));
    expect(dev.getByTestId('digest-dev')).toHaveTextContent(
      'sha256:222222222222',
    );
    expect(dev.getByTestId('digest-dev')).toHaveAttribute(
      'data-digest',
      `sha256:${'2'.repeat(64)}`,
    );
    expect(
      dev.getByText(/2\/2 replicas ready · running for 3h/),
    ).toBeInTheDocument();

    const staging = within(screen.getByTestId('rung-staging'));
    expect(
      staging.getByText('Behind the rung below by 1 release'),
    ).toBeInTheDocument();

    const prod = within(screen.getByTestId('rung-prod'));
    expect(prod.getAllByTestId('digest-prod')).toHaveLength(2);
    expect(
      prod.getByText(/Step 3\/8 · set weight 20% · actual weight 20%/),
    ).toBeInTheDocument();
    // Steps 1-3 done, the fourth (index 3) is current.
    const steps = prod
      .getAllByRole('listitem')
      .map(step => step.getAttribute('aria-label'));
    expect(steps).toEqual([
      'step 1: done',
      'step 2: done',
      'step 3: done',
      'step 4: current',
      'step 5: pending',
      'step 6: pending',
      'step 7: pending',
      'step 8: pending',
    ]);
    expect(
      prod.getByText('success-rate: Successful (0.997)'),
    ).toBeInTheDocument();
    expect(
      prod.getByTestId('violation-digest-not-from-rung-below'),
    ).toHaveTextContent('prod runs a digest that never ran in staging.');

    expect(
      within(screen.getByTestId('rung-dr')).getByRole('alert'),
    ).toHaveTextContent("cluster 'dr' did not answer within 5000 ms");
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
  it('offers to promote each observed rung into the rung above it, as the targets allow', async () => {
    const getPromotionTargets = jest.fn().mockResolvedValue([
      { environment: 'dev', allowed: true },
      { environment: 'staging', allowed: true },
      { environment: 'prod', allowed: false },
      { environment: 'dr', allowed: true },
    ]);
    await renderWith({
      getLadder: jest.fn().mockResolvedValue(ladder),
      getPromotionTargets,
    });

    expect(getPromotionTargets).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    // Shown on the source rung; none on local (not observed) nor on the top rung.
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote to Staging' }),
      ).toBeEnabled(),
    );
    const buttons = screen
      .getAllByRole('button', { name: /^Promote to / })
      .map(button => button.textContent);
    expect(buttons).toEqual([
      'Promote to Disaster recovery',
      'Promote to Prod',
      'Promote to Staging',
    ]);
    expect(
      screen.getByRole('button', { name: 'Promote to Prod' }),
    ).toBeDisabled();
    // prod runs two digests mid-canary: nothing single to promote yet.
    expect(
      screen.getByRole('button', { name: 'Promote to Disaster recovery' }),
    ).toBeDisabled();
  });

  it('shows the promotions under the ladder and reads them again after a promotion', async () => {
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

    const promote = screen.getByRole('button', { name: 'Promote to Staging' });
    await waitFor(() => expect(promote).toBeEnabled());
    await userEvent.click(promote);
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
    expect(listPromotions).toHaveBeenCalledTimes(2);
  });

  it('leaves the buttons to the backend when the targets cannot be read', async () => {
    await renderWith({
      getLadder: jest.fn().mockResolvedValue(ladder),
      getPromotionTargets: jest.fn().mockRejectedValue(new Error('404')),
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote to Staging' }),
      ).toBeEnabled(),
    );
  });
});
