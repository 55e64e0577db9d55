import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import expected from '../__fixtures__/previews/argo-cd/pr-generator-params.expected.json';
import { discoverPreviews } from './discoverPreviews';
import { renderPreviewName } from './renderPreviewName';
import { PreviewDiscoveryInput } from './types';

const fixtures = resolve(__dirname, '../__fixtures__/previews');
const readYaml = (path: string) =>
  parse(readFileSync(resolve(fixtures, path), 'utf8'));

interface InventoryFixture {
  applicationSets: any[];
  applications: any[];
  namespaces: any[];
  ingresses: any[];
}
const inventory = (): InventoryFixture => readYaml('inventory-previews.yaml');

const config: PreviewDiscoveryInput['config'] = {
  nameTemplate: 'inventory-{{branch_slug}}-{{number}}',
  labels: { 'environment-ladder.io/preview': 'true' },
  annotations: {
    prNumber: 'environment-ladder.io/pr-number',
    branch: 'environment-ladder.io/branch',
    headSha: 'environment-ladder.io/head-sha',
  },
};

const inventoryInput = (
  overrides: Partial<PreviewDiscoveryInput> = {},
): PreviewDiscoveryInput & InventoryFixture => ({
  config,
  ...inventory(),
  workloadsByNamespace: {
    'inventory-feature-bulk-import-41': {
      digest:
        'sha256:4f6a0e1c9d2b7a8e3f5c6d1e2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b',
      health: 'Healthy',
      createdAt: '2025-06-02T14:06:02Z',
    },
    'inventory-fix-stock-rounding-44': {
      digest:
        'sha256:9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
      health: 'Progressing',
      createdAt: '2025-06-03T08:10:30Z',
      env: {
        VAULT_ADDR: 'https://vault.bitvault.io',
        VAULT_SECRET_PATH: 'secret/data/prod/inventory',
      },
    },
    'inventory-chore-upgrade-node-37': {
      digest: null,
      health: 'Degraded',
      createdAt: '2025-05-21T10:01:00Z',
    },
  },
  pullRequests: {
    41: { state: 'open', title: 'Bulk import of stock levels' },
    44: { state: 'open', title: 'Fix stock rounding' },
    37: { state: 'merged', title: 'Upgrade to Node 22' },
    29: { state: 'closed', title: 'CSV export' },
  },
  productionValues: {
    endpoints: ['bitvault.io', 'https://api.bitvault.io'],
    secretsSource: 'secret/data/prod/inventory',
  },
  ...overrides,
});

describe('discoverPreviews', () => {
  it('finds the inventory previews, newest first, with everything they tell', () => {
    expect(discoverPreviews(inventoryInput())).toEqual([
      {
        namespace: 'inventory-fix-stock-rounding-44',
        applicationName: 'inventory-fix-stock-rounding-44',
        prNumber: 44,
        branch: 'fix/stock_rounding',
        branchSlug: 'fix-stock-rounding',
        headSha: 'c0ffee1234567890abcdef1234567890abcdef12',
        prUrl: 'https://github.com/acme/inventory/pull/44',
        prState: 'open',
        title: 'Fix stock rounding',
        digest:
          'sha256:9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
        health: 'Progressing',
        createdAt: '2025-06-03T08:09:58Z',
        urls: [
          'http://inventory-44.preview.bitvault.io/',
          'http://bitvault.io/inventory',
        ],
        flags: [
          {
            rule: 'preview-uses-production-values',
            message:
              'Ingress inventory-apex in preview namespace inventory-fix-stock-rounding-44 serves bitvault.io, a production endpoint.',
          },
          {
            rule: 'preview-uses-production-values',
            message:
              'Application inventory-fix-stock-rounding-44: Helm parameter "config.paymentsUrl" references the production endpoint api.bitvault.io.',
          },
          {
            rule: 'preview-uses-production-values',
            message:
              'Application inventory-fix-stock-rounding-44: Helm value "vault.path" references the production secrets source "secret/data/prod/inventory".',
          },
          {
            rule: 'preview-uses-production-values',
            message:
              'Workloads in namespace inventory-fix-stock-rounding-44: env VAULT_SECRET_PATH references the production secrets source "secret/data/prod/inventory".',
          },
        ],
      },
      {
        namespace: 'inventory-feature-bulk-import-41',
        applicationName: 'inventory-feature-bulk-import-41',
        prNumber: 41,
        branch: 'feature/bulk-import',
        branchSlug: 'feature-bulk-import',
        headSha: '3f1c2a9b7d4e5f60718293a4b5c6d7e8f9012345',
        prUrl: 'https://github.com/acme/inventory/pull/41',
        prState: 'open',
        title: 'Bulk import of stock levels',
        digest:
          'sha256:4f6a0e1c9d2b7a8e3f5c6d1e2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b',
        health: 'Healthy',
        createdAt: '2025-06-02T14:05:11Z',
        urls: [
          'https://grafana.bitvault.io/d/inventory?var-namespace=inventory-feature-bulk-import-41',
          'https://inventory-41.preview.bitvault.io/',
          'https://inventory-41.preview.bitvault.io/api/',
        ],
        flags: [],
      },
      {
        namespace: 'inventory-chore-upgrade-node-37',
        applicationName: 'inventory-chore-upgrade-node-37',
        prNumber: 37,
        branch: 'chore/upgrade-node',
        branchSlug: 'chore-upgrade-node',
        headSha: '9b34ff5bd418e57d58891eb0aa0728043ca1e8be',
        prUrl: 'https://github.com/acme/inventory/pull/37',
        prState: 'merged',
        title: 'Upgrade to Node 22',
        digest: null,
        health: 'Degraded',
        createdAt: '2025-05-21T10:00:00Z',
        urls: [
          'http://k8s-previews-3c9a1f2e7b-1234567890.eu-west-1.elb.amazonaws.com/',
        ],
        flags: [
          {
            rule: 'preview-outlived-pr',
            message:
              'Pull request #37 is merged, but its preview still exists (namespace inventory-chore-upgrade-node-37, Application inventory-chore-upgrade-node-37).',
          },
          {
            rule: 'preview-outlived-pr',
            message:
              'Application inventory-chore-upgrade-node-37 has a name that ApplicationSet inventory-previews generates, but the ApplicationSet does not list it in status.resources: no open pull request produces it any more, and nothing will delete it.',
          },
        ],
      },
      {
        namespace: 'inventory-feature-csv-export-29',
        applicationName: null,
        prNumber: 29,
        branch: null,
        branchSlug: 'feature-csv-export',
        headSha: null,
        prUrl: 'https://github.com/acme/inventory/pull/29',
        prState: 'closed',
        title: 'CSV export',
        digest: null,
        health: 'Unknown',
        createdAt: '2025-05-12T16:30:00Z',
        urls: [],
        flags: [
          {
            rule: 'preview-outlived-pr',
            message:
              'Pull request #29 is closed, but its preview still exists (namespace inventory-feature-csv-export-29).',
          },
          {
            rule: 'preview-outlived-pr',
            message:
              'Namespace inventory-feature-csv-export-29 has the name ApplicationSet inventory-previews gives preview namespaces, but no Application deploys into it and the ApplicationSet lists none for it in status.resources: it was left behind (Argo CD does not delete namespaces it created with CreateNamespace=true).',
          },
        ],
      },
      {
        namespace: 'pr-52-search',
        applicationName: null,
        prNumber: 52,
        branch: 'feature/search',
        branchSlug: 'feature-search',
        headSha: '1a2b3c4d',
        prUrl: null,
        prState: 'unknown',
        title: null,
        digest: null,
        health: 'Unknown',
        createdAt: null,
        urls: [],
        flags: [],
      },
    ]);
  });

  it('finds the same previews from the ApplicationSet alone, without any config', () => {
    const previews = discoverPreviews(
      inventoryInput({
        config: {},
        pullRequests: undefined,
        productionValues: undefined,
      }),
    );
    expect(
      previews.map(p => [p.namespace, p.prNumber, p.branchSlug, p.headSha]),
    ).toEqual([
      [
        'inventory-fix-stock-rounding-44',
        44,
        'fix-stock-rounding',
        'c0ffee1234567890abcdef1234567890abcdef12',
      ],
      [
        'inventory-feature-bulk-import-41',
        41,
        'feature-bulk-import',
        '3f1c2a9b7d4e5f60718293a4b5c6d7e8f9012345',
      ],
      [
        'inventory-chore-upgrade-node-37',
        37,
        'chore-upgrade-node',
        '9b34ff5bd418e57d58891eb0aa0728043ca1e8be',
      ],
      ['inventory-feature-csv-export-29', 29, 'feature-csv-export', null],
    ]);
    expect(
      previews.every(p => p.prState === 'unknown' && p.title === null),
    ).toBe(true);
    // The ApplicationSet's status alone still shows the orphan and the namespace left behind.
    expect(previews.map(p => p.flags.map(f => f.rule))).toEqual([
      [],
      [],
      ['preview-outlived-pr'],
      ['preview-outlived-pr'],
    ]);
  });

  it('explains an Application whose owning ApplicationSet no longer lists it', () => {
    const input = inventoryInput({ pullRequests: undefined });
    input.applicationSets[0].status.resources.pop(); // #44 drops out of the list
    input.applicationSets[0].status.resourcesCount = 1;
    const preview = discoverPreviews(input).find(p => p.prNumber === 44)!;
    expect(preview.flags.filter(f => f.rule === 'preview-outlived-pr')).toEqual(
      [
        {
          rule: 'preview-outlived-pr',
          message:
            'Application inventory-fix-stock-rounding-44 names ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it in status.resources: it no longer generates it for an open pull request, yet the Application is still there.',
        },
      ],
    );
  });

  it('draws no conclusion from a truncated or missing status.resources', () => {
    const truncated = inventoryInput({ pullRequests: undefined });
    truncated.applicationSets[0].status.resourcesCount = 5000;
    const missing = inventoryInput({ pullRequests: undefined });
    delete missing.applicationSets[0].status;
    for (const input of [truncated, missing]) {
      expect(
        discoverPreviews(input).flatMap(p =>
          p.flags.filter(f => f.rule === 'preview-outlived-pr'),
        ),
      ).toEqual([]);
    }
  });

  it('builds PR URLs from prUrlTemplate, prUrlBase or the generator', () => {
    const url = (overrides: Partial<PreviewDiscoveryInput>) =>
      discoverPreviews(inventoryInput(overrides)).map(p => p.prUrl);
    expect(
      url({
        config: {
          ...config,
          prUrlTemplate:
            'https://github.com/{{owner}}/{{repo}}/pull/{{number}}',
        },
        prUrlBase: { owner: 'acme', repo: 'inventory' },
      }),
    ).toEqual(
      [44, 41, 37, 29, 52].map(
        n => `https://github.com/acme/inventory/pull/${n}`,
      ),
    );
    expect(
      url({ prUrlBase: 'https://git.acme.example/acme/inventory/' }),
    ).toEqual(
      [44, 41, 37, 29, 52].map(
        n => `https://git.acme.example/acme/inventory/pull/${n}`,
      ),
    );
    expect(url({ prUrlBase: 'acme/inventory' })[4]).toBe(
      'https://github.com/acme/inventory/pull/52',
    );
    // A template parameter nobody knows leaves the URL out rather than guessing.
    expect(
      url({
        config: {
          ...config,
          prUrlTemplate: 'https://x/{{owner}}/{{repo}}/{{head_short_sha}}',
        },
      }),
    ).toEqual([
      'https://x/acme/inventory/c0ffee12',
      'https://x/acme/inventory/3f1c2a9b',
      'https://x/acme/inventory/9b34ff5b',
      null,
      null,
    ]);
  });

  it('rejects an invalid name template, naming the parameter', () => {
    expect(() =>
      discoverPreviews(
        inventoryInput({ config: { nameTemplate: 'inventory-{{pr}}' } }),
      ),
    ).toThrow('unknown parameter "pr"');
    expect(() =>
      discoverPreviews(
        inventoryInput({ config: { prUrlTemplate: 'https://x/{{org}}' } }),
      ),
    ).toThrow('unknown parameter "org"');
  });

  it('reads an Application the Argo CD example ApplicationSet generated for the fixture pull request', () => {
    const example = readYaml(
      'argo-cd/applicationset/examples/pull-request-generator/pull-request-example.yaml',
    );
    example.metadata.namespace = 'argocd';
    const params = expected.cases[0].expected as Record<string, string>;
    const template = example.spec.template;
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: renderPreviewName(template.metadata.name, params),
        namespace: 'argocd',
        creationTimestamp: '2025-06-01T00:00:00Z',
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'ApplicationSet',
            name: 'myapp',
            controller: true,
          },
        ],
      },
      spec: {
        ...template.spec,
        source: {
          ...template.spec.source,
          targetRevision: renderPreviewName(
            template.spec.source.targetRevision,
            params,
          ),
          helm: {
            parameters: [
              {
                name: 'image.tag',
                value: renderPreviewName(
                  template.spec.source.helm.parameters[0].value,
                  params,
                ),
              },
            ],
          },
        },
        destination: {
          ...template.spec.destination,
          namespace: renderPreviewName(
            template.spec.destination.namespace,
            params,
          ),
        },
      },
    };
    expect(
      discoverPreviews({
        config: {},
        namespaces: [],
        applications: [application],
        applicationSets: [example],
        workloadsByNamespace: {},
        ingresses: [],
      }),
    ).toEqual([
      {
        namespace: 'branch1-1',
        applicationName: 'myapp-branch1-1',
        prNumber: 1,
        branch: 'branch1',
        branchSlug: 'branch1',
        headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958',
        prUrl: 'https://git.example.com/myorg/myrepo/pull/1',
        prState: 'unknown',
        title: null,
        digest: null,
        health: 'Unknown',
        createdAt: '2025-06-01T00:00:00Z',
        urls: [],
        flags: [],
      },
    ]);
  });

  it('does not take any namespace ending in a number for a preview', () => {
    // The Argo CD example names namespaces '{{ .branch }}-{{ .number }}': that alone would
    // match ingress-nginx-1, so a namespace needs an anchored template or an Application.
    const example = readYaml(
      'argo-cd/applicationset/examples/pull-request-generator/pull-request-example.yaml',
    );
    expect(
      discoverPreviews({
        config: {},
        namespaces: ['ingress-nginx-1', 'cert-manager-2'].map(name => ({
          kind: 'Namespace',
          metadata: { name },
        })),
        applications: [],
        applicationSets: [example],
        workloadsByNamespace: {},
        ingresses: [],
      }),
    ).toEqual([]);
  });

  it('takes a commit SHA from a Helm parameter when no template says where it is', () => {
    const [preview] = discoverPreviews({
      config: { nameTemplate: 'web-pr-{{number}}' },
      namespaces: [],
      applications: [
        {
          metadata: { name: 'web-pr-8' },
          spec: {
            destination: { namespace: 'web-pr-8' },
            source: {
              targetRevision: 'refs/pull/8/head',
              helm: {
                parameters: [
                  { name: 'image.digest', value: 'f'.repeat(64) },
                  { name: 'git.sha', value: 'a'.repeat(40) },
                ],
              },
            },
          },
        },
      ],
      applicationSets: [],
      workloadsByNamespace: {},
      ingresses: [],
    });
    expect(preview).toMatchObject({ prNumber: 8, headSha: 'a'.repeat(40) });
  });

  it('reads a fasttemplate name from config alone', () => {
    const [preview] = discoverPreviews({
      config: { nameTemplate: 'myapp-{{ branch }}-{{ number }}' },
      namespaces: [],
      applications: [
        {
          kind: 'Application',
          metadata: { name: 'myapp-my-branch-12' },
          spec: { destination: { namespace: 'my-branch-12' } },
          status: { health: { status: 'Suspended' } },
        },
      ],
      applicationSets: [],
      workloadsByNamespace: {},
      ingresses: [],
      pullRequests: { 12: { state: 'open' } },
    });
    expect(preview).toMatchObject({
      namespace: 'my-branch-12',
      applicationName: 'myapp-my-branch-12',
      prNumber: 12,
      branch: 'my-branch',
      branchSlug: 'my-branch',
      health: 'Progressing',
      prState: 'open',
      flags: [],
    });
  });

  it('orders previews created together by pull request number', () => {
    const ns = (name: string, pr?: string) => ({
      kind: 'Namespace',
      metadata: {
        name,
        creationTimestamp: '2025-06-01T00:00:00Z',
        labels: { preview: 'yes' },
        annotations: pr ? { pr } : {},
      },
    });
    const previews = discoverPreviews({
      config: { labels: { preview: 'yes' }, annotations: { prNumber: 'pr' } },
      namespaces: [ns('a', '3'), ns('b', '10'), ns('c'), ns('d', '7')],
      applications: [],
      applicationSets: [],
      workloadsByNamespace: {},
      ingresses: [],
    });
    expect(previews.map(p => [p.namespace, p.prNumber])).toEqual([
      ['b', 10],
      ['d', 7],
      ['a', 3],
      ['c', null],
    ]);
  });

  it('survives hostile objects', () => {
    const junk = [
      null,
      1,
      'x',
      [],
      { metadata: null },
      { metadata: { name: 5 } },
      { spec: 'x' },
    ];
    expect(
      discoverPreviews({
        config,
        namespaces: junk,
        applications: [
          ...junk,
          {
            metadata: { name: 'inventory-x-1', ownerReferences: 'x' },
            spec: { source: 7, sources: [null] },
          },
        ],
        applicationSets: [
          ...junk,
          {
            metadata: { name: 'a' },
            spec: { generators: [{ pullRequest: {} }], template: 'x' },
            status: { resources: 'x' },
          },
        ],
        workloadsByNamespace: {},
        ingresses: junk,
      }),
    ).toEqual([
      expect.objectContaining({
        namespace: '',
        applicationName: 'inventory-x-1',
        prNumber: 1,
        branchSlug: 'x',
      }),
    ]);
  });
});
