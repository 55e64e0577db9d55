import fs from 'node:fs';
import path from 'node:path';
import { readFixtureClustersConfig } from './config';
import { startFixtureClusters } from './startFixtureClusters';
import { FixtureClusters } from './types';

/*
 * The demo's fixture stories (examples/clusters) and their answer key
 * (expected.json), checked against what the fixture cluster serves. Other
 * packages' tests compare their results with expected.json, so it must say
 * exactly what the pods run.
 */

const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const SERVICES = ['checkout', 'payments', 'inventory'] as const;
const RUNGS = ['dev', 'staging', 'prod'] as const;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe('examples/clusters', () => {
  let running: FixtureClusters;
  const urls: Record<string, string> = {};

  const list = async (cluster: string, p: string) => {
    const res = await fetch(`${urls[cluster]}${p}`, {
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    return body.items as any[];
  };
  const forService = (svc: string) =>
    `labelSelector=${encodeURIComponent(`backstage.io/kubernetes-id=${svc}`)}`;
  const digestOf = (pod: any, container: string) => {
    const status = pod.status.containerStatuses.find(
      (c: any) => c.name === container,
    );
    return `sha256:${status.imageID.split('@sha256:')[1]}`;
  };

  beforeAll(async () => {
    const config = readFixtureClustersConfig(
      path.join(EXAMPLES, 'clusters.yaml'),
    );
    running = await startFixtureClusters({
      baseDir: config.baseDir,
      clusters: config.clusters.map(c => ({ ...c, port: 0 })),
    });
    for (const c of running.clusters) {
      urls[c.name] = c.url;
    }
  });

  afterAll(() => running.close());

  it('configures the four demo clusters on their ports', () => {
    const config = readFixtureClustersConfig(
      path.join(EXAMPLES, 'clusters.yaml'),
    );
    expect(config.clusters.map(c => [c.name, c.port, c.dir])).toEqual([
      ['dev', 7101, 'dev'],
      ['previews', 7102, 'previews'],
      ['staging', 7103, 'staging'],
      ['prod', 7104, 'prod'],
    ]);
  });

  it('parses every YAML file into served objects', () => {
    for (const c of running.clusters) {
      expect(c.objects).toBeGreaterThan(20);
    }
  });

  describe.each(SERVICES)('%s', svc => {
    it.each(RUNGS)('runs exactly the expected digests in %s', async rung => {
      const want = expected[svc][rung];
      const pods = await list(
        rung,
        `/api/v1/namespaces/${svc}/pods?${forService(svc)}`,
      );
      const counts: Record<string, number> = {};
      for (const pod of pods) {
        const d = digestOf(pod, svc);
        counts[d] = (counts[d] ?? 0) + 1;
      }
      expect(Object.keys(counts).sort()).toEqual(want.digests);
      expect(counts).toEqual(want.podsByDigest);
      for (const d of want.digests) {
        expect(d).toMatch(DIGEST);
        expect(expected[svc].releases[d]).toBeDefined();
      }
    });

    it.each(RUNGS)(
      'has the expected workload and ReplicaSet history in %s',
      async rung => {
        const want = expected[svc][rung];
        const plural =
          want.workload.kind === 'Rollout'
            ? 'apis/argoproj.io/v1alpha1/namespaces'
            : 'apis/apps/v1/namespaces';
        const res = await fetch(
          `${urls[rung]}/${plural}/${svc}/${
            want.workload.kind === 'Rollout' ? 'rollouts' : 'deployments'
          }/${want.workload.name}`,
        );
        expect(res.status).toBe(200);
        const workload = await res.json();
        const container = workload.spec.template.spec.containers.find(
          (c: any) => c.name === svc,
        );
        expect(container.image).toBe(want.specImage);
        expect(want.specPinnedByDigest).toBe(
          /@sha256:[0-9a-f]{64}$/.test(container.image),
        );

        const replicaSets = await list(
          rung,
          `/apis/apps/v1/namespaces/${svc}/replicasets?${forService(svc)}`,
        );
        const history = replicaSets
          .map(rs => {
            const image = rs.spec.template.spec.containers.find(
              (c: any) => c.name === svc,
            ).image;
            return {
              name: rs.metadata.name,
              revision: Number(
                rs.metadata.annotations['deployment.kubernetes.io/revision'] ??
                  rs.metadata.annotations['rollout.argoproj.io/revision'],
              ),
              image,
              digest: image.includes('@') ? image.split('@')[1] : null,
              replicas: rs.spec.replicas,
            };
          })
          .sort((a, b) => b.revision - a.revision);
        expect(history).toEqual(want.replicaSets);

        // Ownership is consistent: pods -> ReplicaSet -> workload, by uid.
        for (const rs of replicaSets) {
          expect(rs.metadata.ownerReferences).toEqual([
            expect.objectContaining({
              kind: want.workload.kind,
              name: want.workload.name,
              uid: workload.metadata.uid,
              controller: true,
            }),
          ]);
        }
        const pods = await list(
          rung,
          `/api/v1/namespaces/${svc}/pods?${forService(svc)}`,
        );
        for (const pod of pods) {
          const owner = replicaSets.find(
            rs => rs.metadata.uid === pod.metadata.ownerReferences[0].uid,
          );
          expect(owner).toBeDefined();
          const hashLabel =
            want.workload.kind === 'Rollout'
              ? 'rollouts-pod-template-hash'
              : 'pod-template-hash';
          expect(pod.metadata.labels[hashLabel]).toBe(
            owner.metadata.labels[hashLabel],
          );
          expect(pod.metadata.name.startsWith(`${owner.metadata.name}-`)).toBe(
            true,
          );
          // The pod runs what its ReplicaSet's template names (when that is a digest).
          const rsImage = owner.spec.template.spec.containers.find(
            (c: any) => c.name === svc,
          ).image;
          const pinned = rsImage.includes('@')
            ? rsImage.split('@')[1]
            : digestOf(pod, svc);
          expect(digestOf(pod, svc)).toBe(pinned);
        }
      },
    );

    it('labels every object in its namespaces with backstage.io/kubernetes-id', async () => {
      for (const rung of RUNGS) {
        for (const p of [
          '/api/v1/namespaces/NS/pods',
          '/apis/apps/v1/namespaces/NS/replicasets',
          '/apis/apps/v1/namespaces/NS/deployments',
          '/api/v1/namespaces/NS/services',
          '/api/v1/namespaces/NS/configmaps',
          '/apis/networking.k8s.io/v1/namespaces/NS/ingresses',
          '/apis/argoproj.io/v1alpha1/namespaces/NS/rollouts',
          '/apis/argoproj.io/v1alpha1/namespaces/NS/analysisruns',
          '/apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers',
        ]) {
          for (const o of await list(rung, p.replace('NS', svc))) {
            expect(
              `${rung} ${o.kind} ${o.metadata.name} ${o.metadata.labels?.['backstage.io/kubernetes-id']}`,
            ).toBe(`${rung} ${o.kind} ${o.metadata.name} ${svc}`);
          }
        }
      }
    });

    it('matches its previews', async () => {
      const previews = expected[svc].previews;
      const apps = await list(
        'previews',
        `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?${forService(
          svc,
        )}`,
      );
      const appSets = await list(
        'previews',
        `/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets?${forService(
          svc,
        )}`,
      );
      expect(apps.map(a => a.metadata.name).sort()).toEqual(
        previews.map((p: any) => p.application).sort(),
      );
      expect(appSets).toHaveLength(previews.length > 0 ? 1 : 0);
      for (const appSet of appSets) {
        expect(appSet.spec.generators[0].pullRequest.github).toMatchObject({
          owner: 'acme',
          repo: svc,
        });
        expect(appSet.spec.template.metadata.name).toBe(
          `${svc}-{{branch_slug}}-{{number}}`,
        );
      }
      const listed = appSets.flatMap(a =>
        a.status.resources.map((r: any) => r.name),
      );

      for (const preview of previews) {
        expect(preview.digest).toMatch(DIGEST);
        expect(preview.headSha).toMatch(/^[0-9a-f]{40}$/);
        const slug = preview.branch.replace(/[^a-zA-Z0-9-]/g, '-');
        expect(preview.namespace).toBe(`${svc}-${slug}-${preview.prNumber}`);
        expect(listed.includes(preview.application)).toBe(
          preview.listedByApplicationSet,
        );
        expect(preview.listedByApplicationSet).toBe(preview.prState === 'open');

        const ns = await (
          await fetch(`${urls.previews}/api/v1/namespaces/${preview.namespace}`)
        ).json();
        expect(ns.metadata.labels).toMatchObject({
          'app.kubernetes.io/instance': preview.application,
          'backstage.io/kubernetes-id': svc,
        });
        expect(ns.metadata.annotations).toMatchObject({
          'preview.environment-ladder.io/pr-number': String(preview.prNumber),
          'preview.environment-ladder.io/branch': preview.branch,
          'preview.environment-ladder.io/head-sha': preview.headSha,
        });

        const pods = await list(
          'previews',
          `/api/v1/namespaces/${preview.namespace}/pods?${forService(svc)}`,
        );
        expect(pods.length).toBeGreaterThan(0);
        for (const pod of pods) {
          expect(digestOf(pod, svc)).toBe(preview.digest);
        }
        const ingresses = await list(
          'previews',
          `/apis/networking.k8s.io/v1/namespaces/${preview.namespace}/ingresses`,
        );
        expect(ingresses).toHaveLength(1);
        const host = ingresses[0].spec.rules[0].host;
        expect(ingresses[0].spec.tls[0].hosts).toContain(host);
        expect(preview.url).toBe(`https://${host}`);
        const link =
          ingresses[0].metadata.annotations?.[
            'link.argocd.argoproj.io/external-link'
          ];
        expect(link ?? preview.url).toBe(preview.url);
        const app = apps.find(a => a.metadata.name === preview.application);
        expect(app.spec.destination.namespace).toBe(preview.namespace);
        expect(app.spec.source.targetRevision).toBe(preview.headSha);
      }
    });
  });

  it('uses both runtime styles of imageID', async () => {
    const all = [
      ...(await list('dev', '/api/v1/pods')),
      ...(await list('prod', '/api/v1/pods')),
    ];
    const ids = all.flatMap(p =>
      p.status.containerStatuses.map((c: any) => c.imageID as string),
    );
    expect(ids.some(i => i.startsWith('docker-pullable://ghcr.io/acme/'))).toBe(
      true,
    );
    expect(ids.some(i => i.startsWith('ghcr.io/acme/'))).toBe(true);
    for (const id of ids) {
      expect(id).toMatch(
        /^(docker-pullable:\/\/)?[a-z0-9./-]+@sha256:[0-9a-f]{64}$/,
      );
    }
  });

  it('tells the payments canary story in the Rollout status', async () => {
    const [rollout] = await list(
      'prod',
      `/apis/argoproj.io/v1alpha1/namespaces/payments/rollouts`,
    );
    const want = expected.payments.prod.rollout;
    expect(rollout.spec.strategy.canary.steps).toHaveLength(want.steps);
    expect(rollout.status).toMatchObject({
      phase: want.phase,
      currentStepIndex: want.currentStepIndex,
      observedGeneration: String(rollout.metadata.generation),
      canary: { weights: { canary: { weight: 20 }, stable: { weight: 80 } } },
    });
    const runs = await list(
      'prod',
      `/apis/argoproj.io/v1alpha1/namespaces/payments/analysisruns`,
    );
    // The run of the current revision; an older canary's failed run stays too.
    const run = runs.find(
      (r: any) => r.metadata.name === want.analysisRuns[0].name,
    );
    expect(run.status.phase).toBe('Running');
    expect(run.metadata.labels['rollouts-pod-template-hash']).toBe(
      rollout.status.currentPodHash,
    );
    expect(run.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Rollout',
      name: 'payments',
      uid: rollout.metadata.uid,
    });
    expect(run.status.metricResults.map((m: any) => m.name)).toEqual([
      'success-rate',
      'latency-p99',
    ]);

    // The failed analysis of revision 10: its reason and measured values.
    const failedKey = want.analysisRuns[1];
    const failed = runs.find((r: any) => r.metadata.name === failedKey.name);
    expect(failed.status).toMatchObject({
      phase: 'Failed',
      message: failedKey.message,
    });
    expect(failed.metadata.annotations['rollout.argoproj.io/revision']).toBe(
      String(failedKey.revision),
    );
    expect(
      failed.status.metricResults[0].measurements.map((m: any) => m.value),
    ).toEqual(failedKey.metrics[0].values);
    expect(failed.metadata.ownerReferences[0].uid).toBe(rollout.metadata.uid);
  });
});
