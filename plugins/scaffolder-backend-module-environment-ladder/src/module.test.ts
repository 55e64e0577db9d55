import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleEnvironmentLadder } from './module';

describe('scaffolderModuleEnvironmentLadder', () => {
  it('adds the environment-ladder:promote action to the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleEnvironmentLadder],
    });
    expect(addActions).toHaveBeenCalledTimes(1);
    expect(addActions.mock.calls[0]).toEqual([
      expect.objectContaining({
        id: 'environment-ladder:promote',
        supportsDryRun: true,
      }),
    ]);
  });
});
