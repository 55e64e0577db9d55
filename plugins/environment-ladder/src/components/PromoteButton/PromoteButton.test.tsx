import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  LadderPromotionTarget,
  LadderRung,
} from '@environment-ladder/plugin-environment-ladder-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ladderApiRef, type LadderApi } from '../../api';
import {
  D1,
  D2,
  dryRunResult,
  promotion,
} from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { scaffolderTemplateRouteRef } from '../../routes';
import { PromoteButton } from './PromoteButton';

const dev = ladder.rungs.find(r => r.name === 'dev')!;
const staging = ladder.rungs.find(r => r.name === 'staging')!;
const allowed: LadderPromotionTarget = ladder.promotions!.targets[0];

let entityCounter = 0;
function nextEntityRef() {
  entityCounter += 1;
  return `component:default/checkout-${entityCounter}`;
}

function renderButton(options: {
  entityRef: string;
  api?: Partial<LadderApi>;
  source?: LadderRung;
  verdict?: LadderPromotionTarget;
  onRequested?: jest.Mock;
  withScaffolder?: boolean;
}) {
  return renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, options.api ?? {}]]}>
      <PromoteButton
        entityRef={options.entityRef}
        source={options.source ?? dev}
        target={staging}
        verdict={options.verdict ?? allowed}
        onRequested={options.onRequested}
      />
    </TestApiProvider>,
    options.withScaffolder
      ? {
          mountedRoutes: {
            '/create/templates/:namespace/:templateName':
              scaffolderTemplateRouteRef,
          },
        }
      : undefined,
  );
}

async function openDialog() {
  const button = await screen.findByRole('button', {
    name: 'Promote to Staging',
  });
  await userEvent.click(button);
  return screen.findByRole('dialog');
}

// The machine the suite runs on is shared: rendering the whole tab takes a while.
jest.setTimeout(60_000);

describe('PromoteButton', () => {
  it('previews the promotion as a dry run, leading with its verdict', async () => {
    const entityRef = nextEntityRef();
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    const onRequested = jest.fn();
    await renderButton({
      entityRef,
      api: { requestPromotion },
      onRequested,
    });

    const dialog = within(await openDialog());
    expect(
      dialog.getByRole('heading', {
        name: `Promote checkout-${entityCounter} to Staging`,
      }),
    ).toBeInTheDocument();
    // The digest that moves is the one the source rung runs, in full.
    expect(dialog.getByTestId('promotion-digest')).toHaveTextContent(D2);

    const preview = dialog.getByRole('button', { name: 'Preview (dry run)' });
    expect(preview).toBeDisabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Release 1.5.0',
    );
    await userEvent.click(preview);

    expect(requestPromotion).toHaveBeenCalledWith({
      entityRef,
      targetEnvironment: 'staging',
      digest: D2,
      reason: 'Release 1.5.0',
      dryRun: true,
    });
    const verdict = await dialog.findByTestId('promotion-verdict');
    expect(verdict).toHaveTextContent(
      "Dry run passed: the ladder's rules allow this promotion",
    );
    const diff = await dialog.findByTestId('promotion-diff');
    // The verdict comes first, then the change.
    expect(
      verdict.compareDocumentPosition(diff) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(diff).toHaveTextContent(
      '+++ b/apps/checkout/staging/kustomization.yaml',
    );
    // Shown exactly, indentation included.
    expect(diff.textContent!.split('\n')).toEqual(
      expect.arrayContaining([`-    digest: ${D1}`, `+    digest: ${D2}`]),
    );
    expect(dialog.getByTestId('promotion-pr-title')).toHaveTextContent(
      'Promote checkout to staging: sha256:222222222222',
    );
    // The pull request's text is Markdown, rendered, behind a collapsed section.
    const toggle = dialog.getByRole('button', { name: 'Pull request text' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(dialog.getByTestId('promotion-pr-body')).toHaveTextContent(
      'This pull request changes only the image digest',
    );
    // A dry run records nothing: the history has nothing new to show.
    expect(onRequested).not.toHaveBeenCalled();
  });

  it('opens the pull request and shows it, with one key for the whole dialog', async () => {
    const entityRef = nextEntityRef();
    const result = { promotion, created: true };
    const requestPromotion = jest
      .fn()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(result);
    const onRequested = jest.fn();
    await renderButton({ entityRef, api: { requestPromotion }, onRequested });

    const dialog = within(await openDialog());
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Release 1.5.0',
    );
    const open = dialog.getByRole('button', { name: 'Open pull request' });
    await userEvent.click(open);
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The promotion was refusedFailed to fetch',
    );
    await userEvent.click(open);

    const link = await dialog.findByTestId('promotion-pr-link');
    expect(link).toHaveTextContent('#42');
    expect(link).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/pull/42',
    );
    expect(dialog.getByTestId('promotion-state')).toHaveTextContent('PR open');
    expect(onRequested).toHaveBeenCalledWith(result);

    const [first, second] = requestPromotion.mock.calls.map(
      ([request]) => request,
    );
    expect(first).toEqual({
      entityRef,
      targetEnvironment: 'staging',
      digest: D2,
      reason: 'Release 1.5.0',
      idempotencyKey: expect.stringMatching(/^environment-ladder-ui:.+/),
    });
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
    expect(
      dialog.getByRole('button', { name: 'Open pull request' }),
    ).toBeDisabled();
    expect(dialog.getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it("shows the backend's refusal in words: the rule and what to do, no ids, stack traces or paths", async () => {
    const entityRef = nextEntityRef();
    const refusal = Object.assign(
      new Error('Request failed with 409 Conflict'),
      {
        name: 'ResponseError',
        cause: {
          name: 'ConflictError',
          message:
            'Rule no-promotion-in-flight: A promotion to Staging is already in flight (7d6f0a52-1c1e-4f5e-9f55-2f3c1d0e0b01, state pr-open, sha256:222222222222…); wait until it is verified or has failed\n    at check (/work/plugins/environment-ladder-backend/src/services/PromotionService/createPromotionService.ts:262:15)',
        },
      },
    );
    await renderButton({
      entityRef,
      api: { requestPromotion: jest.fn().mockRejectedValue(refusal) },
    });
    const dialog = within(await openDialog());
    await userEvent.type(dialog.getByRole('textbox', { name: /Reason/ }), 'x');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview (dry run)' }),
    );
    const alert = await dialog.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The promotion was refusedRule no-promotion-in-flight: A promotion to Staging is already in flight (state pr-open, sha256:222222222222…); wait until it is verified or has failed',
    );
    expect(alert.textContent).not.toMatch(
      /7d6f0a52|createPromotionService|\bat\b/,
    );
  });

  it('links to the template in the scaffolder, bound by the app, with the form filled in', async () => {
    const entityRef = nextEntityRef();
    await renderButton({ entityRef, withScaffolder: true });
    const dialog = within(await openDialog());
    const link = dialog.getByRole('link', { name: 'Open in the scaffolder' });
    const href = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(href.pathname).toBe('/create/templates/default/promote-a-release');
    expect(JSON.parse(href.searchParams.get('formData')!)).toEqual({
      entity: entityRef,
      targetEnvironment: 'staging',
      digest: D2,
    });
  });

  it('offers no scaffolder link when the app binds no scaffolder', async () => {
    await renderButton({ entityRef: nextEntityRef() });
    const dialog = within(await openDialog());
    expect(
      dialog.queryByRole('link', { name: 'Open in the scaffolder' }),
    ).not.toBeInTheDocument();
  });

  it('stays focusable but unavailable when the backend refuses, giving its reason on hover and to screen readers', async () => {
    const reason =
      "The permission policy does not let you promote into Staging; ask the service's owners or your platform team.";
    await renderButton({
      entityRef: nextEntityRef(),
      verdict: { ...allowed, allowed: false, rule: 'permission', reason },
    });
    const button = screen.getByRole('button', { name: 'Promote to Staging' });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(button).toHaveAccessibleDescription(reason);
    await userEvent.click(button);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await userEvent.hover(screen.getByTestId('promote-dev-disabled'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
  });

  it('moves the digest the backend chose', async () => {
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    await renderButton({
      entityRef: 'component:default/checkout',
      api: { requestPromotion },
      source: { ...dev, digest: null, digests: [D1, D2] },
      verdict: { ...allowed, digest: D1 },
    });
    const dialog = within(await openDialog());
    expect(dialog.getByTestId('promotion-digest')).toHaveTextContent(D1);
  });

  describe('into a frozen rung the viewer may override', () => {
    const frozen: LadderPromotionTarget = {
      ...allowed,
      allowed: false,
      rule: 'target-is-not-frozen',
      reason:
        'staging is frozen until 2026-12-24 00:00 UTC: Year-end freeze (someone allowed to override freezes may still promote).',
      freeze: { reason: 'Year-end freeze', until: '2026-12-24T00:00:00.000Z' },
      overridable: 'freeze',
    };
    const overridden = {
      rule: 'target-is-not-frozen',
      passed: true,
      message:
        'staging is frozen until 2026-12-24 00:00 UTC: Year-end freeze; the requester overrides the freeze',
    };

    it('stays usable, shows the freeze, and asks for the override before any request', async () => {
      const entityRef = nextEntityRef();
      const requestPromotion = jest.fn().mockResolvedValue({
        ...dryRunResult,
        promotion: {
          ...dryRunResult.promotion,
          verdicts: [...dryRunResult.promotion.verdicts, overridden],
        },
      });
      await renderButton({
        entityRef,
        api: { requestPromotion },
        verdict: frozen,
      });
      const button = screen.getByRole('button', { name: 'Promote to Staging' });
      expect(button).not.toHaveAttribute('aria-disabled');

      const dialog = within(await openDialog());
      expect(dialog.getByTestId('promotion-freeze')).toHaveTextContent(
        'Staging is frozen until 2026-12-24 00:00 UTCYear-end freeze',
      );
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Reason/ }),
        'Hotfix for the checkout outage',
      );
      const preview = dialog.getByRole('button', { name: 'Preview (dry run)' });
      const open = dialog.getByRole('button', { name: 'Open pull request' });
      // A reason alone is not enough: the override is required.
      expect(preview).toBeDisabled();
      expect(open).toBeDisabled();
      const override = dialog.getByRole('checkbox', {
        name: 'Override the freeze (Year-end freeze)',
      });
      expect(override).toBeRequired();
      await userEvent.click(override);
      expect(preview).toBeEnabled();
      await userEvent.click(preview);

      expect(requestPromotion).toHaveBeenCalledWith({
        entityRef,
        targetEnvironment: 'staging',
        digest: D2,
        reason: 'Hotfix for the checkout outage',
        overrideFreeze: true,
        dryRun: true,
      });
      const verdict = await dialog.findByTestId('promotion-verdict');
      expect(verdict).toHaveTextContent(
        "Dry run passed: the ladder's rules allow this promotion",
      );
      expect(
        within(verdict).getByTestId('promotion-overrides'),
      ).toHaveTextContent(overridden.message);

      await userEvent.click(open);
      expect(requestPromotion).toHaveBeenLastCalledWith(
        expect.objectContaining({
          overrideFreeze: true,
          idempotencyKey: expect.any(String),
        }),
      );
    });

    it('unchecking the override disables the request again and drops the dry run', async () => {
      const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
      await renderButton({
        entityRef: nextEntityRef(),
        api: { requestPromotion },
        verdict: frozen,
      });
      const dialog = within(await openDialog());
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Reason/ }),
        'x',
      );
      const override = dialog.getByRole('checkbox', { name: /Override/ });
      await userEvent.click(override);
      await userEvent.click(
        dialog.getByRole('button', { name: 'Preview (dry run)' }),
      );
      expect(await dialog.findByTestId('promotion-diff')).toBeInTheDocument();
      await userEvent.click(override);
      expect(dialog.queryByTestId('promotion-diff')).not.toBeInTheDocument();
      expect(
        dialog.getByRole('button', { name: 'Open pull request' }),
      ).toBeDisabled();
    });

    it('stays refused, with the freeze as the reason, for a viewer who may not override', async () => {
      const { overridable: _overridable, ...notOverridable } = frozen;
      await renderButton({
        entityRef: nextEntityRef(),
        verdict: notOverridable,
      });
      const button = screen.getByRole('button', { name: 'Promote to Staging' });
      expect(button).toHaveAttribute('aria-disabled', 'true');
      expect(button).toHaveAccessibleDescription(frozen.reason!);
      await userEvent.click(button);
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
  });

  it('asks for no override where nothing is frozen', async () => {
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    await renderButton({
      entityRef: nextEntityRef(),
      api: { requestPromotion },
    });
    const dialog = within(await openDialog());
    expect(dialog.queryByRole('checkbox')).not.toBeInTheDocument();
    await userEvent.type(dialog.getByRole('textbox', { name: /Reason/ }), 'x');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview (dry run)' }),
    );
    expect(requestPromotion.mock.calls[0][0]).not.toHaveProperty(
      'overrideFreeze',
    );
  });
});
