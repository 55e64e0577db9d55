import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { validate } from 'jsonschema';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import {
  dryRunResponseFixture,
  promotionFixture,
} from '../__testUtils__/promotionFixtures';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createPromoteAction } from './promote';
import { examples } from './promote.examples';

const BASE_URL = 'http://backstage.test/api/environment-ladder';

describe('environment-ladder:promote examples', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const action = createPromoteAction({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    }),
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
  });

  /** What a real run and a dry run report, whatever the example. */
  const expectedOutputs = {
    real: {
      promotionId: expect.any(String),
      status: 'pr-open',
      pullRequestUrl: expect.stringMatching(/^https:\/\//),
    },
    dryRun: {
      promotionId: 'dry-run',
      status: 'requested',
      diff: expect.stringMatching(/^--- a\//),
      pullRequestTitle: expect.any(String),
    },
  };

  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(action.examples).toBe(examples);
  });

  it.each(examples.map(example => [example.description, example] as const))(
    '%s',
    async (_description, example) => {
      const { steps } = yaml.parse(example.example) as {
        steps: Array<{
          id: string;
          action: string;
          input: Record<string, any>;
        }>;
      };
      expect(steps).toHaveLength(1);
      const [step] = steps;
      expect(step.action).toBe('environment-ladder:promote');

      // The input passes the action's schema exactly as the scaffolder checks it.
      const validation = validate(step.input, action.schema!.input!);
      expect(validation.errors).toEqual([]);

      const sent: unknown[] = [];
      server.use(
        rest.post(`${BASE_URL}/promotions`, async (req, res, ctx) => {
          const body = await req.json();
          sent.push(body);
          return body.dryRun
            ? res(ctx.json(dryRunResponseFixture(body.entityRef)))
            : res(
                ctx.status(201),
                ctx.json({
                  promotion: promotionFixture({
                    entityRef: body.entityRef,
                    targetEnvironment: body.targetEnvironment,
                  }),
                  created: true,
                }),
              );
        }),
      );
      const ctx = mockActionContext({
        input: step.input,
        stepId: step.id,
        credentials: mockCredentials.user('user:default/jane'),
      });
      await action.handler(ctx);

      const { dryRun, ...request } = step.input;
      expect(sent).toEqual([
        dryRun
          ? { ...request, dryRun: true }
          : { ...request, idempotencyKey: `scaffolder:task-1:${step.id}` },
      ]);
      expect(ctx.outputs).toEqual(
        expect.objectContaining(expectedOutputs[dryRun ? 'dryRun' : 'real']),
      );
    },
  );
});
