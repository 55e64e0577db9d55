import { ConfigReader } from '@backstage/config';
import { readKnownClusters, readLadderConfig } from './config';

const rungs = [
  { name: 'local' },
  { name: 'dev', clusters: ['dev'], gate: { type: 'auto-merge' } },
  {
    name: 'prod',
    title: 'Production',
    clusters: ['prod'],
    namespaces: ['shop'],
    gate: { type: 'review-and-approval', canaryAnalysis: true },
    declared: { scale: 'HPA-managed', replicas: { min: 3, max: 20 }, endpoints: ['bitvault.io'] },
  },
];

const read = (environmentLadder: unknown, knownClusters?: string[]) =>
  readLadderConfig(new ConfigReader({ environmentLadder } as any), {
    knownClusters,
  });

describe('readLadderConfig', () => {
  it('reads the rungs in order with defaults', () => {
    const config = read({ rungs, clusterTimeout: { seconds: 2 } }, ['dev', 'prod']);
    expect(config).toEqual({
      clusterTimeoutMs: 2000,
      serviceContainer: undefined,
      rungs: [
        {
          name: 'local',
          title: 'local',
          clusters: [],
          namespaces: [],
          gate: { type: 'review', canaryAnalysis: false },
          declared: {},
        },
        {
          name: 'dev',
          title: 'dev',
          clusters: ['dev'],
          namespaces: [],
          gate: { type: 'auto-merge', canaryAnalysis: false },
          declared: {},
        },
        {
          name: 'prod',
          title: 'Production',
          clusters: ['prod'],
          namespaces: ['shop'],
          gate: { type: 'review-and-approval', canaryAnalysis: true },
          declared: {
            scale: 'HPA-managed',
            replicas: { min: 3, max: 20 },
            endpoints: ['bitvault.io'],
          },
        },
      ],
    });
  });

  it('reads a duration given as a string', () => {
    expect(read({ rungs, clusterTimeout: '1500ms' }).clusterTimeoutMs).toBe(1500);
  });

  it.each([
    ['no ladder at all', undefined, /'environmentLadder.rungs'/],
    ['no rungs', { rungs: [] }, /'environmentLadder.rungs'/],
    ['a rung without a name', { rungs: [{ title: 'x' }] }, /'environmentLadder.rungs\[0\].name'/],
    ['an invalid name', { rungs: [{ name: 'Prod!' }] }, /'environmentLadder.rungs\[0\].name'.*lowercase/],
    ['duplicate names', { rungs: [{ name: 'dev' }, { name: 'dev' }] }, /'environmentLadder.rungs\[1\].name'.*twice/],
    ['an unknown cluster', { rungs: [{ name: 'dev', clusters: ['nope'] }] }, /'environmentLadder.rungs\[0\].clusters\[0\]'.*'nope'/],
    ['clusters that are not a list', { rungs: [{ name: 'dev', clusters: 'dev' }] }, /'environmentLadder.rungs\[0\].clusters'/],
    ['an empty namespace', { rungs: [{ name: 'dev', namespaces: [' '] }] }, /'environmentLadder.rungs\[0\].namespaces'/],
    ['an unknown gate', { rungs: [{ name: 'dev', gate: { type: 'yolo' } }] }, /'environmentLadder.rungs\[0\].gate.type'.*'yolo'/],
    ['a negative replica bound', { rungs: [{ name: 'dev', declared: { replicas: { min: -1 } } }] }, /'environmentLadder.rungs\[0\].declared.replicas.min'/],
    ['min above max', { rungs: [{ name: 'dev', declared: { replicas: { min: 5, max: 2 } } }] }, /'environmentLadder.rungs\[0\].declared.replicas'.*larger/],
    ['a bad timeout', { rungs: [{ name: 'dev' }], clusterTimeout: 'soon' }, /'environmentLadder.clusterTimeout'/],
    ['a zero timeout', { rungs: [{ name: 'dev' }], clusterTimeout: { seconds: 0 } }, /'environmentLadder.clusterTimeout'/],
  ])('refuses %s, naming the key', (_case, ladder, message) => {
    expect(() => read(ladder, ['dev'])).toThrow(message);
  });
});

describe('readKnownClusters', () => {
  it('lists the clusters of config locators', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'dev' }, { name: 'prod' }] },
        ],
      },
    });
    expect(readKnownClusters(config)).toEqual(['dev', 'prod']);
  });

  it('cannot know the clusters when another locator adds some at run time', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'dev' }] },
          { type: 'catalog' },
        ],
      },
    });
    expect(readKnownClusters(config)).toBeUndefined();
  });
});
