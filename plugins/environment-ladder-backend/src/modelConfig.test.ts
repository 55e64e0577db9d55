import { ConfigReader } from '@backstage/config';
import { readModelConfig } from './modelConfig';

const read = (environmentLadder: object) =>
  readModelConfig(new ConfigReader({ environmentLadder }));

describe('readModelConfig', () => {
  it('is on by default, watching what the Kubernetes plugin selects by, with no access reuse', () => {
    expect(read({})).toEqual({
      enabled: true,
      labelSelector: 'backstage.io/kubernetes-id',
      indexLabel: 'backstage.io/kubernetes-id',
      watchTimeoutSeconds: 60,
      watchIdleTimeoutMs: 90_000,
      accessReuseMs: 0,
    });
    expect(read({ model: { enabled: false } }).enabled).toBe(false);
  });

  it('reads the idle limit of a watch, which must outlast the watch itself', () => {
    expect(
      read({ model: { watchTimeout: '30s', watchIdleTimeout: '45s' } }),
    ).toMatchObject({ watchTimeoutSeconds: 30, watchIdleTimeoutMs: 45_000 });
    expect(() => read({ model: { watchIdleTimeout: '60s' } })).toThrow(
      "Invalid config value at 'environmentLadder.model.watchIdleTimeout': must be longer than model.watchTimeout (60 s)",
    );
    expect(() =>
      read({ model: { watchTimeout: '5m', watchIdleTimeout: '2m' } }),
    ).toThrow("'environmentLadder.model.watchIdleTimeout'");
  });

  it('reads the model and the access reuse window; zero turns reuse off', () => {
    expect(
      read({
        model: { enabled: true, watchTimeout: '1m' },
        accessReuse: { window: { seconds: 3 } },
      }),
    ).toMatchObject({
      enabled: true,
      watchTimeoutSeconds: 60,
      accessReuseMs: 3000,
    });
    expect(read({ accessReuse: { window: '0s' } }).accessReuseMs).toBe(0);
  });

  it.each([
    [
      { model: { watchTimeout: '0s' } },
      "Invalid config value at 'environmentLadder.model.watchTimeout': must be longer than zero",
    ],
    [
      { model: { watchIdleTimeout: 'never' } },
      "Invalid config value at 'environmentLadder.model.watchIdleTimeout'",
    ],
    [
      { accessReuse: { window: 'soon' } },
      "Invalid config value at 'environmentLadder.accessReuse.window'",
    ],
    [
      { model: { labelSelector: '' } },
      "Invalid config value at 'environmentLadder.model.labelSelector'",
    ],
    [
      { model: { indexLabel: 'not a label!' } },
      "Invalid config value at 'environmentLadder.model.indexLabel': not a label key",
    ],
    [
      { model: { enabled: 'yes please' } },
      "Invalid config value at 'environmentLadder.model.enabled'",
    ],
  ])('refuses %j, naming the key', (environmentLadder, message) => {
    expect(() => read(environmentLadder)).toThrow(message);
  });
});
