import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
// The test reads the template the suite ships, in Node (jest); the rule keeps
// fs and path out of the browser bundle, which a test is not part of.
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import yaml from 'yaml';
import { ladderApiRef, type LadderApi } from '../../api';
import { dryRunResult } from '../../api/__fixtures__/promotions';
import { ladder } from '../../__fixtures__/ladder';
import { EnvironmentLadderTargetPicker } from './EnvironmentLadderTargetPicker';
import { TARGET_PICKER_FIELD_NAME } from './targetPickerModel';
import { validateEnvironmentLadderTarget } from './validateTarget';

/**
 * The field inside the scaffolder's own form (`Stepper`), on the first page of
 * the template this suite ships: what the field reads from the form
 * (formContext.formData) and how its validation stops the form are the
 * scaffolder's, not a test double's. Only the entity picker is swapped for a
 * text box, since it needs the catalog.
 */
const TEMPLATE = path.resolve(
  __dirname,
  '../../../../scaffolder-backend-module-environment-ladder/templates/promote-a-release/template.yaml',
);
const template = yaml.parse(fs.readFileSync(TEMPLATE, 'utf8'));
const firstPage: Record<string, any> = structuredClone(
  template.spec.parameters[0],
);
delete firstPage.properties.entity['ui:field'];
delete firstPage.properties.entity['ui:options'];

const extensions = [
  {
    name: TARGET_PICKER_FIELD_NAME,
    component: EnvironmentLadderTargetPicker,
    validation: validateEnvironmentLadderTarget,
  },
];

async function renderTemplateForm(
  api: Partial<LadderApi>,
  initialState: Record<string, string> = {},
) {
  const onCreate = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[ladderApiRef, api]]}>
      <Stepper
        manifest={{
          title: template.metadata.title,
          steps: [{ title: firstPage.title as string, schema: firstPage }],
        }}
        extensions={extensions}
        initialState={initialState}
        onCreate={onCreate}
      />
    </TestApiProvider>,
  );
  return onCreate;
}

describe('the target picker in the Promote a release form', () => {
  // The stepper scrolls to the top on every step; jsdom has no scrolling.
  beforeAll(() => {
    window.scrollTo = jest.fn() as typeof window.scrollTo;
  });

  it('uses the field for targetEnvironment and offers the rungs of the service typed into entity', async () => {
    expect(firstPage.properties).toMatchObject({
      targetEnvironment: { 'ui:field': 'EnvironmentLadderTargetPicker' },
    });
    const getLadder = jest.fn().mockResolvedValue(ladder);
    await renderTemplateForm({
      getLadder,
      requestPromotion: jest.fn().mockResolvedValue(dryRunResult),
    });
    expect(screen.getByTestId('target-picker-no-service')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('textbox', { name: /Service/ }));
    await userEvent.paste('component:default/checkout');
    const staging = await screen.findByRole('radio', { name: /^Staging/ });
    expect(screen.getByRole('radio', { name: /^Prod/ })).toBeDisabled();
    await userEvent.click(staging);
    expect(
      await screen.findByTestId('target-picker-verdicts'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('textbox', { name: /Reason/ }));
    await userEvent.paste('Release 1.5.0');
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    // On the review step: the form went on with the rung's name.
    expect(await screen.findByText('staging')).toBeInTheDocument();
  }, 20_000);

  it('does not go on with a refused rung (say, from a link’s formData): the field’s validation says why', async () => {
    await renderTemplateForm(
      {
        getLadder: jest.fn().mockResolvedValue(ladder),
        requestPromotion: jest.fn().mockResolvedValue(dryRunResult),
      },
      {
        entity: 'component:default/checkout',
        targetEnvironment: 'prod',
        reason: 'Release 1.5.0',
      },
    );
    await screen.findAllByRole('radio');
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    const errors = await screen.findAllByText(
      /Prod cannot be chosen now: The permission policy does not let you promote into Prod/,
    );
    // The form's error list and the line under the field say it; the field
    // no longer adds its own line for the same sentence.
    expect(errors).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
  });
});
