import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  DEV_DIGEST,
  dryRunResponseFixture,
  promotionFixture,
} from '../__testUtils__/promotionFixtures';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createPromoteAction } from './promote';

const BASE_URL = 'http://backstage.test/api/environment-ladder';
const JANE = 'user:default/jane';
/** The token the ladder backend must see: Jane's, issued for it, never the scaffolder's own. */
const JANE_FOR_LADDER = mockCredentials.service.token({
  onBehalfOf: mockCredentials.user(JANE),
  targetPluginId: 'environment-ladder',
});

type Seen = {
  method: string;
  url: string;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
};

describe('environment-ladder:promote', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discovery = mockServices.discovery.mock({
    getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
  });
  const action = createPromoteAction({
    discovery,
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
  });

  /** Answers POST /promotions with `status` and `body`, recording each request. */
  function backendAnswers(status: number, body: object): Seen[] {
    const seen: Seen[] = [];
    server.use(
      rest.post(`${BASE_URL}/promotions`, async (req, res, ctx) => {
        seen.push({
          method: req.method,
          url: req.url.toString(),
          authorization: req.headers.get('authorization'),
          contentType: req.headers.get('content-type'),
          body: await req.json(),
        });
        return res(ctx.status(status), ctx.json(body));
      }),
    );
    return seen;
  }

  const input = {
    entityRef: 'component:default/checkout',
    targetEnvironment: 'staging',
    reason: 'Release 1.5.0',
  };

  it('asks the backend as the initiating user, with a key derived from the task and step', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    const ctx = mockActionContext({
      input: { ...input, digest: DEV_DIGEST },
      taskId: 'task-7',
      stepId: 'promote',
    });

    await action.handler(ctx);

    expect(seen).toEqual([
      {
        method: 'POST',
        url: `${BASE_URL}/promotions`,
        authorization: `Bearer ${JANE_FOR_LADDER}`,
        contentType: 'application/json',
        body: {
          entityRef: 'component:default/checkout',
          targetEnvironment: 'staging',
          digest: DEV_DIGEST,
          reason: 'Release 1.5.0',
          idempotencyKey: 'scaffolder:task-7:promote',
        },
      },
    ]);
    expect(discovery.getBaseUrl).toHaveBeenCalledWith('environment-ladder');
    expect(ctx.outputs).toEqual({
      promotionId: 'c0ffee00-0000-4000-8000-000000000001',
      status: 'pr-open',
      pullRequestUrl: 'https://github.com/acme/gitops/pull/42',
      pullRequestNumber: 42,
    });
    expect(ctx.logs).toEqual([
      'Promotion c0ffee00-0000-4000-8000-000000000001 is pr-open: https://github.com/acme/gitops/pull/42',
    ]);
  });

  it('leaves the digest to the backend when none is given', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    await action.handler(mockActionContext({ input }));
    expect(seen[0].body).not.toHaveProperty('digest');
    expect(seen[0].body).not.toHaveProperty('dryRun');
    expect(seen[0].body).not.toHaveProperty('overrideFreeze');
  });

  it('asks to override a freeze only when the input says so (the backend checks the permission)', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    await action.handler(
      mockActionContext({ input: { ...input, overrideFreeze: true } }),
    );
    expect(seen[0].body).toEqual(
      expect.objectContaining({ overrideFreeze: true }),
    );
  });

  it('asks for a rollback when the input says so, and sends no kind for a promotion', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    await action.handler(
      mockActionContext({ input: { ...input, kind: 'rollback' } }),
    );
    await action.handler(
      mockActionContext({ input: { ...input, kind: 'promotion' } }),
    );
    expect(seen[0].body).toEqual(expect.objectContaining({ kind: 'rollback' }));
    expect(seen[1].body).not.toHaveProperty('kind');
  });

  it('sends the same key when a step is retried, so the backend returns the first promotion', async () => {
    const seen = backendAnswers(200, {
      promotion: promotionFixture(),
      created: false,
    });
    // The task died after the backend recorded the promotion but before the
    // checkpoint was stored: the step runs again from scratch.
    await action.handler(mockActionContext({ input, taskId: 'task-7' }));
    await action.handler(mockActionContext({ input, taskId: 'task-7' }));
    expect(seen.map(s => (s.body as any).idempotencyKey)).toEqual([
      'scaffolder:task-7:promote',
      'scaffolder:task-7:promote',
    ]);

    // Another task, another step or another `each` item is another promotion.
    await action.handler(mockActionContext({ input, taskId: 'task-8' }));
    await action.handler(
      mockActionContext({ input, taskId: 'task-8', stepId: 'promote-prod' }),
    );
    await action.handler(
      mockActionContext({
        input,
        taskId: 'task-8',
        each: { key: 'payments', value: 'payments' },
      }),
    );
    expect(seen.slice(2).map(s => (s.body as any).idempotencyKey)).toEqual([
      'scaffolder:task-8:promote',
      'scaffolder:task-8:promote-prod',
      'scaffolder:task-8:promote:payments',
    ]);
  });

  it('does not ask again when the checkpoint of a recovered task holds the answer', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    const first = mockActionContext({ input, taskId: 'task-7' });
    await action.handler(first);
    const recovered = mockActionContext({
      input,
      taskId: 'task-7',
      checkpoints: first.checkpoints,
    });
    await action.handler(recovered);
    expect(seen).toHaveLength(1);
    expect(recovered.outputs).toEqual(first.outputs);
  });

  it("in the scaffolder's dry run sends dryRun, writes nothing and logs the exact diff and pull request", async () => {
    const answer = dryRunResponseFixture();
    const seen = backendAnswers(200, answer);
    const ctx = mockActionContext({ input, isDryRun: true });

    await action.handler(ctx);

    expect(seen).toHaveLength(1);
    expect(seen[0].body).toEqual({
      entityRef: 'component:default/checkout',
      targetEnvironment: 'staging',
      reason: 'Release 1.5.0',
      dryRun: true,
    });
    expect(seen[0].authorization).toBe(`Bearer ${JANE_FOR_LADDER}`);
    expect(ctx.outputs).toEqual({
      promotionId: 'dry-run',
      status: 'requested',
      diff: answer.dryRun.diff,
      pullRequestTitle: 'Promote checkout to staging: sha256:867d848fca6f',
      pullRequestBody: answer.dryRun.pullRequest.body,
    });
    expect(ctx.logs).toEqual([
      `Dry run: promoting component:default/checkout to staging would change apps/checkout/staging/kustomization.yaml in acme/gitops:\n${answer.dryRun.diff}`,
      `Dry run: the pull request would be titled "Promote checkout to staging: sha256:867d848fca6f" with this body:\n${answer.dryRun.pullRequest.body}`,
    ]);
  });

  it('honours dryRun in the input of a real run', async () => {
    const seen = backendAnswers(200, dryRunResponseFixture());
    const ctx = mockActionContext({ input: { ...input, dryRun: true } });
    await action.handler(ctx);
    expect(seen[0].body).toEqual({ ...input, dryRun: true });
    expect(ctx.outputs.diff).toContain(`+    digest: ${DEV_DIGEST}`);
  });

  it('reports a promotion whose pull request waits for an approval', async () => {
    backendAnswers(201, {
      promotion: promotionFixture({
        targetEnvironment: 'prod',
        state: 'requested',
        pullRequest: null,
      }),
      created: true,
    });
    const ctx = mockActionContext({
      input: { ...input, targetEnvironment: 'prod' },
    });
    await action.handler(ctx);
    expect(ctx.outputs).toEqual({
      promotionId: 'c0ffee00-0000-4000-8000-000000000001',
      status: 'requested',
    });
    expect(ctx.logs).toEqual([
      "Promotion c0ffee00-0000-4000-8000-000000000001 is requested; its pull request opens once the rung's gate is met",
    ]);
  });

  it.each([
    [
      400,
      'InputError',
      'Rule digest-form: digest must be sha256: followed by 64 hex characters',
    ],
    [
      403,
      'NotAllowedError',
      'You may not promote component:default/checkout to prod',
    ],
    [
      404,
      'NotFoundError',
      'No entity component:default/checkout in the catalog',
    ],
    [
      409,
      'ConflictError',
      'Rule one-in-flight: a promotion of checkout to staging is already in flight',
    ],
  ])(
    'turns a %s from the backend into a %s carrying its message',
    async (status, name, message) => {
      backendAnswers(status, {
        error: { name, message },
        request: { method: 'POST', url: '/api/environment-ladder/promotions' },
        response: { statusCode: status },
      });
      const failure = action.handler(mockActionContext({ input }));
      await expect(failure).rejects.toMatchObject({
        name,
        message: `Could not promote component:default/checkout to staging: ${message}`,
      });
      await expect(failure).rejects.not.toMatchObject({
        message: expect.stringContaining(JANE_FOR_LADDER),
      });
    },
  );

  it('says which status an unexpected backend answer had', async () => {
    server.use(
      rest.post(`${BASE_URL}/promotions`, (_req, res, ctx) =>
        res(ctx.status(502), ctx.text('Bad gateway')),
      ),
    );
    await expect(action.handler(mockActionContext({ input }))).rejects.toThrow(
      /^Could not promote component:default\/checkout to staging: .*\(the Environment Ladder backend answered 502\)$/,
    );
  });

  it('refuses a task that no user started, without calling the backend', async () => {
    const seen = backendAnswers(201, {
      promotion: promotionFixture(),
      created: true,
    });
    await expect(
      action.handler(
        mockActionContext({
          input,
          credentials: mockCredentials.service('plugin:catalog'),
        }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'A promotion must be requested by a signed-in user; this task was not started by one',
    });
    expect(seen).toEqual([]);
  });

  it('declares its inputs and outputs as JSON schema for the scaffolder', () => {
    expect(action.id).toBe('environment-ladder:promote');
    expect(action.supportsDryRun).toBe(true);
    const schema = action.schema?.input as any;
    expect(Object.keys(schema.properties)).toEqual([
      'entityRef',
      'targetEnvironment',
      'digest',
      'reason',
      'dryRun',
      'overrideFreeze',
      'kind',
    ]);
    expect([...schema.required].sort()).toEqual([
      'entityRef',
      'reason',
      'targetEnvironment',
    ]);
    expect(schema.properties.digest.pattern).toBe('^sha256:[a-f0-9]{64}$');
    expect(Object.keys((action.schema?.output as any).properties)).toEqual([
      'promotionId',
      'status',
      'pullRequestUrl',
      'pullRequestNumber',
      'diff',
      'pullRequestTitle',
      'pullRequestBody',
    ]);
  });
});
