import type { ApiHolder } from '@backstage/core-plugin-api';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { ladderApiRef, type LadderApi } from '../../api';
import { ladder } from '../../__fixtures__/ladder';
import { validateEnvironmentLadderTarget } from './validateTarget';

function apiHolder(api?: Partial<LadderApi>): ApiHolder {
  return {
    get: ((ref: { id: string }) =>
      ref.id === ladderApiRef.id ? api : undefined) as ApiHolder['get'],
  };
}

/** Runs the validator as the scaffolder does when the user goes on, and returns its errors. */
async function errorsFor(
  value: string | undefined,
  formData: Record<string, unknown>,
  api: Partial<LadderApi> | undefined,
  uiOptions: Record<string, string> = {},
) {
  const validation = createFieldValidation();
  await validateEnvironmentLadderTarget(value as string, validation, {
    apiHolder: apiHolder(api),
    formData: formData as any,
    schema: {},
    uiSchema: { 'ui:options': uiOptions },
  });
  return validation.__errors;
}

const form = { entity: 'component:default/checkout' };

describe('validateEnvironmentLadderTarget', () => {
  it('accepts a rung the backend allows, reading the ladder again', async () => {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    expect(await errorsFor('staging', form, { getLadder })).toEqual([]);
    expect(getLadder).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'checkout',
    });
  });

  it('refuses a refused rung with its reason', async () => {
    expect(
      await errorsFor('prod', form, {
        getLadder: jest.fn().mockResolvedValue(ladder),
      }),
    ).toEqual([
      "Prod cannot be chosen now: The permission policy does not let you promote into Prod; ask the service's owners or your platform team.",
    ]);
  });

  it('refuses an unknown rung, naming those there are', async () => {
    expect(
      await errorsFor('qa', form, {
        getLadder: jest.fn().mockResolvedValue(ladder),
      }),
    ).toEqual([
      '"qa" is not a rung this service can be promoted into; choose one of: staging, prod, dr.',
    ]);
  });

  it('leaves an empty value to required and reads nothing', async () => {
    const getLadder = jest.fn();
    expect(await errorsFor(undefined, form, { getLadder })).toEqual([]);
    expect(await errorsFor('', form, { getLadder })).toEqual([]);
    expect(getLadder).not.toHaveBeenCalled();
  });

  it('asks for the service first, from the field ui:options.entityField names', async () => {
    const getLadder = jest.fn().mockResolvedValue(ladder);
    expect(await errorsFor('staging', {}, { getLadder })).toEqual([
      'Choose the service first: its ladder says where it can go.',
    ]);
    expect(
      await errorsFor(
        'staging',
        { service: 'component:default/checkout' },
        { getLadder },
        { entityField: 'service' },
      ),
    ).toEqual([]);
  });

  it('says so when the ladder cannot be read or the plugin is missing', async () => {
    expect(
      await errorsFor('staging', form, {
        getLadder: jest.fn().mockRejectedValue(new Error('offline')),
      }),
    ).toEqual([
      'The ladder of checkout could not be read, so "staging" cannot be checked: offline',
    ]);
    expect(await errorsFor('staging', form, undefined)).toEqual([
      'The Environment Ladder plugin is not installed in this app, so the rung cannot be checked.',
    ]);
  });
});
