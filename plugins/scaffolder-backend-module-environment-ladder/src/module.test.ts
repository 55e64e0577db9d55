import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleEnvironmentLadder } from './module';

describe('scaffolderModuleEnvironmentLadder', () => {
  it('registers with the scaffolder without adding an unfinished action', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleEnvironmentLadder],
    });
    expect(addActions).toHaveBeenCalledTimes(1);
    expect(addActions).toHaveBeenCalledWith();
  });
});
