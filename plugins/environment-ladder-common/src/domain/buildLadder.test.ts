import {
  REPOSITORY,
  builds,
  ingress,
  merge,
  workload,
} from '../__fixtures__/ladder/kubernetes';
import {
  brokenLadder,
  healthyLadder,
  prodMidCanaryLadder,
} from '../__fixtures__/ladder/stories';
import type { RungObjects } from '../types';
import { buildLadder } from './buildLadder';

function summary(ladder: ReturnType<typeof buildLadder>) {
  return ladder.rungs.map(rung => ({
    name: rung.name,
    observed: rung.observed,
    digest: rung.digest,
    digests: rung.digests,
    since: rung.since,
    replicas: rung.replicas,
    comparedToBelow: rung.comparedToBelow,
    violations: rung.violations.map(v => `${v.severity} ${v.rule}`),
    error: rung.error,
  }));
}

describe('buildLadder', () => {
  it('shows a healthy ladder: dev one release ahead of staging and prod', () => {
    const ladder = buildLadder(healthyLadder());
    expect(ladder.entityRef).toBe('component:default/shop');
    expect(ladder.generatedAt).toBe('2024-05-08T12:10:00.000Z');
    expect(ladder.violations).toEqual([]);
    expect(summary(ladder)).toEqual([
      {
        name: 'local',
        observed: false,
        digest: null,
        digests: [],
        since: null,
        replicas: { ready: 0, desired: 0 },
        comparedToBelow: null,
        violations: [],
        error: null,
      },
      {
        name: 'dev',
        observed: true,
        digest: builds.v3,
        digests: [builds.v3],
        since: '2024-05-06T10:15:00Z',
        replicas: { ready: 1, desired: 1 },
        comparedToBelow: null,
        violations: [],
        error: null,
      },
      {
        name: 'staging',
        observed: true,
        digest: builds.v2,
        digests: [builds.v2],
        since: '2024-05-03T14:00:00Z',
        replicas: { ready: 2, desired: 2 },
        comparedToBelow: { relation: 'behind', releases: 1 },
        violations: [],
        error: null,
      },
      {
        name: 'prod',
        observed: true,
        digest: builds.v2,
        digests: [builds.v2],
        since: '2024-05-04T09:00:00Z',
        replicas: { ready: 8, desired: 8 },
        comparedToBelow: { relation: 'same' },
        violations: [],
        error: null,
      },
    ]);
    const prod = ladder.rungs[3];
    expect(prod.workloads.map(w => w.cluster)).toEqual([
      'prod-eu-1',
      'prod-us-1',
    ]);
    expect(prod.rollouts.map(r => [r.cluster, r.phase, r.step])).toEqual([
      ['prod-eu-1', 'Healthy', '8/8'],
      ['prod-us-1', 'Healthy', '8/8'],
    ]);
    expect(prod.observedValues).toEqual({
      replicas: 4,
      autoscaler: { min: 3, max: 10 },
      ingressHosts: ['shop.acme.com'],
      rolloutStrategy: 'Canary',
    });
    expect(prod.declared.replicas).toEqual({ min: 3, max: 10 });
    // The istio-proxy listed first in every prod pod is never taken for the service.
    expect(prod.workloads.flatMap(w => w.running.map(r => r.image))).toEqual([
      `${REPOSITORY}@${builds.v2}`,
      `${REPOSITORY}@${builds.v2}`,
    ]);
  });

  it('shows prod in the middle of a canary at step 3/8 with analysis running, which breaks no rule', () => {
    const ladder = buildLadder(prodMidCanaryLadder());
    expect(ladder.violations).toEqual([]);
    const [, dev, staging, prod] = ladder.rungs;
    expect(dev.digest).toBe(builds.v3);
    expect(staging.comparedToBelow).toEqual({ relation: 'same' });
    expect(prod).toMatchObject({
      digest: null,
      digests: [builds.v2, builds.v3],
      since: null,
      replicas: { ready: 4, desired: 4 },
      comparedToBelow: {
        relation: 'unknown',
        reason:
          'Production is rolling out (Rollout shop at step 3/8) and runs 2 digests (sha256:b2b2b2b2b2b2…, sha256:c3c3c3c3c3c3…)',
      },
    });
    expect(prod.rollouts).toHaveLength(1);
    expect(prod.rollouts[0]).toMatchObject({
      phase: 'Progressing',
      step: '3/8',
      setWeight: 25,
      actualWeight: 25,
      aborted: false,
      images: [
        { digests: [builds.v3], roles: ['canary'] },
        { digests: [builds.v2], roles: ['stable'] },
      ],
    });
    expect(prod.rollouts[0].analysisRuns.map(r => [r.name, r.phase])).toEqual([
      ['shop-6c7b8d9e5f-2-3', 'Successful'],
      ['shop-7f9c8b6d4e-3-3', 'Running'],
    ]);
    expect(
      prod.workloads[0].running.map(r => [r.digest, r.pods, r.since]),
    ).toEqual([
      [builds.v2, 3, '2024-05-04T09:00:00Z'],
      [builds.v3, 1, '2024-05-08T11:50:00Z'],
    ]);
  });

  it('explains a broken ladder: dev on a tag, staging on two digests, prod on a rebuild', () => {
    const ladder = buildLadder(brokenLadder());
    expect(
      summary(ladder).map(r => [
        r.name,
        r.digest,
        r.comparedToBelow,
        r.violations,
      ]),
    ).toEqual([
      ['local', null, null, []],
      ['dev', builds.v4, null, ['warning tag-not-digest']],
      [
        'staging',
        null,
        {
          relation: 'unknown',
          reason:
            'Staging runs 2 digests (sha256:c3c3c3c3c3c3…, sha256:b2b2b2b2b2b2…)',
        },
        ['error tag-not-digest', 'error mixed-digests'],
      ],
      [
        'prod',
        builds.rebuild,
        {
          relation: 'unknown',
          reason:
            'Staging runs 2 digests (sha256:c3c3c3c3c3c3…, sha256:b2b2b2b2b2b2…)',
        },
        ['error digest-not-from-rung-below'],
      ],
    ]);
    expect(ladder.violations.map(v => v.message)).toEqual([
      `Dev runs ${REPOSITORY}:main by tag, not by digest (Deployment shop/shop on dev-eu-1): a tag can be moved to another build, so what runs cannot be traced or promoted as it is. Pin it as ${REPOSITORY}@${builds.v4}.`,
      `Staging runs ${REPOSITORY}:staging by tag, not by digest (Deployment shop/shop on staging-eu-1): a tag can be moved to another build, so what runs cannot be traced or promoted as it is. Pin it as ${REPOSITORY}@${builds.v3}.`,
      "Staging's pods run 2 different digests outside a rollout: sha256:c3c3c3c3c3c3… on 2 pods (Deployment shop/shop on staging-eu-1); sha256:b2b2b2b2b2b2… on 1 pod (Deployment shop/shop on staging-eu-1). Pods pulled a moving tag at different times, or a workload was changed by hand.",
      `Production runs sha256:eeeeeeeeeeee… (${REPOSITORY}@${builds.rebuild} in Deployment shop/shop on prod-eu-1), which never ran in Staging: it was not promoted from there, so it is a rebuild or a direct push.`,
    ]);
  });

  it('keeps a rung whose cluster failed, and compares the rung above with the next readable one', () => {
    const input = healthyLadder();
    input.rungs[2] = {
      ...input.rungs[2],
      result: {
        error: {
          cluster: 'staging-eu-1',
          message: "cluster 'staging-eu-1' did not answer within 5000 ms",
        },
      },
    };
    const ladder = buildLadder(input);
    const [, , staging, prod] = ladder.rungs;
    expect(staging).toMatchObject({
      observed: true,
      digest: null,
      workloads: [],
      observedValues: null,
      comparedToBelow: null,
      violations: [],
      error: {
        cluster: 'staging-eu-1',
        message: "cluster 'staging-eu-1' did not answer within 5000 ms",
      },
    });
    // prod (v2) against dev (v3, history v1 v2 v3).
    expect(prod.comparedToBelow).toEqual({ relation: 'behind', releases: 1 });
    expect(prod.violations).toEqual([]);
  });

  it('lets a rung opt out of the digest check and reads the service container by name', () => {
    const input = brokenLadder();
    input.rungs[3].checkDigestFromBelow = false;
    expect(buildLadder(input).rungs[3].violations).toEqual([]);
    const named = buildLadder({
      ...healthyLadder(),
      containerName: 'istio-proxy',
    });
    expect(named.rungs[3].workloads[0].running[0].image).toBe(
      'docker.io/istio/proxyv2:1.22.1',
    );
  });

  it('returns empty rungs for unobserved rungs and rungs without a result', () => {
    const ladder = buildLadder({
      entityRef: 'component:default/shop',
      now: new Date('2024-05-08T12:10:00Z'),
      rungs: [
        {
          name: 'local',
          title: 'Local',
          observed: false,
          declared: {},
          result: { objectsByCluster: [] },
        },
        {
          name: 'dev',
          title: 'Dev',
          observed: true,
          declared: {},
          result: null,
        },
        {
          name: 'prod',
          title: 'Prod',
          observed: true,
          declared: {},
          result: { objectsByCluster: [] },
        },
      ],
    });
    expect(summary(ladder)).toEqual([
      expect.objectContaining({
        name: 'local',
        observed: false,
        digest: null,
        comparedToBelow: null,
      }),
      expect.objectContaining({
        name: 'dev',
        observed: true,
        digest: null,
        comparedToBelow: null,
      }),
      expect.objectContaining({
        name: 'prod',
        observed: true,
        digest: null,
        comparedToBelow: null,
      }),
    ]);
    expect(ladder.rungs[2].observedValues).toEqual({
      replicas: null,
      autoscaler: null,
      ingressHosts: [],
      rolloutStrategy: null,
    });
  });

  describe('with a preview rung', () => {
    const NAMESPACES = { 12: 'shop-add-wallet-12', 9: 'shop-fix-cart-9' };
    const APPSET = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'shop-previews', namespace: 'argocd' },
      spec: {
        generators: [
          { pullRequest: { github: { owner: 'acme', repo: 'shop' } } },
        ],
        template: {
          metadata: { name: 'shop-{{branch_slug}}-{{number}}' },
          spec: {
            destination: { namespace: 'shop-{{branch_slug}}-{{number}}' },
          },
        },
      },
      // #9 was closed: the generator no longer lists its Application.
      status: { resources: [{ kind: 'Application', name: NAMESPACES[12] }] },
    };
    const application = (name: string, createdAt: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace: 'argocd',
        creationTimestamp: createdAt,
        ownerReferences: [{ kind: 'ApplicationSet', name: 'shop-previews' }],
      },
      spec: { destination: { namespace: name } },
      status: { health: { status: 'Healthy' } },
    });
    const namespace = (name: string, branch: string) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        annotations: { 'preview.environment-ladder.io/branch': branch },
      },
    });
    // The builder derives uids from names; previews reuse the name in each namespace.
    const withUniqueUids = (
      prefix: string,
      objects: RungObjects,
    ): RungObjects =>
      JSON.parse(
        JSON.stringify(objects).replace(
          /"(shop-[a-z0-9-]*uid)"/g,
          `"${prefix}-$1"`,
        ),
      );
    // Each preview runs its pull request's build by tag, as a generator makes it.
    const previewWorkload = (number: 12 | 9, digest: string) =>
      withUniqueUids(
        NAMESPACES[number],
        workload({
          kind: 'Deployment',
          namespace: NAMESPACES[number],
          name: 'shop',
          replicas: 1,
          revisions: [
            {
              revision: 1,
              hash: `pr${number}`,
              image: `${REPOSITORY}:pr-${number}`,
              podDigests: [digest],
            },
          ],
        }),
      );
    function ladderWithPreviews(
      previewResult: Parameters<
        typeof buildLadder
      >[0]['rungs'][number]['result'],
    ) {
      const input = healthyLadder();
      input.rungs.splice(2, 0, {
        name: 'preview',
        title: 'Previews',
        observed: true,
        declared: { scale: '1 replica' },
        result: previewResult,
      });
      return buildLadder({
        ...input,
        rungs: input.rungs.map(rung =>
          rung.name === 'preview'
            ? {
                ...rung,
                kind: 'preview' as const,
                previews: {
                  config: {
                    nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}',
                  },
                  entity: 'shop',
                  prUrlBase: 'acme/shop',
                },
              }
            : rung,
        ),
      });
    }

    // The Applications live in the Argo CD hub; the namespaces and workloads in the previews cluster.
    const twoClusters = {
      objectsByCluster: [
        {
          cluster: 'argocd-hub',
          objects: {
            ...merge(),
            applicationSets: [APPSET],
            applications: [
              application(NAMESPACES[12], '2024-05-08T09:00:00Z'),
              application(NAMESPACES[9], '2024-05-01T09:00:00Z'),
            ],
          },
        },
        {
          cluster: 'previews-eu-1',
          objects: {
            ...merge(
              previewWorkload(12, builds.v4),
              previewWorkload(9, builds.rebuild),
              {
                ingresses: [
                  ingress(NAMESPACES[12], 'shop', [
                    'shop-pr-12.preview.acme.com',
                  ]),
                ],
              },
            ),
            namespaces: [
              namespace(NAMESPACES[12], 'add/wallet'),
              namespace(NAMESPACES[9], 'fix/cart'),
            ],
          },
        },
      ],
    };

    it('lists the previews newest first, across clusters, and flags the one that outlived its PR', () => {
      const ladder = ladderWithPreviews(twoClusters);
      const preview = ladder.rungs[2];
      expect(preview).toMatchObject({
        name: 'preview',
        kind: 'preview',
        digest: null,
        digests: [builds.v4, builds.rebuild],
        since: null,
        comparedToBelow: null,
        error: null,
      });
      expect(
        preview.previews!.map(p => [
          p.cluster,
          p.prNumber,
          p.branch,
          p.digest,
          p.prUrl,
          p.urls,
          p.flags.map(f => f.rule),
        ]),
      ).toEqual([
        [
          'previews-eu-1',
          12,
          'add/wallet',
          builds.v4,
          'https://github.com/acme/shop/pull/12',
          ['https://shop-pr-12.preview.acme.com/'],
          [],
        ],
        [
          'previews-eu-1',
          9,
          'fix/cart',
          builds.rebuild,
          'https://github.com/acme/shop/pull/9',
          [],
          ['preview-outlived-pr'],
        ],
      ]);
      // Previews run tags and many digests by design: only their own rules apply.
      expect(preview.violations).toEqual([
        {
          rule: 'preview-outlived-pr',
          severity: 'warning',
          rung: 'preview',
          message: expect.stringMatching(
            /^Preview of PR #9 \(fix\/cart\) outlived its pull request: Application shop-fix-cart-9 names ApplicationSet shop-previews as its owner/,
          ),
        },
      ]);
      expect(ladder.violations).toEqual(preview.violations);
    });

    it('compares staging with dev, never with the previews', () => {
      const ladder = ladderWithPreviews(twoClusters);
      const staging = ladder.rungs[3];
      expect(staging.name).toBe('staging');
      expect(staging.comparedToBelow).toEqual({
        relation: 'behind',
        releases: 1,
      });
      expect(staging.violations).toEqual([]);

      // A rebuild that ran only in a preview still never ran in dev.
      const input = healthyLadder();
      const broken = buildLadder({
        ...input,
        rungs: [
          input.rungs[1],
          {
            name: 'preview',
            title: 'Previews',
            observed: true,
            declared: {},
            kind: 'preview',
            previews: { config: {}, entity: 'shop' },
            result: twoClusters,
          },
          {
            ...input.rungs[2],
            result: {
              objectsByCluster: [
                {
                  cluster: 'staging-eu-1',
                  objects: workload({
                    kind: 'Deployment',
                    namespace: 'shop',
                    name: 'shop',
                    replicas: 1,
                    revisions: [
                      {
                        revision: 1,
                        hash: 'x',
                        image: `${REPOSITORY}@${builds.rebuild}`,
                        podDigests: [builds.rebuild],
                      },
                    ],
                  }),
                },
              ],
            },
          },
        ],
      });
      const [rebuilt] = broken.rungs[2].violations.filter(
        v => v.rule === 'digest-not-from-rung-below',
      );
      expect(rebuilt.message).toContain('never ran in Dev');
    });

    it('keeps an empty preview list for a failed or unobserved preview rung', () => {
      const failed = ladderWithPreviews({
        error: { cluster: 'previews-eu-1', message: 'timeout' },
      }).rungs[2];
      expect(failed).toMatchObject({
        kind: 'preview',
        previews: [],
        violations: [],
        error: { cluster: 'previews-eu-1', message: 'timeout' },
      });
      expect(ladderWithPreviews(null).rungs[2]).toMatchObject({
        kind: 'preview',
        previews: [],
        error: null,
      });
    });

    it('turns an unusable template into the rung error', () => {
      const input = healthyLadder();
      const ladder = buildLadder({
        ...input,
        rungs: [
          {
            name: 'preview',
            title: 'Previews',
            observed: true,
            declared: {},
            kind: 'preview',
            previews: { config: { nameTemplate: '{{number}}{{branch}}' } },
            result: twoClusters,
          },
        ],
      });
      expect(ladder.rungs[0].error).toEqual({
        cluster: '',
        message: expect.stringMatching(
          /^Previews cannot be found: Template "\{\{number\}\}\{\{branch\}\}" puts parameters/,
        ),
      });
    });
  });
});
