import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import plugin from './plugin';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service' },
};
const website: Entity = { ...service, spec: { type: 'website' } };

describe('environment-ladder plugin (new frontend system)', () => {
  it('provides the API, the Environments tab and the overview card', () => {
    expect(plugin.pluginId).toBe('environment-ladder');
    const content = plugin.getExtension(
      'entity-content:environment-ladder/environments',
    );
    const tester = createExtensionTester(content);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Environments',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(service)).toBe(true);
    expect(filter(website)).toBe(false);
    expect(
      plugin.getExtension('entity-card:environment-ladder/overview'),
    ).toBeDefined();
    expect(plugin.getExtension('api:environment-ladder')).toBeDefined();
  });

  it('provides the scaffolder field EnvironmentLadderTargetPicker, attached to the scaffolder’s form fields', async () => {
    const extension = plugin.getExtension(
      'scaffolder-form-field:environment-ladder/target-picker',
    );
    expect(extension).toBeDefined();
    // Where the scaffolder's form-fields API collects fields from.
    expect((extension as unknown as { attachTo: unknown }).attachTo).toEqual({
      id: 'api:scaffolder/form-fields',
      input: 'formFields',
    });
    const loader = createExtensionTester(extension).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    // The field the scaffolder gets: its name in templates, the component and the validation.
    expect(await loader()).toMatchObject({
      name: 'EnvironmentLadderTargetPicker',
      component: expect.any(Function),
      validation: expect.any(Function),
    });
  });
});
