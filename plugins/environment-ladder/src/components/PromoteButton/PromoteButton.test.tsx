import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { LadderRung } from '@environment-ladder/plugin-environment-ladder-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ladderApiRef, type LadderApi } from '../../api';
import {
  D1,
  D2,
  dryRunResult,
  promotion,
} from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { PromoteButton } from './PromoteButton';

const dev = ladder.rungs.find(r => r.name === 'dev')!;
const staging = ladder.rungs.find(r => r.name === 'staging')!;

// usePermission caches answers per permission and resource across renders:
// every test asks about an entity of its own.
let entityCounter = 0;
function nextEntityRef() {
  entityCounter += 1;
  return `component:default/checkout-${entityCounter}`;
}

function renderButton(options: {
  entityRef: string;
  api?: Partial<LadderApi>;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY | 'pending';
  source?: LadderRung;
  targetAllowed?: boolean;
  targetsLoading?: boolean;
  onRequested?: jest.Mock;
}) {
  const authorize = jest.fn(() =>
    options.permission === 'pending'
      ? new Promise<never>(() => {})
      : Promise.resolve({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
  );
  const rendered = renderInTestApp(
    <TestApiProvider
      apis={[
        [ladderApiRef, options.api ?? {}],
        [permissionApiRef, mockApis.permission.mock({ authorize })],
      ]}
    >
      <PromoteButton
        entityRef={options.entityRef}
        source={options.source ?? dev}
        target={staging}
        targetAllowed={options.targetAllowed}
        targetsLoading={options.targetsLoading}
        onRequested={options.onRequested}
      />
    </TestApiProvider>,
  );
  return { rendered, authorize };
}

async function openDialog() {
  const button = await screen.findByRole('button', {
    name: 'Promote to Staging',
  });
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  return screen.findByRole('dialog');
}

describe('PromoteButton', () => {
  it('asks the permission policy about this entity and previews the promotion as a dry run', async () => {
    const entityRef = nextEntityRef();
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    const onRequested = jest.fn();
    const { authorize } = renderButton({
      entityRef,
      api: { requestPromotion },
      targetAllowed: true,
      onRequested,
    });

    const dialog = within(await openDialog());
    expect(authorize).toHaveBeenCalledWith({
      permission: expect.objectContaining({
        name: 'environment-ladder.promotion.create',
      }),
      resourceRef: entityRef,
    });
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
    const diff = await dialog.findByTestId('promotion-diff');
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
    renderButton({ entityRef, api: { requestPromotion }, onRequested });

    const dialog = within(await openDialog());
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Release 1.5.0',
    );
    const open = dialog.getByRole('button', { name: 'Open pull request' });
    await userEvent.click(open);
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Failed to fetch',
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

  it("shows the backend's refusal, which names the rule", async () => {
    const entityRef = nextEntityRef();
    const refusal = Object.assign(
      new Error('Request failed with 409 Conflict'),
      {
        name: 'ResponseError',
        cause: {
          name: 'ConflictError',
          message:
            'Rule one-in-flight: a promotion of checkout to staging is already in flight',
        },
      },
    );
    renderButton({
      entityRef,
      api: { requestPromotion: jest.fn().mockRejectedValue(refusal) },
    });
    const dialog = within(await openDialog());
    await userEvent.type(dialog.getByRole('textbox', { name: /Reason/ }), 'x');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview (dry run)' }),
    );
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Rule one-in-flight: a promotion of checkout to staging is already in flight',
    );
  });

  it('links to the template in the scaffolder with the form filled in', async () => {
    const entityRef = nextEntityRef();
    renderButton({ entityRef });
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

  it('is disabled, saying why, when the permission policy denies it', async () => {
    const entityRef = nextEntityRef();
    renderButton({ entityRef, permission: AuthorizeResult.DENY });
    await waitFor(() =>
      expect(screen.getByTestId('promote-dev-disabled')).toBeInTheDocument(),
    );
    expect(
      screen.getByRole('button', { name: 'Promote to Staging' }),
    ).toBeDisabled();
    await userEvent.hover(screen.getByTestId('promote-dev-disabled'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `You may not promote ${entityRef}`,
    );
  });

  it('is disabled, saying why, when the targets refuse this rung', async () => {
    const entityRef = nextEntityRef();
    renderButton({ entityRef, targetAllowed: false });
    await userEvent.hover(await screen.findByTestId('promote-dev-disabled'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `You may not promote ${entityRef} to Staging`,
    );
  });

  it('is disabled when the source rung runs no single digest', async () => {
    const entityRef = nextEntityRef();
    renderButton({
      entityRef,
      source: { ...dev, digest: null, digests: [D1, D2] },
    });
    await userEvent.hover(await screen.findByTestId('promote-dev-disabled'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Dev runs 2 digests; promote once one runs healthy',
    );
  });

  it('shows that it is loading while the permission or the targets are pending', async () => {
    renderButton({ entityRef: nextEntityRef(), permission: 'pending' });
    const button = await screen.findByRole('button', {
      name: /Promote to Staging/,
    });
    expect(button).toBeDisabled();
    expect(within(button).getByRole('progressbar')).toBeInTheDocument();
  });

  it('waits for the targets before it enables itself', async () => {
    renderButton({ entityRef: nextEntityRef(), targetsLoading: true });
    const button = await screen.findByRole('button', {
      name: /Promote to Staging/,
    });
    expect(button).toBeDisabled();
    expect(within(button).getByRole('progressbar')).toBeInTheDocument();
  });
});
