import { slimObject } from './slimObject';

describe('slimObject', () => {
  const pod = {
    metadata: {
      name: 'p',
      managedFields: [{ manager: 'kubelet' }],
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        keep: 'yes',
      },
    },
    spec: {
      containers: [{ name: 'app', image: 'a@sha256:1', env: [{ name: 'X' }] }],
      volumes: [{ name: 'v' }],
    },
  };

  it('slims a pod from a list, whose items carry no kind, when told it is one', () => {
    expect(slimObject(pod, true)).toEqual({
      metadata: { name: 'p', annotations: { keep: 'yes' } },
      spec: { containers: [{ name: 'app', image: 'a@sha256:1' }] },
    });
  });

  it('keeps the spec of an object it cannot tell is a pod, dropping only metadata', () => {
    const slim = slimObject(pod);
    expect(slim.spec).toBe(pod.spec);
    expect(slim.metadata.managedFields).toBeUndefined();
    expect(slimObject({ ...pod, kind: 'Pod' }).spec.volumes).toBeUndefined();
  });
});
