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
const ROOT = path.resolve(__dirname, '../../..');
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

  it("offers the rungs of the demo's ladder that can be promoted into", () => {
    const config = yaml.parse(
      fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
    );
    const rungs: Array<{
      name: string;
      clusters?: string[];
      previews?: unknown;
    }> = config.environmentLadder.rungs;
    // Observed rungs (those with clusters) above the lowest one; preview
    // rungs (those with `previews`) are never a target.
    const targets = rungs
      .filter(rung => rung.clusters?.length && rung.previews === undefined)
      .slice(1)
      .map(rung => rung.name);
    const targetParameter = parameterOf(step.input.targetEnvironment)!;
    expect(parameters.properties![targetParameter].enum).toEqual(targets);
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
