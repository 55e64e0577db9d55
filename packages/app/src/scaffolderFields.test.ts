import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import environmentLadderPlugin from '@environment-ladder/plugin-environment-ladder/alpha';

/**
 * The demo's template page gets the Environment Ladder's form field: the
 * scaffolder's own form-fields API (the one its template page loads fields
 * from), fed with what the Environment Ladder plugin attaches to it, hands out
 * `EnvironmentLadderTargetPicker`, the `ui:field` of Promote a release. The app
 * installs both plugins through `app.packages: all` (see App.tsx).
 */
describe("the demo's scaffolder form fields", () => {
  it('include EnvironmentLadderTargetPicker from the Environment Ladder plugin', async () => {
    const tester = createExtensionTester(
      scaffolderPlugin.getExtension('api:scaffolder/form-fields'),
    ).add(
      environmentLadderPlugin.getExtension(
        'scaffolder-form-field:environment-ladder/target-picker',
      ),
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe('plugin.scaffolder.form-fields-loader');
    // No fields attached to the scaffolder's page in this tree: only the API's input counts.
    const formFieldsApi = factory.factory({
      appTreeApi: { getTree: () => ({ tree: { nodes: new Map() } }) },
    }) as { loadFormFields(): Promise<Array<{ name: string }>> };
    const fields = await formFieldsApi.loadFormFields();
    expect(fields.map(field => field.name)).toContain(
      'EnvironmentLadderTargetPicker',
    );
  });
});
