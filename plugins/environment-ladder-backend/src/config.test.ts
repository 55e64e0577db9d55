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
    declared: {
      scale: 'HPA-managed',
      replicas: { min: 3, max: 20 },
      endpoints: ['bitvault.io'],
    },
  },
];

const read = (environmentLadder: unknown, knownClusters?: string[]) =>
  readLadderConfig(new ConfigReader({ environmentLadder } as any), {
    knownClusters,
  });

describe('readLadderConfig', () => {
  it('reads the rungs in order with defaults', () => {
    const config = read({ rungs, clusterTimeout: { seconds: 2 } }, [
      'dev',
      'prod',
    ]);
    expect(config).toEqual({
      clusterTimeoutMs: 2000,
      cacheFreshnessMs: 10000,
      promotionClaimMs: 30000,
      reconcileEveryMs: 30000,
      reconcileTimeoutMs: 300000,
      notificationsEnabled: true,
      rollbackEmergencyAllowed: false,
      serviceContainer: undefined,
      rungs: [
        {
          name: 'local',
          title: 'local',
          clusters: [],
          namespaces: [],
          gate: { type: 'review', canaryAnalysis: false },
          freezes: [],
          declared: {},
        },
        {
          name: 'dev',
          title: 'dev',
          clusters: ['dev'],
          namespaces: [],
          gate: { type: 'auto-merge', canaryAnalysis: false },
          freezes: [],
          declared: {},
        },
        {
          name: 'prod',
          title: 'Production',
          clusters: ['prod'],
          namespaces: ['shop'],
          gate: { type: 'review-and-approval', canaryAnalysis: true },
          freezes: [],
          declared: {
            scale: 'HPA-managed',
            replicas: { min: 3, max: 20 },
            endpoints: ['bitvault.io'],
          },
        },
      ],
    });
  });

  it('reads recurring and dated freeze windows; a recurring one is in UTC unless it says', () => {
    const config = read({
      rungs: [
        {
          name: 'prod',
          freezes: [
            {
              reason: 'Weekend freeze',
              schedule: '0 18 * * FRI',
              duration: '62h',
              timeZone: 'Europe/Berlin',
            },
            {
              reason: 'Nightly',
              schedule: '0 1 * * *',
              duration: { hours: 2 },
            },
            {
              reason: 'Year-end freeze',
              from: '2026-12-23T00:00:00+01:00',
              until: '2027-01-04T09:00:00+01:00',
            },
          ],
        },
      ],
    });
    expect(config.rungs[0].freezes).toEqual([
      {
        reason: 'Weekend freeze',
        schedule: '0 18 * * FRI',
        durationMs: 62 * 3_600_000,
        timeZone: 'Europe/Berlin',
      },
      {
        reason: 'Nightly',
        schedule: '0 1 * * *',
        durationMs: 2 * 3_600_000,
        timeZone: 'UTC',
      },
      {
        reason: 'Year-end freeze',
        from: '2026-12-23T00:00:00+01:00',
        until: '2027-01-04T09:00:00+01:00',
      },
    ]);
  });

  it('reads the cache freshness', () => {
    expect(
      read({ rungs, cache: { freshness: { seconds: 30 } } }).cacheFreshnessMs,
    ).toBe(30000);
    expect(read({ rungs, cache: { freshness: '2s' } }).cacheFreshnessMs).toBe(
      2000,
    );
  });

  it('refuses a cache freshness of zero, naming the key', () => {
    expect(() => read({ rungs, cache: { freshness: { seconds: 0 } } })).toThrow(
      /'environmentLadder.cache.freshness'/,
    );
  });

  it('reads whether promotions notify, on by default', () => {
    expect(read({ rungs }).notificationsEnabled).toBe(true);
    expect(
      read({ rungs, promotions: { notifications: false } })
        .notificationsEnabled,
    ).toBe(false);
  });

  it('refuses a promotions.notifications that is not a boolean, naming the key', () => {
    expect(() =>
      read({ rungs, promotions: { notifications: 'sometimes' } }),
    ).toThrow(/'environmentLadder.promotions.notifications'/);
  });

  it('reads whether rollbacks may take the emergency path, off by default', () => {
    expect(read({ rungs }).rollbackEmergencyAllowed).toBe(false);
    expect(
      read({ rungs, promotions: { rollback: { emergency: true } } })
        .rollbackEmergencyAllowed,
    ).toBe(true);
    expect(() =>
      read({ rungs, promotions: { rollback: { emergency: 'please' } } }),
    ).toThrow(/'environmentLadder.promotions.rollback.emergency'/);
  });

  it('reads a duration given as a string', () => {
    expect(read({ rungs, clusterTimeout: '1500ms' }).clusterTimeoutMs).toBe(
      1500,
    );
  });

  it.each([
    ['no ladder at all', undefined, /'environmentLadder.rungs'/],
    ['no rungs', { rungs: [] }, /'environmentLadder.rungs'/],
    [
      'a rung without a name',
      { rungs: [{ title: 'x' }] },
      /'environmentLadder.rungs\[0\].name'/,
    ],
    [
      'an invalid name',
      { rungs: [{ name: 'Prod!' }] },
      /'environmentLadder.rungs\[0\].name'.*lowercase/,
    ],
    [
      'duplicate names',
      { rungs: [{ name: 'dev' }, { name: 'dev' }] },
      /'environmentLadder.rungs\[1\].name'.*twice/,
    ],
    [
      'an unknown cluster',
      { rungs: [{ name: 'dev', clusters: ['nope'] }] },
      /'environmentLadder.rungs\[0\].clusters\[0\]'.*'nope'/,
    ],
    [
      'clusters that are not a list',
      { rungs: [{ name: 'dev', clusters: 'dev' }] },
      /'environmentLadder.rungs\[0\].clusters'/,
    ],
    [
      'an empty namespace',
      { rungs: [{ name: 'dev', namespaces: [' '] }] },
      /'environmentLadder.rungs\[0\].namespaces'/,
    ],
    [
      'an unknown gate',
      { rungs: [{ name: 'dev', gate: { type: 'yolo' } }] },
      /'environmentLadder.rungs\[0\].gate.type'.*'yolo'/,
    ],
    [
      'a negative replica bound',
      { rungs: [{ name: 'dev', declared: { replicas: { min: -1 } } }] },
      /'environmentLadder.rungs\[0\].declared.replicas.min'/,
    ],
    [
      'min above max',
      { rungs: [{ name: 'dev', declared: { replicas: { min: 5, max: 2 } } }] },
      /'environmentLadder.rungs\[0\].declared.replicas'.*larger/,
    ],
    [
      'a freeze without a reason',
      { rungs: [{ name: 'dev', freezes: [{ from: 'x', until: 'y' }] }] },
      /'environmentLadder.rungs\[0\].freezes\[0\].reason'/,
    ],
    [
      'a freeze that is neither recurring nor dated',
      {
        rungs: [
          {
            name: 'dev',
            freezes: [{ reason: 'x', from: '2026-12-23T00:00:00Z' }],
          },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\]'.*from and until/,
    ],
    [
      'a freeze that is both',
      {
        rungs: [
          {
            name: 'dev',
            freezes: [
              {
                reason: 'x',
                schedule: '0 18 * * FRI',
                duration: '1h',
                from: '2026-12-23T00:00:00Z',
              },
            ],
          },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\]'.*not both/,
    ],
    [
      'a recurring freeze without a duration',
      {
        rungs: [
          { name: 'dev', freezes: [{ reason: 'x', schedule: '0 18 * * FRI' }] },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\].duration'/,
    ],
    [
      'a freeze with a bad schedule',
      {
        rungs: [
          {
            name: 'dev',
            freezes: [{ reason: 'x', schedule: '0 25 * * *', duration: '1h' }],
          },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\]'.*25 is outside 0-23/,
    ],
    [
      'a freeze in an unknown time zone',
      {
        rungs: [
          {
            name: 'dev',
            freezes: [
              {
                reason: 'x',
                schedule: '0 1 * * *',
                duration: '1h',
                timeZone: 'CEST',
              },
            ],
          },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\]'.*not an IANA time zone/,
    ],
    [
      'a dated freeze without an offset',
      {
        rungs: [
          {
            name: 'dev',
            freezes: [
              {
                reason: 'x',
                from: '2026-12-23T00:00',
                until: '2027-01-04T00:00:00Z',
              },
            ],
          },
        ],
      },
      /'environmentLadder.rungs\[0\].freezes\[0\]'.*with an offset/,
    ],
    [
      'a bad timeout',
      { rungs: [{ name: 'dev' }], clusterTimeout: 'soon' },
      /'environmentLadder.clusterTimeout'/,
    ],
    [
      'a zero timeout',
      { rungs: [{ name: 'dev' }], clusterTimeout: { seconds: 0 } },
      /'environmentLadder.clusterTimeout'/,
    ],
  ])('refuses %s, naming the key', (_case, ladder, message) => {
    expect(() => read(ladder, ['dev'])).toThrow(message);
  });
});

describe('readLadderConfig with a preview rung', () => {
  const ladder = (previews: unknown, extra: Record<string, unknown> = {}) => ({
    rungs: [
      { name: 'dev', clusters: ['dev'] },
      {
        name: 'preview',
        title: 'Previews',
        clusters: ['previews'],
        previews,
        ...extra,
      },
      {
        name: 'prod',
        clusters: ['prod'],
        declared: {
          endpoints: ['bitvault.io', 'api.bitvault.io'],
          secretsSource: 'vault://prod',
          scale: 'HPA-managed',
        },
      },
    ],
  });
  const clusters = ['dev', 'previews', 'prod'];

  it('makes a rung with previews a preview rung, with the production values to avoid', () => {
    const config = read(
      ladder({
        nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}',
        labels: { 'environment-ladder.io/rung': 'preview' },
        annotations: { prNumber: 'acme.com/pr', headSha: 'acme.com/sha' },
        pullRequestUrlTemplate:
          'https://github.com/{{owner}}/{{repo}}/pull/{{number}}',
      }),
      clusters,
    );
    expect(config.rungs[1]).toEqual({
      name: 'preview',
      title: 'Previews',
      kind: 'preview',
      clusters: ['previews'],
      namespaces: [],
      gate: { type: 'review', canaryAnalysis: false },
      freezes: [],
      declared: {},
      previews: {
        nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}',
        labels: { 'environment-ladder.io/rung': 'preview' },
        annotations: { prNumber: 'acme.com/pr', headSha: 'acme.com/sha' },
        pullRequestUrlTemplate:
          'https://github.com/{{owner}}/{{repo}}/pull/{{number}}',
        productionValues: {
          endpoints: ['bitvault.io', 'api.bitvault.io'],
          secretsSource: 'vault://prod',
        },
      },
    });
    expect(config.rungs[0]).not.toHaveProperty('kind');
    expect(config.rungs[2]).not.toHaveProperty('previews');
  });

  it('accepts an empty previews block', () => {
    expect(read(ladder({}), clusters).rungs[1]).toMatchObject({
      kind: 'preview',
      previews: { productionValues: expect.any(Object) },
    });
  });

  it.each([
    [
      'an unknown template parameter',
      { nameTemplate: '{{service}}-{{number}}' },
      /'environmentLadder.rungs\[1\].previews.nameTemplate'.*unknown parameter "service"/,
    ],
    [
      'a template that cannot be read back',
      { nameTemplate: '{{entity}}-{{branch}}{{number}}' },
      /'environmentLadder.rungs\[1\].previews.nameTemplate'.*next to each other/,
    ],
    [
      'a template without a parameter',
      { nameTemplate: 'shop-preview' },
      /'environmentLadder.rungs\[1\].previews.nameTemplate'.*uses no parameter/,
    ],
    [
      'a template that is not a string',
      { nameTemplate: 42 },
      /'environmentLadder.rungs\[1\].previews.nameTemplate'/,
    ],
    [
      'a link that is not a web link',
      // eslint-disable-next-line no-script-url -- the link the config must refuse
      { pullRequestUrlTemplate: 'javascript:alert({{number}})' },
      /'environmentLadder.rungs\[1\].previews.pullRequestUrlTemplate'.*http/,
    ],
    [
      'a link without the number',
      { pullRequestUrlTemplate: 'https://github.com/{{owner}}/{{repo}}/pulls' },
      /'environmentLadder.rungs\[1\].previews.pullRequestUrlTemplate'.*\{\{number\}\}/,
    ],
    [
      'a link with an unknown parameter',
      { pullRequestUrlTemplate: 'https://x/{{org}}/{{number}}' },
      /'environmentLadder.rungs\[1\].previews.pullRequestUrlTemplate'.*"org"/,
    ],
    [
      'labels that are not a map',
      { labels: ['preview'] },
      /'environmentLadder.rungs\[1\].previews.labels'/,
    ],
    [
      'an invalid label',
      { labels: { 'rung!': 'preview' } },
      /'environmentLadder.rungs\[1\].previews.labels'.*'rung!: preview'/,
    ],
    [
      'an empty annotation key',
      { annotations: { branch: ' ' } },
      /'environmentLadder.rungs\[1\].previews.annotations.branch'/,
    ],
    [
      'previews that are not a map',
      true,
      /'environmentLadder.rungs\[1\].previews'/,
    ],
  ])('refuses %s, naming the key', (_case, previews, message) => {
    expect(() => read(ladder(previews), clusters)).toThrow(message);
  });

  it('refuses namespaces on a preview rung', () => {
    expect(() =>
      read(ladder({}, { namespaces: ['previews'] }), clusters),
    ).toThrow(/'environmentLadder.rungs\[1\].namespaces'.*preview rung/);
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
