import { readdirSync, readFileSync } from 'fs';
import { resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import type { RungObjects } from '../types';
import { findPreviews } from './findPreviews';

/** The demo's previews cluster (examples/clusters/previews), with expected.json as the answer key. */
const EXAMPLES = resolve(__dirname, '../../../../examples/clusters');
const expected = JSON.parse(
  readFileSync(resolve(EXAMPLES, 'expected.json'), 'utf8'),
);

const KINDS: Record<string, keyof RungObjects> = {
  Pod: 'pods',
  ReplicaSet: 'replicaSets',
  Deployment: 'deployments',
  Rollout: 'rollouts',
  AnalysisRun: 'analysisRuns',
  Ingress: 'ingresses',
  HorizontalPodAutoscaler: 'horizontalPodAutoscalers',
  Namespace: 'namespaces',
  Application: 'applications',
  ApplicationSet: 'applicationSets',
};

/** What the cluster answers for `backstage.io/kubernetes-id=<service>`, as the ladder reads it. */
function previewsCluster(service: string): RungObjects {
  const objects: RungObjects = {
    pods: [],
    replicaSets: [],
    deployments: [],
    rollouts: [],
    analysisRuns: [],
    ingresses: [],
    horizontalPodAutoscalers: [],
    namespaces: [],
    applications: [],
    applicationSets: [],
  };
  const dir = resolve(EXAMPLES, 'previews');
  for (const file of readdirSync(dir).filter(f => f.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(
      readFileSync(resolve(dir, file), 'utf8'),
    )) {
      const object = document.toJS();
      const key = KINDS[object?.kind];
      if (
        key &&
        object.metadata?.labels?.['backstage.io/kubernetes-id'] === service
      ) {
        objects[key]!.push(object);
      }
    }
  }
  return objects;
}

const config = { nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}' };

describe('findPreviews', () => {
  it('finds inventory #41 open and #38 outlived (its ApplicationSet no longer lists it), newest first', () => {
    const previews = findPreviews(previewsCluster('inventory'), {
      config,
      entity: 'inventory',
      cluster: 'previews',
      prUrlBase: 'acme/inventory',
    });
    expect(previews.map(p => p.prNumber)).toEqual([41, 38]);
    for (const [index, want] of expected.inventory.previews.entries()) {
      expect(previews[index]).toMatchObject({
        cluster: 'previews',
        namespace: want.namespace,
        applicationName: want.application,
        prNumber: want.prNumber,
        branch: want.branch,
        headSha: want.headSha,
        digest: want.digest,
        health: 'Healthy',
        prUrl: `https://github.com/acme/inventory/pull/${want.prNumber}`,
        prState: 'unknown',
        title: null,
      });
      // Argo CD shows the rule's path: `https://host` plus `/`.
      expect(previews[index].urls).toEqual([`${want.url}/`]);
    }
    expect(previews[0].flags).toEqual([]);
    expect(previews[1].flags).toEqual([
      {
        rule: 'preview-outlived-pr',
        message: expect.stringContaining(
          'Application inventory-fix-stock-race-38 names ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it',
        ),
      },
    ]);
    // The earliest of the Application's, the namespace's and the workloads' creation.
    expect(previews[0].createdAt).toBe('2025-05-29T08:17:08Z');
  });

  it('finds checkout #112 with both of its URLs (link annotation and rule)', () => {
    const [preview, ...rest] = findPreviews(previewsCluster('checkout'), {
      config,
      entity: 'checkout',
    });
    expect(rest).toEqual([]);
    const want = expected.checkout.previews[0];
    expect(preview).toMatchObject({
      prNumber: 112,
      branch: want.branch,
      headSha: want.headSha,
      digest: want.digest,
      flags: [],
      // Without the entity's slug, the link comes from the generator's GitHub repository.
      prUrl: 'https://github.com/acme/checkout/pull/112',
    });
    expect(preview.urls).toEqual([want.url, `${want.url}/`]);
    expect(preview).not.toHaveProperty('cluster');
  });

  it('reads the PR state and title from the open pull requests, and flags a closed one', () => {
    const previews = findPreviews(previewsCluster('inventory'), {
      config,
      entity: 'inventory',
      openPullRequests: {
        open: { 41: { title: 'Bulk import of stock levels from CSV' } },
        complete: true,
      },
    });
    expect(previews.map(p => [p.prNumber, p.prState, p.title])).toEqual([
      [41, 'open', 'Bulk import of stock levels from CSV'],
      [38, 'closed', null],
    ]);
    expect(previews[1].flags.map(f => f.message)).toEqual([
      'Pull request #38 is closed, but its preview still exists (namespace inventory-fix-stock-race-38, Application inventory-fix-stock-race-38).',
      expect.stringContaining('no longer lists it'),
    ]);
  });

  it('leaves the state unknown for a pull request missing from an incomplete list', () => {
    const previews = findPreviews(previewsCluster('inventory'), {
      config,
      entity: 'inventory',
      openPullRequests: { open: {}, complete: false },
    });
    expect(previews.map(p => p.prState)).toEqual(['unknown', 'unknown']);
  });

  it('flags a preview that uses the production endpoint or secrets source', () => {
    const objects = previewsCluster('inventory');
    const deployment = objects.deployments.find(
      (d: any) => d.metadata.namespace === 'inventory-feature-bulk-import-41',
    ) as any;
    deployment.spec.template.spec.containers[0].env.push({
      name: 'PAYMENTS_URL',
      value: 'https://payments.bitvault.io/api',
    });
    const previews = findPreviews(objects, {
      config,
      entity: 'inventory',
      productionValues: {
        endpoints: ['payments.bitvault.io'],
        secretsSource: 'vault://prod/inventory',
      },
    });
    expect(previews[0].flags).toEqual([
      {
        rule: 'preview-uses-production-values',
        message:
          'Workloads in namespace inventory-feature-bulk-import-41: env PAYMENTS_URL references the production endpoint payments.bitvault.io.',
      },
    ]);
  });

  it('reports the workloads as Progressing while a pod is not ready', () => {
    const objects = previewsCluster('inventory');
    for (const deployment of objects.deployments as any[]) {
      deployment.status.readyReplicas = 0;
    }
    for (const pod of objects.pods as any[]) {
      pod.status.containerStatuses[0].ready = false;
    }
    expect(
      findPreviews(objects, { config, entity: 'inventory' }).map(p => p.health),
    ).toEqual(['Progressing', 'Progressing']);
  });

  it('finds the previews without any config, from the ApplicationSet and the default annotations', () => {
    const previews = findPreviews(previewsCluster('inventory'));
    expect(
      previews.map(p => [p.prNumber, p.branch, p.headSha, p.flags.length]),
    ).toEqual([
      [41, 'feature/bulk-import', expected.inventory.previews[0].headSha, 0],
      [38, 'fix/stock-race', expected.inventory.previews[1].headSha, 1],
    ]);
  });

  it('fills {{entity}} in the pull request URL template', () => {
    const [preview] = findPreviews(previewsCluster('checkout'), {
      config: {
        ...config,
        prUrlTemplate: 'https://git.example.com/{{entity}}/pulls/{{number}}',
      },
      entity: 'checkout',
    });
    expect(preview.prUrl).toBe('https://git.example.com/checkout/pulls/112');
  });

  it('names {{entity}} when a template uses it but no entity is given', () => {
    expect(() => findPreviews(previewsCluster('checkout'), { config })).toThrow(
      /unknown parameter "entity"/,
    );
  });

  it('finds nothing in objects without namespaces or Applications, and never throws on junk', () => {
    expect(
      findPreviews({
        pods: [null, 1, 'x'],
        replicaSets: [{}],
        deployments: [{ metadata: 'x' }],
        rollouts: [],
        analysisRuns: [],
        ingresses: [{ kind: 'Ingress' }],
        horizontalPodAutoscalers: [],
        namespaces: [null, { metadata: { name: 42 } }],
        applications: [[], { kind: 'Application', metadata: {} }],
        applicationSets: ['nope'],
      }),
    ).toEqual([]);
  });
});
