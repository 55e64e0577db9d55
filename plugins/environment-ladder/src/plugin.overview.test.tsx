import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import plugin from './plugin';

const entity = (kind: string, type?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  ...(type && { spec: { type } }),
});

describe('environment-ladder plugin (new frontend system): overview', () => {
  it('mounts the overview page at /environment-ladder, with a title for the nav', () => {
    const page = plugin.getExtension('page:environment-ladder');
    const tester = createExtensionTester(page);
    expect(tester.get(coreExtensionData.routePath)).toBe('/environment-ladder');
    expect(tester.get(coreExtensionData.routeRef)).toBeDefined();
    expect(tester.get(coreExtensionData.title)).toBe('Environment ladder');
  });

  it('puts the services card on Systems and Groups only', () => {
    const card = plugin.getExtension('entity-card:environment-ladder/services');
    const filter = createExtensionTester(card).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(entity('System'))).toBe(true);
    expect(filter(entity('Group'))).toBe(true);
    expect(filter(entity('Component', 'service'))).toBe(false);
    expect(filter(entity('User'))).toBe(false);
  });
});
