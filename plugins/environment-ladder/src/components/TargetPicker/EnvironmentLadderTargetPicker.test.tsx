import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ladderApiRef, type LadderApi } from '../../api';
import { D1, D2, dryRunResult } from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { EnvironmentLadderTargetPicker } from './EnvironmentLadderTargetPicker';
import type { TargetPickerUiOptions } from './targetPickerModel';

type Props = FieldExtensionComponentProps<string, TargetPickerUiOptions>;

/** The field as the scaffolder's form holds it: its value in state, the whole form in formContext. */
function Form(props: {
  form: Record<string, unknown>;
  initial?: string;
  onChange?: (value: string | undefined) => void;
  uiOptions?: TargetPickerUiOptions;
}) {
  const [value, setValue] = useState<string | undefined>(props.initial);
  const fieldProps = {
    name: 'targetEnvironment',
    formData: value,
    onChange: (next: string | undefined) => {
      setValue(next);
      props.onChange?.(next);
    },
    schema: {
      type: 'string',
      title: 'Promote to',
      description: 'The rung to promote into.',
    },
    uiSchema: {
      'ui:field': 'EnvironmentLadderTargetPicker',
      'ui:options': props.uiOptions ?? {},
    },
    idSchema: { $id: 'root_targetEnvironment' },
    formContext: {
      formData: { ...props.form, targetEnvironment: value },
    },
    required: true,
    disabled: false,
    readonly: false,
    rawErrors: [],
    onBlur: () => {},
    onFocus: () => {},
  } as unknown as Props;
  return <EnvironmentLadderTargetPicker {...fieldProps} />;
}

function renderField(options: {
  api: Partial<LadderApi>;
  form?: Record<string, unknown>;
  initial?: string;
  onChange?: (value: string | undefined) => void;
  uiOptions?: TargetPickerUiOptions;
}) {
  return renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, options.api]]}>
      <Form
        form={options.form ?? { entity: 'component:default/checkout' }}
        initial={options.initial}
        onChange={options.onChange}
        uiOptions={options.uiOptions}
      />
    </TestApiProvider>,
  );
}

describe('EnvironmentLadderTargetPicker', () => {
  it('offers for the chosen service only the rungs it can be promoted into; refused ones disabled with their reason', async () => {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    await renderField({ api: { getLadder } });

    const staging = await screen.findByRole('radio', { name: /^Staging/ });
    expect(staging).toBeEnabled();
    expect(staging).toHaveAccessibleDescription('from Dev, digest 2222222');
    const prod = screen.getByRole('radio', { name: /^Prod/ });
    expect(prod).toBeDisabled();
    expect(prod).toHaveAccessibleDescription(
      "The permission policy does not let you promote into Prod; ask the service's owners or your platform team.",
    );
    const dr = screen.getByRole('radio', { name: /^Disaster recovery/ });
    expect(dr).toBeDisabled();
    expect(dr).toHaveAccessibleDescription(/name the one to promote/);
    // Neither the lowest observed rung nor an unobserved one is offered.
    expect(screen.getAllByRole('radio')).toHaveLength(3);
    expect(screen.queryByRole('radio', { name: /^Dev/ })).toBeNull();
    expect(screen.queryByRole('radio', { name: /^Local/ })).toBeNull();
    expect(getLadder).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'checkout',
    });
  });

  it('stores the chosen rung, shows the digest that would move and the dry run’s verdicts', async () => {
    const onChange = jest.fn();
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    await renderField({
      api: { getLadder: jest.fn().mockResolvedValue(ladder), requestPromotion },
      onChange,
    });
    await userEvent.click(
      await screen.findByRole('radio', { name: /^Staging/ }),
    );
    expect(onChange).toHaveBeenLastCalledWith('staging');

    const panel = await screen.findByTestId('target-picker-what-would-move');
    expect(panel).toHaveTextContent('Dev → Staging');
    expect(within(panel).getByTestId('target-picker-digest')).toHaveTextContent(
      D2,
    );
    const verdicts = await within(panel).findByTestId('target-picker-verdicts');
    expect(within(verdicts).getAllByRole('listitem')).toHaveLength(2);
    // In words too (the icons are hidden from screen readers).
    expect(verdicts).toHaveTextContent(
      'Passed: next-rung: staging is the rung right above dev',
    );
    expect(
      within(verdicts).getByTestId('target-picker-verdict-healthy-in-source'),
    ).toHaveAttribute('data-passed', 'true');
    // A dry run: it checks the rules and records nothing.
    expect(requestPromotion).toHaveBeenCalledTimes(1);
    expect(requestPromotion).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      targetEnvironment: 'staging',
      digest: D2,
      reason: expect.any(String),
      dryRun: true,
    });
  });

  it('checks the digest the form names, when it names one', async () => {
    const requestPromotion = jest.fn().mockResolvedValue(dryRunResult);
    await renderField({
      api: { getLadder: jest.fn().mockResolvedValue(ladder), requestPromotion },
      form: { entity: 'component:default/checkout', digest: D1 },
      initial: 'staging',
    });
    expect(await screen.findByTestId('target-picker-digest')).toHaveTextContent(
      D1,
    );
    await waitFor(() =>
      expect(requestPromotion).toHaveBeenCalledWith(
        expect.objectContaining({ digest: D1, dryRun: true }),
      ),
    );
  });

  it('shows the backend’s refusal when the dry run is refused', async () => {
    // As LadderClient throws it: a ResponseError whose cause is the backend's error.
    const refusal = Object.assign(
      new Error('Request failed with 409 Conflict'),
      {
        name: 'ResponseError',
        cause: {
          name: 'ConflictError',
          message:
            'Rule no-promotion-in-flight: a promotion to staging is in flight',
        },
      },
    );
    await renderField({
      api: {
        getLadder: jest.fn().mockResolvedValue(ladder),
        requestPromotion: jest.fn().mockRejectedValue(refusal),
      },
      initial: 'staging',
    });
    expect(
      await screen.findByTestId('target-picker-dry-run-refused'),
    ).toHaveTextContent(
      'The dry run was refused: Rule no-promotion-in-flight: a promotion to staging is in flight',
    );
  });

  it('says at once why a refused or unknown rung (from a link, say) cannot be chosen, and runs no dry run for it', async () => {
    const requestPromotion = jest.fn();
    await renderField({
      api: { getLadder: jest.fn().mockResolvedValue(ladder), requestPromotion },
      initial: 'prod',
    });
    expect(
      await screen.findByTestId('target-picker-problem'),
    ).toHaveTextContent(
      'Prod cannot be chosen now: The permission policy does not let you promote into Prod',
    );
    expect(screen.queryByTestId('target-picker-what-would-move')).toBeNull();
    expect(requestPromotion).not.toHaveBeenCalled();
  });

  it('asks for the service first, and reads the field ui:options.entityField names', async () => {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    const { unmount } = await renderField({ api: { getLadder }, form: {} });
    expect(screen.getByTestId('target-picker-no-service')).toHaveTextContent(
      'Choose the service first',
    );
    expect(screen.queryAllByRole('radio')).toHaveLength(0);
    expect(getLadder).not.toHaveBeenCalled();
    unmount();

    await renderField({
      api: { getLadder },
      form: { service: 'component:default/checkout' },
      uiOptions: { entityField: 'service' },
    });
    expect(await screen.findAllByRole('radio')).toHaveLength(3);
  });

  it('says why a service offers nothing, and when its ladder cannot be read', async () => {
    const { unmount } = await renderField({
      api: {
        getLadder: jest.fn().mockResolvedValue({
          ...ladder,
          notSetUp: 'Add the annotation backstage.io/kubernetes-id.',
        }),
      },
    });
    expect(await screen.findByTestId('target-picker-none')).toHaveTextContent(
      'checkout has no environment ladder yet: Add the annotation backstage.io/kubernetes-id.',
    );
    unmount();

    await renderField({
      api: { getLadder: jest.fn().mockRejectedValue(new Error('offline')) },
    });
    expect(await screen.findByTestId('target-picker-error')).toHaveTextContent(
      'The ladder of checkout could not be read: offline',
    );
  });
});
