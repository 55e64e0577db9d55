import { parseEntityRef } from '@backstage/catalog-model';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { ladderApiRef } from '../../api';
import { describeRequestError } from '../PromoteButton/describeRequestError';
import {
  entityRefOfForm,
  quoteValue,
  targetChoices,
  targetProblem,
  type TargetPickerUiOptions,
} from './targetPickerModel';

/**
 * The field's validation, run by the scaffolder when the user goes on: the
 * chosen rung must be one the backend offers this user for this service now
 * (the ladder is read again, so a freeze or a promotion that started while
 * the form was open counts). The backend checks the rules once more when the
 * task runs; this only spares the user a task that is bound to fail.
 */
export const validateEnvironmentLadderTarget: CustomFieldValidator<
  string,
  TargetPickerUiOptions
> = async (value, validation, context) => {
  if (value === undefined || value === '') return;
  const options = context.uiSchema?.['ui:options'] ?? {};
  const entityRef = entityRefOfForm(context.formData, options);
  if (!entityRef) {
    validation.addError(
      'Choose the service first: its ladder says where it can go.',
    );
    return;
  }
  const ladderApi = context.apiHolder.get(ladderApiRef);
  if (!ladderApi) {
    validation.addError(
      'The Environment Ladder plugin is not installed in this app, so the rung cannot be checked.',
    );
    return;
  }
  let problem: string | undefined;
  try {
    const ladder = await ladderApi.getLadder(parseEntityRef(entityRef));
    problem = targetProblem(value, targetChoices(ladder));
  } catch (error) {
    problem = `The ladder of ${
      parseEntityRef(entityRef).name
    } could not be read, so ${quoteValue(
      value,
    )} cannot be checked: ${describeRequestError(error)}`;
  }
  if (problem) validation.addError(problem);
};
