import {
  autoscaler,
  emptyObjects,
  ingress,
  merge,
} from '../__fixtures__/ladder/kubernetes';
import type { RolloutStatus, WorkloadStatus } from '../types';
import { observeRungValues } from './observeRungValues';

const shop = {
  kind: 'Deployment',
  cluster: 'eu-1',
  namespace: 'shop',
  name: 'shop',
  replicas: { desired: 3, current: 3, updated: 3, ready: 3, available: 3 },
} as WorkloadStatus;

describe('observeRungValues', () => {
  it('reads replicas, the autoscaler of the workload, ingress hosts and strategy', () => {
    const objects = merge({
      ingresses: [
        ingress('shop', 'shop', ['Shop.acme.com']),
        ingress('shop', 'shop-internal', [
          'shop.internal.acme.com',
          'shop.acme.com',
        ]),
      ],
      horizontalPodAutoscalers: [
        autoscaler('shop', { kind: 'Deployment', name: 'shop' }, 3, 10),
        autoscaler('shop', { kind: 'Deployment', name: 'cart' }, 1, 50),
      ],
    });
    expect(observeRungValues(objects, [shop], [])).toEqual({
      replicas: 3,
      autoscaler: { min: 3, max: 10 },
      ingressHosts: ['shop.acme.com', 'shop.internal.acme.com'],
      rolloutStrategy: 'Deployment',
    });
  });

  it('spans several autoscalers and takes the largest workload', () => {
    const us = {
      ...shop,
      cluster: 'us-1',
      replicas: { ...shop.replicas, desired: 5 },
    };
    const objects = merge({
      horizontalPodAutoscalers: [
        autoscaler('shop', { kind: 'Deployment', name: 'shop' }, 3, 10),
        {
          ...(autoscaler(
            'shop',
            { kind: 'Deployment', name: 'shop' },
            2,
            8,
          ) as object),
          spec: {
            scaleTargetRef: { kind: 'Deployment', name: 'shop' },
            maxReplicas: 12,
          },
        },
      ],
    });
    expect(observeRungValues(objects, [shop, us], [])).toMatchObject({
      replicas: 5,
      autoscaler: { min: 1, max: 12 },
    });
  });

  it('names the rollout strategy when there are rollouts', () => {
    const rollout = { strategy: 'BlueGreen' } as RolloutStatus;
    expect(
      observeRungValues(
        emptyObjects(),
        [{ ...shop, kind: 'Rollout' }],
        [rollout],
      ).rolloutStrategy,
    ).toBe('BlueGreen');
    expect(observeRungValues(emptyObjects(), [], [])).toEqual({
      replicas: null,
      autoscaler: null,
      ingressHosts: [],
      rolloutStrategy: null,
    });
  });

  it('skips malformed ingresses and autoscalers', () => {
    const objects = merge({
      ingresses: [
        null,
        7,
        {
          spec: {
            rules: 'x',
            tls: [{ hosts: [null, 3, 'a'.repeat(300), 'ok.acme.com'] }],
          },
        },
      ],
      horizontalPodAutoscalers: [
        null,
        { spec: null },
        {
          metadata: { namespace: 'shop' },
          spec: {
            scaleTargetRef: { kind: 'Deployment', name: 'shop' },
            minReplicas: 'two',
            maxReplicas: '4',
          },
        },
      ],
    });
    expect(observeRungValues(objects, [shop], [])).toEqual({
      replicas: 3,
      autoscaler: { min: 1, max: 4 },
      ingressHosts: ['ok.acme.com'],
      rolloutStrategy: 'Deployment',
    });
  });
});
