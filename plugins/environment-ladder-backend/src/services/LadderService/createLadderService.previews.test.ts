import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';
import { readLadderConfig } from '../../config';
import type { ClusterReadRequest } from '../ClusterReader/types';
import type { PullRequestStates } from '../PullRequestStates/types';
import { createLadderService } from './createLadderService';

const config = readLadderConfig(
  new ConfigReader({
    environmentLadder: {
      rungs: [
        { name: 'dev', clusters: ['dev'], namespaces: ['shop'] },
        {
          name: 'preview',
          title: 'Previews',
          clusters: ['previews'],
          previews: { nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}' },
        },
        {
          name: 'prod',
          clusters: ['prod'],
          declared: {
            endpoints: ['shop.acme.com'],
            secretsSource: 'vault/prod/shop',
          },
        },
      ],
    },
  }),
);

const objects = (extra: Partial<RungObjects> = {}): RungObjects => ({
  pods: [],
  replicaSets: [],
  deployments: [],
  rollouts: [],
  analysisRuns: [],
  ingresses: [],
  horizontalPodAutoscalers: [],
  ...extra,
});

/** Two preview namespaces as an ApplicationSet creates them (no Argo CD objects needed). */
const previewNamespaces = [
  {
    kind: 'Namespace',
    metadata: {
      name: 'shop-add-wallet-12',
      creationTimestamp: '2025-06-01T10:00:00Z',
      annotations: { 'preview.environment-ladder.io/branch': 'add/wallet' },
    },
  },
  {
    kind: 'Namespace',
    metadata: {
      name: 'shop-fix-cart-9',
      creationTimestamp: '2025-05-01T10:00:00Z',
    },
  },
];

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default', annotations },
  spec: {},
});

function setUp(pullRequestStates?: PullRequestStates) {
  const requests: ClusterReadRequest[] = [];
  const service = createLadderService({
    config,
    logger: mockServices.logger.mock(),
    pullRequestStates,
    clusterReader: {
      async readObjects(request) {
        requests.push(request);
        return request.previews
          ? objects({
              namespaces: previewNamespaces,
              applications: [],
              applicationSets: [],
            })
          : objects();
      },
    },
    now: () => new Date('2025-06-02T12:00:00Z'),
  });
  return { service, requests };
}

describe('createLadderService with a preview rung', () => {
  it('reads the Argo CD objects and namespaces for the preview rung only, in every namespace', async () => {
    const { service, requests } = setUp();
    await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'backstage.io/kubernetes-namespace': 'shop',
      }),
    );
    expect(
      requests
        .map(r => ({
          cluster: r.cluster,
          namespaces: r.namespaces,
          previews: r.previews,
        }))
        .sort((a, b) => a.cluster.localeCompare(b.cluster)),
    ).toEqual([
      { cluster: 'dev', namespaces: ['shop'], previews: undefined },
      { cluster: 'previews', namespaces: [], previews: true },
      { cluster: 'prod', namespaces: ['shop'], previews: undefined },
    ]);
  });

  it('lists the previews with their PR links and states, and flags a closed one', async () => {
    const getOpenPullRequests = jest.fn().mockResolvedValue({
      known: true,
      complete: true,
      open: new Map([[12, { title: 'Add a wallet' }]]),
    });
    const { service } = setUp({ getOpenPullRequests });
    const ladder = await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'github.com/project-slug': 'acme/shop',
      }),
    );
    expect(getOpenPullRequests).toHaveBeenCalledTimes(1);
    expect(getOpenPullRequests).toHaveBeenCalledWith({
      owner: 'acme',
      repo: 'shop',
    });
    const preview = ladder.rungs[1];
    expect(preview.kind).toBe('preview');
    expect(
      preview.previews!.map(p => [
        p.prNumber,
        p.branch,
        p.prState,
        p.title,
        p.prUrl,
      ]),
    ).toEqual([
      [
        12,
        'add/wallet',
        'open',
        'Add a wallet',
        'https://github.com/acme/shop/pull/12',
      ],
      [9, null, 'closed', null, 'https://github.com/acme/shop/pull/9'],
    ]);
    expect(preview.violations).toEqual([
      {
        rule: 'preview-outlived-pr',
        severity: 'warning',
        rung: 'preview',
        message:
          'Preview of PR #9 outlived its pull request: Pull request #9 is closed, but its preview still exists (namespace shop-fix-cart-9).',
      },
    ]);
    // Prod is compared with dev, never with the previews.
    expect(ladder.rungs[2].comparedToBelow).not.toBeNull();
  });

  it('keeps PR states unknown without a project slug, and when GitHub fails', async () => {
    const getOpenPullRequests = jest.fn().mockRejectedValue(new Error('boom'));
    const { service } = setUp({ getOpenPullRequests });
    const withoutSlug = await service.getLadder(
      entity({ 'backstage.io/kubernetes-id': 'shop' }),
    );
    expect(getOpenPullRequests).not.toHaveBeenCalled();
    expect(
      withoutSlug.rungs[1].previews!.map(p => [p.prState, p.prUrl]),
    ).toEqual([
      ['unknown', null],
      ['unknown', null],
    ]);

    const failing = await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'github.com/project-slug': 'acme/shop',
      }),
    );
    expect(failing.rungs[1].error).toBeNull();
    expect(failing.rungs[1].previews!.map(p => p.prState)).toEqual([
      'unknown',
      'unknown',
    ]);
    expect(failing.rungs[1].violations).toEqual([]);
  });

  it("uses the entity's own name template", async () => {
    const { service } = setUp();
    const ladder = await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'environment-ladder.io/preview-name-template':
          'shop-{{branch_slug}}-{{number}}',
      }),
    );
    expect(ladder.rungs[1].previews!.map(p => p.prNumber)).toEqual([12, 9]);

    const other = await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'environment-ladder.io/preview-name-template': 'pr-{{number}}',
      }),
    );
    // Names no longer tell; only the namespace that carries a preview annotation is one.
    expect(
      other.rungs[1].previews!.map(p => [p.namespace, p.prNumber]),
    ).toEqual([['shop-add-wallet-12', null]]);
  });

  it('fails only the preview rung for an invalid name template annotation, naming it', async () => {
    const { service, requests } = setUp();
    const ladder = await service.getLadder(
      entity({
        'backstage.io/kubernetes-id': 'shop',
        'environment-ladder.io/preview-name-template': '{{service}}-{{number}}',
      }),
    );
    expect(ladder.rungs[1]).toMatchObject({
      kind: 'preview',
      previews: [],
      error: {
        cluster: '',
        message: expect.stringMatching(
          /^The annotation environment-ladder.io\/preview-name-template is not a usable preview name template: .*unknown parameter "service"/,
        ),
      },
    });
    expect(ladder.rungs[0].error).toBeNull();
    expect(ladder.rungs[2].error).toBeNull();
    expect(requests.map(r => r.cluster).sort()).toEqual(['dev', 'prod']);
  });
});
