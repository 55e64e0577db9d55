import { mockServices } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import fs from 'fs';
import { validate } from 'jsonschema';
import path from 'path';
import yaml from 'yaml';
import { createPromoteAction } from './actions/promote';

/**
 * The "Promote a release" template this package ships (templates/), checked
 * against the action it calls: a template that names an input the action
 * does not know, or feeds it a value its schema refuses, fails here rather
 * than in front of a user.
 */
const TEMPLATE = path.resolve(
  __dirname,
  '../templates/promote-a-release/template.yaml',
);

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  pattern?: string;
  enum?: string[];
};

const template = yaml.parse(fs.readFileSync(TEMPLATE, 'utf8'));
const action = createPromoteAction({
  discovery: mockServices.discovery(),
  auth: mockServices.auth(),
});
const actionInput = action.schema!.input as JsonSchema;
const parameters: JsonSchema = {
  type: 'object',
  properties: Object.assign(
    {},
    ...template.spec.parameters.map((page: JsonSchema) => page.properties),
  ),
  required: template.spec.parameters.flatMap(
    (page: JsonSchema) => page.required ?? [],
  ),
};
const step = template.spec.steps.find(
  (s: { action: string }) => s.action === 'environment-ladder:promote',
) as { id: string; input: Record<string, unknown> };

/** The parameter a step input is fed from, for inputs of the form `${{ parameters.x }}`. */
function parameterOf(value: unknown): string | undefined {
  const match = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(String(value));
  return match?.[1];
}

/** The step's input for given form values, as the scaffolder renders it (absent values are dropped). */
function render(formData: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(step.input)
      .map(([key, value]) => [key, formData[parameterOf(value)!]] as const)
      .filter(([, value]) => value !== undefined),
  );
}

describe('the Promote a release template', () => {
  it('is a valid v1beta3 template', async () => {
    expect(template).toMatchObject({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'promote-a-release', title: 'Promote a release' },
    });
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
  });

  it('feeds every input of the promote step from a parameter the action declares', () => {
    expect(step).toBeDefined();
    for (const [input, value] of Object.entries(step.input)) {
      expect(actionInput.properties).toHaveProperty(input);
      const parameter = parameterOf(value);
      expect({ input, parameter }).toEqual({
        input,
        parameter: expect.any(String),
      });
      const declared = parameters.properties![parameter!];
      expect({ parameter, declared }).toEqual({
        parameter,
        declared: expect.anything(),
      });
      // The form asks for what the action accepts.
      expect({ input, type: declared.type }).toEqual({
        input,
        type: actionInput.properties![input].type,
      });
    }
  });

  it('requires in the form every input the action requires', () => {
    for (const input of actionInput.required ?? []) {
      expect(step.input).toHaveProperty(input);
      expect(parameters.required).toContain(parameterOf(step.input[input]));
    }
  });

  it('checks the digest in the form exactly as the action does', () => {
    const digestParameter = parameterOf(step.input.digest)!;
    expect(parameters.properties![digestParameter].pattern).toBe(
      actionInput.properties!.digest.pattern,
    );
  });

  it("asks for the rung with the ladder's own field, not a hand-kept list of rungs", () => {
    const targetParameter = parameterOf(step.input.targetEnvironment)!;
    const target = parameters.properties![targetParameter] as JsonSchema &
      Record<string, unknown>;
    // The rungs come from the service's ladder (the field asks the backend),
    // so no template lists them: a list would drift from the ladder.
    expect(target).not.toHaveProperty('enum');
    expect(target).not.toHaveProperty('enumNames');
    expect(target).not.toHaveProperty('oneOf');
    expect(target['ui:field']).toBe('EnvironmentLadderTargetPicker');
    expect(target.type).toBe('string');
    // The field reads the service from the form's entity picker, and the
    // digest (when one is named) from the digest field.
    const options = target['ui:options'] as Record<string, string>;
    expect(parameterOf(step.input.entityRef)).toBe(options.entityField);
    expect(
      (parameters.properties![options.entityField] as Record<string, unknown>)[
        'ui:field'
      ],
    ).toBe('EntityPicker');
    expect(parameterOf(step.input.digest)).toBe(options.digestField);
    // On the same page as the entity: the scaffolder validates a page's
    // fields with that page's data only.
    const page = template.spec.parameters.find(
      (candidate: JsonSchema) => candidate.properties?.[targetParameter],
    );
    expect(page.properties).toHaveProperty(options.entityField);
  });

  it.each([
    [
      'with a digest',
      {
        entity: 'component:default/checkout',
        targetEnvironment: 'staging',
        digest: `sha256:${'a'.repeat(64)}`,
        reason: 'Release 1.5.0',
      },
    ],
    [
      'as a preview, without a digest',
      {
        entity: 'component:default/checkout',
        targetEnvironment: 'prod',
        reason: 'See the change',
        dryRun: true,
      },
    ],
  ])(
    'turns a filled-in form (%s) into input the action accepts',
    (_name, formData) => {
      expect(validate(formData, parameters).errors).toEqual([]);
      expect(validate(render(formData), actionInput).errors).toEqual([]);
    },
  );

  it('refuses in the form a digest the action would refuse', () => {
    const formData = {
      entity: 'component:default/checkout',
      targetEnvironment: 'staging',
      digest: 'sha256:ABC',
      reason: 'x',
    };
    expect(validate(formData, parameters).errors).not.toEqual([]);
    expect(validate(render(formData), actionInput).errors).not.toEqual([]);
  });
});
