import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ladderApiRef, type LadderApi } from '../../api';
import {
  D1,
  promotion,
  promotionWith,
} from '../../api/__fixtures__/promotions';
import { PromotionHistory } from './PromotionHistory';

const checkout = { kind: 'Component', namespace: 'default', name: 'checkout' };

const older = promotionWith({
  id: 'older',
  sourceEnvironment: 'staging',
  targetEnvironment: 'prod',
  digest: D1,
  state: 'failed',
  requestedBy: 'user:platform/ops',
  createdAt: '2026-11-20T09:30:00.000Z',
  verdicts: [
    {
      rule: 'canary-analysis',
      passed: false,
      message: 'prod needs a finished canary analysis',
    },
  ],
  pullRequest: null,
  history: [],
  error: 'prod needs a finished canary analysis',
});

function renderHistory(api: Partial<LadderApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, api]]}>
      <PromotionHistory entityRef={checkout} />
    </TestApiProvider>,
  );
}

/** The history as the tab holds it: refreshed when a promotion was requested. */
function TabWithRequest() {
  const [requested, setRequested] = useState(0);
  return (
    <>
      <button type="button" onClick={() => setRequested(requested + 1)}>
        request
      </button>
      <PromotionHistory entityRef={checkout} refreshKey={requested} />
    </>
  );
}

describe('PromotionHistory', () => {
  it('lists the promotions newest first with requester, rungs, short digest, state and pull request', async () => {
    const listPromotions = jest.fn().mockResolvedValue([older, promotion]);
    await renderHistory({ listPromotions });

    expect(listPromotions).toHaveBeenCalledWith(checkout);
    const table = await screen.findByRole('table', { name: 'Promotions' });
    const rows = within(table)
      .getAllByRole('row')
      .filter(row => row.dataset.testid?.startsWith('promotion-'));
    expect(rows.map(row => row.dataset.testid)).toEqual([
      `promotion-${promotion.id}`,
      'promotion-older',
    ]);

    const newest = within(rows[0]);
    expect(newest.getByText('2026-11-27 11:00 UTC')).toBeInTheDocument();
    expect(newest.getByText('jane')).toBeInTheDocument();
    expect(newest.getByText('dev → staging')).toBeInTheDocument();
    expect(newest.getByText('sha256:222222222222')).toBeInTheDocument();
    expect(newest.getByTestId('promotion-state')).toHaveAttribute(
      'data-state',
      'pr-open',
    );
    expect(newest.getByTestId('promotion-state')).toHaveTextContent('PR open');
    expect(newest.getByRole('link', { name: /#42/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/pull/42',
    );

    const oldest = within(rows[1]);
    expect(oldest.getByText('platform/ops')).toBeInTheDocument();
    expect(oldest.getByText('staging → prod')).toBeInTheDocument();
    expect(oldest.getByTestId('promotion-state')).toHaveTextContent('Failed');
    expect(oldest.getByText('—')).toBeInTheDocument();
  });

  it('says which rung a rollback rolled back, not "staging → staging"', async () => {
    const rollback = promotionWith({
      id: 'rollback',
      kind: 'rollback',
      sourceEnvironment: 'staging',
      targetEnvironment: 'staging',
      state: 'verified',
    });
    await renderHistory({
      listPromotions: jest.fn().mockResolvedValue([rollback]),
    });
    const row = within(await screen.findByTestId('promotion-rollback'));
    expect(row.getByText('staging rolled back')).toBeInTheDocument();
    expect(row.queryByText(/→/)).not.toBeInTheDocument();
  });

  it('shows the rules, the reason and the history on expand', async () => {
    await renderHistory({
      listPromotions: jest.fn().mockResolvedValue([older, promotion]),
    });
    const row = await screen.findByTestId('promotion-older');
    expect(
      screen.queryByTestId('promotion-details-older'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      within(row).getByRole('button', { name: 'Show rules and history' }),
    );
    const details = within(
      await screen.findByTestId('promotion-details-older'),
    );
    expect(
      details.getByText(/prod needs a finished canary analysis/, {
        selector: 'li *',
      }),
    ).toBeInTheDocument();
    expect(details.getByRole('list', { name: 'Rules' })).toHaveTextContent(
      '❌ canary-analysis: prod needs a finished canary analysis',
    );
    expect(details.getByText('Release 1.5.0')).toBeInTheDocument();
  });

  it('says so when there are no promotions yet', async () => {
    await renderHistory({ listPromotions: jest.fn().mockResolvedValue([]) });
    expect(await screen.findByText(/No promotions yet/)).toBeInTheDocument();
  });

  it('shows why the history cannot be read', async () => {
    await renderHistory({
      listPromotions: jest
        .fn()
        .mockRejectedValue(new Error('ledger unavailable')),
    });
    expect(
      (await screen.findAllByText(/ledger unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('reads the history again when a promotion was requested', async () => {
    const listPromotions = jest
      .fn()
      .mockResolvedValueOnce([older])
      .mockResolvedValueOnce([promotion, older]);
    await renderInTestApp(
      <TestApiProvider apis={[[ladderApiRef, { listPromotions }]]}>
        <TabWithRequest />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('promotion-older')).toBeInTheDocument();
    expect(
      screen.queryByTestId(`promotion-${promotion.id}`),
    ).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'request' }));
    expect(
      await screen.findByTestId(`promotion-${promotion.id}`),
    ).toBeInTheDocument();
    expect(listPromotions).toHaveBeenCalledTimes(2);
  });
});
