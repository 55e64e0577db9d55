import type { Entity } from '@backstage/catalog-model';
import { entityLadderSelector } from './entityLadderSelector';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: { type: 'service' },
});

describe('entityLadderSelector', () => {
  it('uses backstage.io/kubernetes-id like the Kubernetes plugin', () => {
    expect(
      entityLadderSelector(
        entity({ 'backstage.io/kubernetes-id': 'checkout' }),
      ),
    ).toEqual({
      labelSelector: 'backstage.io/kubernetes-id=checkout',
      namespace: undefined,
    });
  });

  it('prefers the label-selector annotation and honours the namespace annotation', () => {
    expect(
      entityLadderSelector(
        entity({
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-label-selector':
            'app in (checkout),tier=web',
          'backstage.io/kubernetes-namespace': 'shop',
        }),
      ),
    ).toEqual({
      labelSelector: 'app in (checkout),tier=web',
      namespace: 'shop',
    });
  });

  it('says which annotation is missing', () => {
    expect(entityLadderSelector(entity({}))).toEqual({
      missing: expect.stringContaining('backstage.io/kubernetes-id'),
    });
  });

  it.each([
    [
      { 'backstage.io/kubernetes-id': 'check out' },
      'backstage.io/kubernetes-id',
    ],
    [
      { 'backstage.io/kubernetes-id': 'a'.repeat(64) },
      'backstage.io/kubernetes-id',
    ],
    [
      { 'backstage.io/kubernetes-label-selector': 'app=x&watch=true' },
      'label selector',
    ],
    [
      {
        'backstage.io/kubernetes-id': 'x',
        'backstage.io/kubernetes-namespace': '../kube-system',
      },
      'namespace',
    ],
  ])('refuses a malformed annotation %j', (annotations, message) => {
    expect(entityLadderSelector(entity(annotations))).toEqual({
      missing: expect.stringContaining(message),
    });
  });
});
