import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
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
});
