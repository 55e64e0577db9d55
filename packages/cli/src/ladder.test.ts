import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import { parse } from 'yaml';
import {
  createClusterReader,
  createLadderService,
  readLadderConfig,
  type LadderConfig,
} from '@environment-ladder/plugin-environment-ladder-backend';
import { EXAMPLES, inspectJson, REPO_ROOT, runInspect } from './testUtils';

/*
 * The oracle: the backend's own code path. The demo's fixture clusters (a
 * read-only Kubernetes API over the same YAML files) are read with the
 * production ClusterReader (only the Kubernetes plugin's proxy hop is left
 * out) and the ladder built by createLadderService. `inspect` over the files
 * must print exactly that ladder.
 */
const NOW = '2025-06-02T12:00:00.000Z';
const TOKEN = 'fixture-token';
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'];
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const appConfig = () => {
  const data = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
  );
  // Signature checks are not part of what inspect prints (it reads no registry).
  delete data.environmentLadder.signatures;
  return readLadderConfig(new ConfigReader(data));
};

const component = (
  name: string,
  annotations: Record<string, string> = { 'backstage.io/kubernetes-id': name },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
});

const silent: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silent,
};

let fixtures: FixtureClusters;
let tmp: string;

beforeAll(async () => {
  fixtures = await startFixtureClusters({
    clusters: CLUSTERS.map(name => ({
      name,
      port: 0,
      dir: path.join(EXAMPLES, name),
      token: TOKEN,
    })),
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'environment-ladder-ladder-'));
});

afterAll(async () => {
  await fixtures?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The ladder the API returns when each configured cluster is the fixture cluster `serve(cluster)` names. */
async function apiLadder(
  config: LadderConfig,
  entity: Entity,
  serve: (cluster: string) => string,
): Promise<Ladder> {
  const baseUrl = 'http://backstage.test/api/kubernetes';
  const url = (name: string) =>
    fixtures.clusters.find(c => c.name === name)!.url;
  const clusterReader = createClusterReader({
    discovery: {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    } as DiscoveryService,
    auth: {
      getOwnServiceCredentials: async () => ({}),
      getPluginRequestToken: async () => ({ token: TOKEN }),
    } as unknown as AuthService,
    // What the Kubernetes plugin's proxy does: forward to the cluster the header names.
    fetch: (async (input: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const cluster = headers['Backstage-Kubernetes-Cluster'];
      const target = input.replace(`${baseUrl}/proxy`, url(serve(cluster)));
      return fetch(target, init);
    }) as typeof fetch,
  });
  const ladder = await createLadderService({
    config,
    clusterReader,
    logger: silent,
    now: () => new Date(NOW),
  }).getLadder(entity);
  return JSON.parse(JSON.stringify(ladder));
}

const sorted = (values: string[]) => [...values].sort();

describe('inspect --config --entity', () => {
  it('prints the API ladder when all files are one cluster that every rung reads', async () => {
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      'component:default/payments',
      '--now',
      NOW,
      'examples/clusters/prod',
    ]);
    expect(output).toEqual(
      await apiLadder(appConfig(), component('payments'), () => 'prod'),
    );
    // Honest about what one dump means: every observed rung sees prod.
    expect(
      output.rungs.map((r: any) => [r.name, r.observed, r.kind ?? null]),
    ).toEqual([
      ['local', false, null],
      ['dev', true, null],
      ['preview', true, 'preview'],
      ['staging', true, null],
      ['prod', true, null],
    ]);
    for (const rung of output.rungs.slice(1)) {
      if (rung.kind === 'preview') continue;
      expect(sorted(rung.digests)).toEqual(
        sorted(expected.payments.prod.digests),
      );
      expect(rung.rollouts[0]).toMatchObject({
        cluster: rung.name,
        step: '3/8',
        setWeight: 20,
      });
    }
    // The preview rung reads prod too, and prod holds no preview of payments.
    expect(output.rungs[2]).toMatchObject({
      error: null,
      digest: null,
      digests: [],
      previews: [],
      rollouts: [expect.objectContaining({ cluster: 'previews', step: '3/8' })],
    });
  });

  it.each(['checkout', 'payments', 'inventory'])(
    'prints the API ladder of %s with one folder per cluster (--cluster)',
    async name => {
      const output = await inspectJson([
        '--config',
        'app-config.yaml',
        '--entity',
        name,
        '--now',
        NOW,
        '--cluster',
        'dev=examples/clusters/dev',
        '--cluster',
        'staging=examples/clusters/staging',
        '--cluster=prod=examples/clusters/prod',
        '--cluster',
        'previews=examples/clusters/previews',
      ]);
      expect(output).toEqual(
        await apiLadder(appConfig(), component(name), cluster => cluster),
      );
      expect(output.entityRef).toBe(`component:default/${name}`);
      expect(output.rungs.map((r: any) => r.name)).toEqual([
        'local',
        'dev',
        'preview',
        'staging',
        'prod',
      ]);
      for (const rung of output.rungs.slice(1)) {
        expect(rung.error).toBeNull();
        if (rung.kind === 'preview') continue;
        expect(sorted(rung.digests)).toEqual(
          sorted(expected[name][rung.name].digests),
        );
      }

      // The preview rung: the previews of the answer key, newest first, from
      // the namespaces, Applications and ApplicationSets the files hold.
      const preview = output.rungs[2];
      const wantPreviews = expected[name].previews;
      expect(preview).toMatchObject({ kind: 'preview', digest: null });
      expect(preview.digests).toEqual(wantPreviews.map((p: any) => p.digest));
      expect(preview.previews).toHaveLength(wantPreviews.length);
      for (const [index, want] of wantPreviews.entries()) {
        expect(preview.previews[index]).toMatchObject({
          cluster: want.cluster,
          namespace: want.namespace,
          applicationName: want.application,
          prNumber: want.prNumber,
          branch: want.branch,
          headSha: want.headSha,
          digest: want.digest,
          health: 'Healthy',
          prState: 'unknown',
        });
        expect(preview.previews[index].urls).toContain(`${want.url}/`);
        expect(preview.previews[index].flags.map((f: any) => f.rule)).toEqual(
          want.listedByApplicationSet ? [] : ['preview-outlived-pr'],
        );
      }
      expect(
        preview.violations.map((v: any) => [v.rule, v.rung, v.severity]),
      ).toEqual(
        wantPreviews
          .filter((p: any) => !p.listedByApplicationSet)
          .map(() => ['preview-outlived-pr', 'preview', 'warning']),
      );
    },
  );

  it('finds the previews of several services with one label selector, as a cluster lists them', async () => {
    const selector = 'backstage.io/kubernetes-id in (checkout, inventory)';
    const entityFile = path.join(tmp, 'shop-previews.yaml');
    fs.writeFileSync(
      entityFile,
      `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations:
    backstage.io/kubernetes-label-selector: '${selector}'
    backstage.io/kubernetes-namespace: checkout
`,
    );
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      entityFile,
      '--now',
      NOW,
      '--cluster',
      'previews=examples/clusters/previews',
      'examples/clusters/staging',
    ]);
    expect(output).toEqual(
      await apiLadder(
        appConfig(),
        component('shop', {
          'backstage.io/kubernetes-label-selector': selector,
          'backstage.io/kubernetes-namespace': 'checkout',
        }),
        cluster => (cluster === 'previews' ? 'previews' : 'staging'),
      ),
    );
    // The entity's namespace is ignored on the preview rung: previews live in
    // namespaces of their own, found through both services' ApplicationSets.
    const preview = output.rungs.find((r: any) => r.name === 'preview');
    expect(preview.previews.map((p: any) => p.prNumber)).toEqual([112, 41, 38]);
    expect(preview.digests).toEqual(
      [...expected.checkout.previews, ...expected.inventory.previews].map(
        (p: any) => p.digest,
      ),
    );
    // The other rungs keep to the entity's namespace.
    expect(
      output.rungs
        .find((r: any) => r.name === 'staging')
        .workloads.map((w: any) => `${w.namespace}/${w.name}`),
    ).toEqual(['checkout/checkout']);
  });

  it("filters by each rung's namespaces, as a cluster lists them", async () => {
    const configFile = path.join(tmp, 'namespaces.yaml');
    fs.writeFileSync(
      configFile,
      `environmentLadder:
  rungs:
    - name: pr-38
      clusters: [previews]
      namespaces: [inventory-fix-stock-race-38]
    - name: pr-41
      clusters: [previews]
      namespaces: ['\${PR_41_NAMESPACE}']
    - name: all
      clusters: [previews]
`,
    );
    const output = await inspectJson(
      [
        '--config',
        configFile,
        '--entity',
        'inventory',
        '--now',
        NOW,
        'examples/clusters/previews',
      ],
      { env: { PR_41_NAMESPACE: 'inventory-feature-bulk-import-41' } },
    );
    const config = readLadderConfig(
      new ConfigReader({
        environmentLadder: {
          rungs: [
            {
              name: 'pr-38',
              clusters: ['previews'],
              namespaces: ['inventory-fix-stock-race-38'],
            },
            {
              name: 'pr-41',
              clusters: ['previews'],
              namespaces: ['inventory-feature-bulk-import-41'],
            },
            { name: 'all', clusters: ['previews'] },
          ],
        },
      }),
    );
    expect(output).toEqual(
      await apiLadder(config, component('inventory'), () => 'previews'),
    );
    const digests = Object.fromEntries(
      output.rungs.map((r: any) => [r.name, sorted(r.digests)]),
    );
    const previews = Object.fromEntries(
      expected.inventory.previews.map((p: any) => [p.prNumber, p.digest]),
    );
    expect(digests).toEqual({
      'pr-38': [previews[38]],
      'pr-41': [previews[41]],
      all: sorted([previews[38], previews[41]]),
    });
  });

  it('reads the entity from a catalog file, with its label-selector and namespace annotations', async () => {
    const selector =
      'backstage.io/kubernetes-id in (payments, checkout),app.kubernetes.io/name!=nothing,!not-a-label';
    const entityFile = path.join(tmp, 'entities.yaml');
    fs.writeFileSync(
      entityFile,
      `apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop-frontends
  annotations:
    backstage.io/kubernetes-label-selector: '${selector}'
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-only
  annotations:
    backstage.io/kubernetes-label-selector: '${selector}'
    backstage.io/kubernetes-namespace: payments
`,
    );
    const args = (entity: string) => [
      '--config',
      'app-config.yaml',
      '--entity',
      entity,
      '--now',
      NOW,
      'examples/clusters/staging',
    ];
    const both = await inspectJson(args(`${entityFile}#shop-frontends`));
    expect(both).toEqual(
      await apiLadder(
        appConfig(),
        component('shop-frontends', {
          'backstage.io/kubernetes-label-selector': selector,
        }),
        () => 'staging',
      ),
    );
    expect(both.entityRef).toBe('component:default/shop-frontends');
    expect(both.rungs[1].workloads.map((w: any) => w.name)).toEqual([
      'checkout',
      'payments',
    ]);

    const one = await inspectJson(
      args(`${entityFile}#component:default/payments-only`),
    );
    expect(one).toEqual(
      await apiLadder(
        appConfig(),
        component('payments-only', {
          'backstage.io/kubernetes-label-selector': selector,
          'backstage.io/kubernetes-namespace': 'payments',
        }),
        () => 'staging',
      ),
    );
    expect(one.rungs[1].workloads.map((w: any) => w.name)).toEqual([
      'payments',
    ]);

    const ambiguous = await runInspect(args(entityFile));
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(
      /holds several entities .*component:default\/shop-frontends, component:default\/payments-only.*pick one with --entity .*#NAME/,
    );
    const missing = await runInspect(args(`${entityFile}#nope`));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/#nope: no such entity in the file/);
  });

  it('takes the only Component of a catalog file, and says what an entity without annotations lacks', async () => {
    const file = path.join(tmp, 'docs.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: shop}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: storefront-docs}\n',
    );
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      file,
      '--now',
      NOW,
      'examples/clusters/prod',
    ]);
    expect(output).toEqual(
      await apiLadder(
        appConfig(),
        component('storefront-docs', {}),
        () => 'prod',
      ),
    );
    expect(output.notSetUp).toMatch(
      /Add the annotation backstage.io\/kubernetes-id/,
    );
  });

  it('reads the demo catalog file with #name', async () => {
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      'examples/entities.yaml#checkout',
      '--now',
      NOW,
      '--cluster',
      'prod=examples/clusters/prod',
      'examples/clusters/staging',
    ]);
    // dev and previews have no folder of their own: they read the shared one (staging).
    expect(output).toEqual(
      await apiLadder(appConfig(), component('checkout'), cluster =>
        cluster === 'prod' ? 'prod' : 'staging',
      ),
    );
  });

  it('fails only the rungs whose clusters got no objects, as a failing cluster does', async () => {
    const result = await runInspect([
      '--config',
      'app-config.yaml',
      '--entity',
      'payments',
      '--now',
      NOW,
      '--cluster',
      'prod=examples/clusters/prod',
    ]);
    expect(result.code).toBe(0);
    const ladder = JSON.parse(result.stdout);
    expect(ladder.rungs.map((r: any) => r.error)).toEqual([
      null,
      {
        cluster: 'dev',
        message:
          "cluster 'dev' has no objects: no paths were given for it (--cluster dev=PATH)",
      },
      {
        cluster: 'previews',
        message:
          "cluster 'previews' has no objects: no paths were given for it (--cluster previews=PATH)",
      },
      {
        cluster: 'staging',
        message:
          "cluster 'staging' has no objects: no paths were given for it (--cluster staging=PATH)",
      },
      null,
    ]);
    const prod = ladder.rungs.find((r: any) => r.name === 'prod');
    expect(prod.digests).toHaveLength(2);
    expect(result.stderr).toMatch(/warning: Could not read a rung rung="dev"/);
    expect(result.stderr).toMatch(
      /warning: Could not read a rung rung="preview" cluster="previews"/,
    );
  });

  it('uses the real time without --now', async () => {
    const before = Date.now();
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      'payments',
      'examples/clusters/prod',
    ]);
    const generated = Date.parse(output.generatedAt);
    expect(generated).toBeGreaterThanOrEqual(before - 1000);
    expect(generated).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('reports an invalid config with its key, exit 1', async () => {
    const configFile = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(
      configFile,
      'environmentLadder:\n  rungs:\n    - name: Prod\n      clusters: [prod]\n',
    );
    const result = await runInspect([
      '--config',
      configFile,
      '--entity',
      'payments',
      'examples/clusters/prod',
    ]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `environment-ladder inspect: ${configFile}: Invalid config value at 'environmentLadder.rungs[0].name': 'Prod' must be lowercase letters, digits and dashes, starting with a letter\n`,
    });
  });

  it('names a missing --cluster path, exit 2', async () => {
    const result = await runInspect([
      '--config',
      'app-config.yaml',
      '--entity',
      'payments',
      '--cluster',
      'prod=dumps/prod',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^environment-ladder inspect: --cluster prod=dumps\/prod: no such file or folder/,
    );
  });

  it('refuses a --cluster that no rung reads, exit 2', async () => {
    const result = await runInspect([
      '--config',
      'app-config.yaml',
      '--entity',
      'payments',
      '--cluster',
      'prd=examples/clusters/prod',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--cluster prd=…: no rung reads a cluster named 'prd' \(rungs read: dev, previews, staging, prod\)/,
    );
  });

  it('gives every observed rung an error for a selector a cluster would refuse', async () => {
    const file = path.join(tmp, 'bad-selector.yaml');
    fs.writeFileSync(
      file,
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: odd\n  annotations:\n    backstage.io/kubernetes-label-selector: 'app payments'\n",
    );
    const output = await inspectJson([
      '--config',
      'app-config.yaml',
      '--entity',
      file,
      '--now',
      NOW,
      'examples/clusters/prod',
    ]);
    expect(output.rungs.slice(1).map((r: any) => r.error)).toEqual(
      ['dev', 'previews', 'staging', 'prod'].map(cluster => ({
        cluster,
        message: expect.stringContaining(
          `cluster '${cluster}' refused the label selector 'app payments'`,
        ),
      })),
    );
  });
});
