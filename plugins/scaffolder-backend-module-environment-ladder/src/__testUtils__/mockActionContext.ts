import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';

/**
 * An action context as the scaffolder's workflow runner builds one, with the
 * outputs, log lines and checkpoints kept for assertions.
 *
 * @remarks
 * `createMockActionContext` of `@backstage/plugin-scaffolder-node-test-utils`
 * has no release for `@backstage/plugin-scaffolder-node` 1.x yet; this
 * follows the runner's behaviour: a checkpoint runs its function once and
 * returns the stored value when the same step runs again.
 */
export function mockActionContext(options: {
  input: Record<string, unknown>;
  credentials?: BackstageCredentials;
  isDryRun?: boolean;
  taskId?: string;
  stepId?: string;
  each?: { key: string; value: string };
  /** Checkpoints of an earlier run of the same step (a retried step). */
  checkpoints?: Map<string, unknown>;
}): ActionContext<any, any> & {
  outputs: Record<string, unknown>;
  logs: string[];
  checkpoints: Map<string, unknown>;
} {
  const outputs: Record<string, unknown> = {};
  const logs: string[] = [];
  const checkpoints = options.checkpoints ?? new Map<string, unknown>();
  const logger = mockServices.logger.mock();
  logger.info.mockImplementation(message => {
    logs.push(message);
  });
  return {
    input: options.input,
    logger,
    workspacePath: '/tmp/environment-ladder-test-workspace',
    secrets: {},
    isDryRun: options.isDryRun,
    task: { id: options.taskId ?? 'task-1' },
    step: { id: options.stepId ?? 'promote', name: 'Promote' },
    ...(options.each && { each: options.each }),
    getInitiatorCredentials: async () =>
      options.credentials ?? mockCredentials.user('user:default/jane'),
    async checkpoint({ key, fn }) {
      if (checkpoints.has(key)) {
        return checkpoints.get(key) as any;
      }
      const value = await fn();
      checkpoints.set(key, value);
      return value;
    },
    output(name: string, value: unknown) {
      outputs[name] = value;
    },
    createTemporaryDirectory: async () => {
      throw new Error('The promote action needs no workspace');
    },
    outputs,
    logs,
    checkpoints,
  };
}
