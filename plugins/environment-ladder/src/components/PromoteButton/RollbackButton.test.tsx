import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { LadderRollbackTarget } from '@environment-ladder/plugin-environment-ladder-common';
import { screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import userEvent from '@testing-library/user-event';
import { ladderApiRef } from '../../api';
import { D1, dryRunResult, promotion } from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { RollbackButton } from './RollbackButton';

const staging = ladder.rungs.find(r => r.name === 'staging')!;
const allowed: LadderRollbackTarget = {
  targetEnvironment: 'staging',
  digest: D1,
  evidence: 'ledger',
  allowed: true,
  rule: null,
  reason: null,
};

jest.setTimeout(60_000);

/** As the tab does: a request refreshes the ladder, whose rollback is then in flight. */
function RefreshingRollbackButton(props: { onRequested: () => void }) {
  const [verdict, setVerdict] = useState(allowed);
  return (
    <RollbackButton
      entityRef="component:default/checkout"
      target={staging}
      verdict={verdict}
      onRequested={() => {
        props.onRequested();
        setVerdict({
          ...allowed,
          allowed: false,
          rule: 'no-promotion-in-flight',
          reason:
            'A promotion to Staging is already in flight (PR #7 · pr-open).',
        });
      }}
    />
  );
}

describe('RollbackButton', () => {
  it('opens the promote dialog in rollback mode: a dry run first, then the pull request, which stays shown when the ladder refreshes', async () => {
    const requestPromotion = jest
      .fn()
      .mockResolvedValueOnce(dryRunResult)
      .mockResolvedValueOnce({
        promotion: { ...promotion, kind: 'rollback', digest: D1 },
        created: true,
      });
    const onRequested = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[ladderApiRef, { requestPromotion }]]}>
        <RefreshingRollbackButton onRequested={onRequested} />
      </TestApiProvider>,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back Staging' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByRole('heading', { name: 'Roll back checkout in Staging' }),
    ).toBeInTheDocument();
    expect(dialog.getByTestId('promotion-digest')).toHaveTextContent(D1);
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Errors since 1.5.0',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview (dry run)' }),
    );
    expect(requestPromotion).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      targetEnvironment: 'staging',
      digest: D1,
      kind: 'rollback',
      reason: 'Errors since 1.5.0',
      dryRun: true,
    });
    expect(await dialog.findByTestId('promotion-verdict')).toHaveTextContent(
      "Dry run passed: the ladder's rules allow this rollback",
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Open pull request' }),
    );
    expect(requestPromotion).toHaveBeenLastCalledWith(
      expect.objectContaining({ kind: 'rollback', digest: D1 }),
    );
    expect(await dialog.findByText('Rollback requested')).toBeInTheDocument();
    expect(onRequested).toHaveBeenCalledTimes(1);
    // The button now refuses (the rollback is in flight), yet the dialog and its
    // pull request stay until the user closes it.
    expect(screen.getByTestId('rollback-staging')).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    expect(dialog.getByText('Rollback requested')).toBeVisible();
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('stays focusable and gives the reason when the backend refuses', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[ladderApiRef, {}]]}>
        <RollbackButton
          entityRef="component:default/checkout"
          target={staging}
          verdict={{
            ...allowed,
            allowed: false,
            rule: 'no-promotion-in-flight',
            reason: 'A promotion to Staging is already in flight.',
          }}
        />
      </TestApiProvider>,
    );
    const button = await screen.findByTestId('rollback-staging');
    expect(button).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(button);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(
      screen.getByText('A promotion to Staging is already in flight.'),
    ).toBeInTheDocument();
  });

  describe('the emergency path', () => {
    const prod = ladder.rungs.find(r => r.name === 'prod')!;
    const prodTarget: LadderRollbackTarget = {
      ...allowed,
      targetEnvironment: 'prod',
    };
    const skipped = {
      rule: 'rollback-gate',
      passed: true,
      message:
        'Emergency rollback: the manual approval of Prod is skipped (the platform allows it and the requester may); the pull request opens at once and is still reviewed',
    };

    async function openRollback(
      verdict: LadderRollbackTarget,
      requestPromotion: jest.Mock,
    ) {
      await renderInTestApp(
        <TestApiProvider apis={[[ladderApiRef, { requestPromotion }]]}>
          <RollbackButton
            entityRef="component:default/checkout"
            target={prod}
            verdict={verdict}
          />
        </TestApiProvider>,
      );
      await userEvent.click(
        await screen.findByRole('button', { name: 'Roll back Prod' }),
      );
      const dialog = within(await screen.findByRole('dialog'));
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Reason/ }),
        'Checkout is down',
      );
      return dialog;
    }

    it('is offered when the backend says so, and the request carries it', async () => {
      const requestPromotion = jest
        .fn()
        .mockResolvedValueOnce({
          ...dryRunResult,
          promotion: {
            ...dryRunResult.promotion,
            kind: 'rollback',
            verdicts: [skipped],
          },
        })
        .mockResolvedValueOnce({
          promotion: {
            ...promotion,
            kind: 'rollback',
            emergency: true,
            verdicts: [skipped],
          },
          created: true,
        });
      const dialog = await openRollback(
        { ...prodTarget, emergencyAvailable: true },
        requestPromotion,
      );
      const emergency = dialog.getByRole('checkbox', {
        name: 'Emergency: skip the approval',
      });
      // Optional: the approval is the default.
      expect(emergency).not.toBeChecked();
      expect(emergency).not.toBeRequired();
      await userEvent.click(emergency);
      await userEvent.click(
        dialog.getByRole('button', { name: 'Preview (dry run)' }),
      );
      expect(requestPromotion).toHaveBeenCalledWith({
        entityRef: 'component:default/checkout',
        targetEnvironment: 'prod',
        digest: D1,
        kind: 'rollback',
        reason: 'Checkout is down',
        emergency: true,
        dryRun: true,
      });
      expect(
        await dialog.findByTestId('promotion-overrides'),
      ).toHaveTextContent(skipped.message);
      await userEvent.click(
        dialog.getByRole('button', { name: 'Open pull request' }),
      );
      expect(requestPromotion).toHaveBeenLastCalledWith(
        expect.objectContaining({ kind: 'rollback', emergency: true }),
      );
      expect(await dialog.findByText('Rollback requested')).toBeInTheDocument();
      expect(dialog.getByTestId('promotion-overrides')).toHaveTextContent(
        skipped.message,
      );
    });

    it('sends no emergency unless chosen', async () => {
      const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
      const dialog = await openRollback(
        { ...prodTarget, emergencyAvailable: true },
        requestPromotion,
      );
      await userEvent.click(
        dialog.getByRole('button', { name: 'Preview (dry run)' }),
      );
      expect(requestPromotion.mock.calls[0][0]).not.toHaveProperty('emergency');
    });

    it('is not offered when the backend does not say the viewer may', async () => {
      const dialog = await openRollback(prodTarget, jest.fn());
      expect(
        dialog.queryByRole('checkbox', { name: /Emergency/ }),
      ).not.toBeInTheDocument();
    });

    it('asks for the freeze override on a frozen rung the viewer may override', async () => {
      const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
      const dialog = await openRollback(
        {
          ...prodTarget,
          allowed: false,
          rule: 'target-is-not-frozen',
          reason: 'Prod is frozen until 2026-12-24 00:00 UTC: Year-end freeze.',
          freeze: {
            reason: 'Year-end freeze',
            until: '2026-12-24T00:00:00.000Z',
          },
          overridable: 'freeze',
        },
        requestPromotion,
      );
      const preview = dialog.getByRole('button', { name: 'Preview (dry run)' });
      expect(preview).toBeDisabled();
      await userEvent.click(
        dialog.getByRole('checkbox', {
          name: 'Override the freeze (Year-end freeze)',
        }),
      );
      await userEvent.click(preview);
      expect(requestPromotion).toHaveBeenCalledWith(
        expect.objectContaining({ kind: 'rollback', overrideFreeze: true }),
      );
    });
  });
});
