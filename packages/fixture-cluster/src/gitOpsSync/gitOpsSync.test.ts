import fs from 'node:fs';
import path from 'node:path';
import {
  startFixtureGitHub,
  type FixtureGitHub,
} from '@environment-ladder/fixture-github';
import { startFixtureClusters } from '../startFixtureClusters';
import { FixtureClusters } from '../types';

/**
 * The GitOps sync end to end: fixture-github serving examples/gitops, the demo's
 * clusters following it; a pull request that changes staging's checkout digest is
 * merged at the stand-in, and staging's checkout rolls to it, as the Kubernetes API
 * (lists and a watch) reports.
 */
jest.setTimeout(30_000);

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'clusters/expected.json'), 'utf8'),
);
const C1: string = expected.checkout.staging.digests[0];
const C2: string = expected.checkout.dev.digests[0];
const STAGING_FILE = 'apps/checkout/overlays/staging/kustomization.yaml';
const TOKEN = 'gitops-sync-test-token';

let github: FixtureGitHub;
let fixtures: FixtureClusters;
const logs: string[] = [];

beforeAll(async () => {
  github = await startFixtureGitHub({
    port: 0,
    repositoriesDir: path.join(EXAMPLES, 'gitops'),
    token: TOKEN,
  });
  fixtures = await startFixtureClusters({
    clusters: ['dev', 'staging', 'prod'].map(name => ({
      name,
      port: 0,
      dir: path.join(EXAMPLES, 'clusters', name),
    })),
    gitops: {
      repository: github.repositoryUrl('acme/gitops'),
      token: TOKEN,
      baseBranch: 'main',
      clusters: { dev: 'dev', staging: 'staging', prod: 'prod' },
      speed: 40,
      log: line => logs.push(line),
    },
  });
});

afterAll(async () => {
  await fixtures?.close();
  await github?.close();
});

const clusterUrl = (name: string) =>
  fixtures.clusters.find(c => c.name === name)!.url;

async function list(cluster: string, apiPath: string) {
  const response = await fetch(
    `${clusterUrl(
      cluster,
    )}${apiPath}?labelSelector=backstage.io/kubernetes-id%3Dcheckout`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { items: any[]; metadata: any };
}

async function gitHub(method: string, apiPath: string, body?: unknown) {
  const response = await fetch(`${github.apiBaseUrl}${apiPath}`, {
    method,
    headers: {
      Authorization: `token ${TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

it('changes nothing at start: the first pins it reads are what the clusters serve', async () => {
  const before = {
    staging: await list('staging', '/api/v1/pods'),
    prod: await list('prod', '/apis/argoproj.io/v1alpha1/rollouts'),
  };
  await fixtures.gitops!.poll();
  await fixtures.gitops!.poll();
  expect(fixtures.gitops!.syncs()).toEqual([]);
  expect(fixtures.gitops!.seenPins()).toMatchObject({
    [`staging ${STAGING_FILE} ghcr.io/acme/checkout`]: C1,
    // inventory's dev overlay names a tag: remembered as such, never synced.
    'dev apps/inventory/overlays/dev/kustomization.yaml ghcr.io/acme/inventory':
      'tag:latest',
  });
  expect((await list('staging', '/api/v1/pods')).items).toEqual(
    before.staging.items,
  );
  expect(
    (await list('prod', '/apis/argoproj.io/v1alpha1/rollouts')).items,
  ).toEqual(before.prod.items);
});

it("rolls staging's checkout to the digest a merged pull request pins: new pods on it, the old ReplicaSet at 0, seen by a watch", async () => {
  const pods = await list('staging', '/api/v1/pods');
  const stopWatch = new AbortController();
  const watch = await fetch(
    `${clusterUrl(
      'staging',
    )}/api/v1/namespaces/checkout/pods?watch=true&resourceVersion=${
      pods.metadata.resourceVersion
    }`,
    { signal: stopWatch.signal },
  );
  const events: any[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of watch.body as any) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          events.push(JSON.parse(buffer.slice(0, newline)));
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
        }
      }
    } catch {
      // closed at the end of the test
    }
  })();

  // A promotion's pull request, as the backend opens it: a branch, one commit, a PR.
  const main = await gitHub('GET', '/repos/acme/gitops/git/ref/heads/main');
  expect(
    (
      await gitHub('POST', '/repos/acme/gitops/git/refs', {
        ref: 'refs/heads/promote-checkout-staging',
        sha: main.body.object.sha,
      })
    ).status,
  ).toBe(201);
  const file = await gitHub(
    'GET',
    `/repos/acme/gitops/contents/${STAGING_FILE}?ref=promote-checkout-staging`,
  );
  const text = Buffer.from(file.body.content, 'base64').toString('utf8');
  expect(text).toContain(`digest: ${C1}`);
  const commit = await gitHub(
    'PUT',
    `/repos/acme/gitops/contents/${STAGING_FILE}`,
    {
      message: 'Promote checkout to staging',
      content: Buffer.from(text.replace(C1, C2)).toString('base64'),
      sha: file.body.sha,
      branch: 'promote-checkout-staging',
    },
  );
  expect(commit.status).toBe(200);
  const pull = await gitHub('POST', '/repos/acme/gitops/pulls', {
    title: 'Promote checkout to staging',
    head: 'promote-checkout-staging',
    base: 'main',
  });
  expect(pull.status).toBe(201);

  // An open pull request changes nothing in the cluster.
  await fixtures.gitops!.poll();
  expect(fixtures.gitops!.syncs()).toEqual([]);

  // Merged at the stand-in, as a person would from its page.
  const merged = await fetch(
    `${github.url}/_fixture/pulls/acme/gitops/${pull.body.number}/merge`,
    { method: 'POST' },
  );
  expect(merged.status).toBe(200);

  await until(() =>
    fixtures.gitops!.syncs().some(s => s.cluster === 'staging'),
  );
  expect(fixtures.gitops!.syncs()).toEqual([
    expect.objectContaining({
      cluster: 'staging',
      workload: 'Deployment checkout/checkout',
      digest: C2,
      revision: 6,
      outcome: 'complete',
    }),
  ]);
  await fixtures.gitops!.whenIdle();
  expect(fixtures.gitops!.syncs()[0].state).toBe('done');

  const after = await list('staging', '/api/v1/pods');
  expect(after.items).toHaveLength(3);
  for (const pod of after.items) {
    const status = pod.status.containerStatuses.find(
      (s: any) => s.name === 'checkout',
    );
    expect(status.imageID).toBe(`ghcr.io/acme/checkout@${C2}`);
    expect(pod.status.phase).toBe('Running');
  }
  const replicaSets = (await list('staging', '/apis/apps/v1/replicasets'))
    .items;
  expect(
    replicaSets.find(rs => rs.metadata.name === 'checkout-5t4pphrjc9').spec
      .replicas,
  ).toBe(0);
  const newRs = replicaSets.find(
    rs => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '6',
  );
  expect(newRs.spec.replicas).toBe(3);
  expect(newRs.spec.template.spec.containers[0].image).toBe(
    `ghcr.io/acme/checkout@${C2}`,
  );
  const [deployment] = (await list('staging', '/apis/apps/v1/deployments'))
    .items;
  expect(deployment.status).toMatchObject({
    observedGeneration: 6,
    updatedReplicas: 3,
    availableReplicas: 3,
  });

  // The watch saw the pods come and go.
  await until(() => events.filter(e => e.type === 'DELETED').length >= 3, 5000);
  expect(events.filter(e => e.type === 'ADDED')).toHaveLength(3);
  expect(events.filter(e => e.type === 'DELETED')).toHaveLength(3);

  // Other rungs did not move: dev and prod still run what they ran.
  expect(fixtures.gitops!.syncs()).toHaveLength(1);
  const prodRollout = (
    await list('prod', '/apis/argoproj.io/v1alpha1/rollouts')
  ).items[0];
  expect(prodRollout.status.phase).toBe('Healthy');
  expect(prodRollout.metadata.annotations['rollout.argoproj.io/revision']).toBe(
    '6',
  );
  expect(logs).toContainEqual(
    expect.stringMatching(
      /^gitops: staging: Deployment checkout\/checkout syncs to sha256:867d848fca6f…, revision 6/,
    ),
  );
  stopWatch.abort();
  await reading;
});

it('refuses a gitops section naming an unknown cluster, before any port opens', async () => {
  await expect(
    startFixtureClusters({
      clusters: [{ name: 'dev', port: 0, objects: [] }],
      gitops: {
        repository: github.repositoryUrl('acme/gitops'),
        clusters: { staging: 'staging' },
      },
    }),
  ).rejects.toThrow(
    "gitops.clusters.staging: no cluster named 'staging' (known: dev)",
  );
  await expect(
    startFixtureClusters({
      clusters: [{ name: 'dev', port: 0, objects: [] }],
      gitops: {
        repository: github.repositoryUrl('acme/gitops'),
        clusters: { dev: 'dev' },
        failingDigests: ['sha256:abc'],
      },
    }),
  ).rejects.toThrow(
    'gitops.failingDigests[0] must be sha256:<64 lowercase hex>',
  );
});
