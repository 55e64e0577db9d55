import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ARGO_CD_ROLLOUTS,
  EXAMPLES,
  inspectJson,
  PACKAGE_DIR,
  REPO_ROOT,
  runInspect,
} from './testUtils';

const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'environment-ladder-inspect-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

describe('inspect without --config', () => {
  it('reads a canary Rollout in the middle of its steps (Argo CD fixture)', async () => {
    const output = await inspectJson([
      path.join(ARGO_CD_ROLLOUTS, 'canary/progressing_setWeightStep.yaml'),
    ]);
    expect(output).toEqual({
      rollouts: [
        {
          namespace: 'default',
          name: 'example-rollout-canary',
          strategy: 'Canary',
          // The CLI's Status and Message; the explanation is ours.
          phase: 'Progressing',
          message: 'more replicas need to be updated',
          explanation: '2 of 5 replicas run the new version so far.',
          step: '3/4',
          setWeight: 40,
          // Without traffic routing: the canary ReplicaSet's available pods over the
          // rollout's; none is in the file, so 0, as the CLI would print.
          actualWeight: 0,
          replicas: {
            desired: 5,
            current: 5,
            updated: 2,
            ready: 5,
            available: 5,
          },
          images: [],
          cliImages: [],
          analysisRuns: [],
        },
      ],
      workloads: [
        {
          kind: 'Rollout',
          namespace: 'default',
          name: 'example-rollout-canary',
          specImages: ['quay.io/argoprojlabs/argocd-e2e-container:0.2'],
          replicas: {
            desired: 5,
            current: 5,
            updated: 2,
            ready: 5,
            available: 5,
          },
          revision: 2,
          running: [],
        },
      ],
      ingresses: [],
      previews: [],
    });
  });

  it('reads a blue-green Rollout serving its active service (Argo CD fixture)', async () => {
    const output = await inspectJson([
      path.join(
        ARGO_CD_ROLLOUTS,
        'bluegreen/healthy_servingActiveService.yaml',
      ),
    ]);
    expect(output).toEqual({
      rollouts: [
        {
          namespace: 'default',
          name: 'ks-guestbook-ui',
          strategy: 'BlueGreen',
          phase: 'Healthy',
          message: '',
          explanation: null,
          step: null,
          setWeight: null,
          actualWeight: null,
          replicas: {
            desired: 1,
            current: 1,
            updated: 1,
            ready: 1,
            available: 1,
          },
          images: [],
          cliImages: [],
          analysisRuns: [],
        },
      ],
      workloads: [
        {
          kind: 'Rollout',
          namespace: 'default',
          name: 'ks-guestbook-ui',
          specImages: ['quay.io/argoprojlabs/argocd-e2e-container:0.2'],
          replicas: {
            desired: 1,
            current: 1,
            updated: 1,
            ready: 1,
            available: 1,
          },
          revision: 1,
          running: [],
        },
      ],
      ingresses: [],
      previews: [],
    });
  });

  it('reads every Argo CD Rollout fixture of a folder, sorted by namespace and name', async () => {
    const result = await runInspect([ARGO_CD_ROLLOUTS]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    const names = output.rollouts.map((r: any) => `${r.namespace}/${r.name}`);
    expect(names).toEqual([...names].sort());
    // Several fixtures are versions of the same Rollout: in one cluster there
    // is one object per namespace and name, the first file's, and stderr says so.
    expect(new Set(names).size).toBe(names.length);
    expect(result.stderr).toContain(
      `environment-ladder inspect: warning: ignoring Rollout default/ks-guestbook-ui of ${path.join(
        ARGO_CD_ROLLOUTS,
        'bluegreen/progressing_addingMoreReplicas.yaml',
      )}: ${path.join(
        ARGO_CD_ROLLOUTS,
        'bluegreen/healthy_servingActiveService.yaml',
      )} has the same kind, namespace and name\n`,
    );
    expect(names).toContain('default/example-rollout-canary');
    expect(names).toContain('default/ks-guestbook-ui');
    for (const rollout of output.rollouts) {
      expect(Object.keys(rollout)).toEqual([
        'namespace',
        'name',
        'strategy',
        'phase',
        'message',
        'explanation',
        'step',
        'setWeight',
        'actualWeight',
        'replicas',
        'images',
        'cliImages',
        'analysisRuns',
      ]);
    }
  });

  it('reads a folder as one cluster: prod mid-canary, with the digests of expected.json', async () => {
    const output = await inspectJson(['examples/clusters/prod']);
    const payments = output.rollouts.find((r: any) => r.name === 'payments');
    const want = expected.payments.prod;
    expect(payments).toEqual({
      namespace: 'payments',
      name: 'payments',
      strategy: 'Canary',
      phase: 'Paused',
      message: 'CanaryPauseStep',
      explanation:
        'Paused at step 3/8 by a timed pause (10m); it goes on by itself.',
      step: '3/8',
      setWeight: 20,
      actualWeight: 20,
      replicas: {
        desired: 10,
        current: 10,
        updated: 2,
        ready: 10,
        available: 10,
      },
      images: [
        {
          image: want.specImage,
          digests: [want.rollout.currentDigest],
          roles: ['canary'],
        },
        {
          image: `ghcr.io/acme/payments@${want.rollout.stableDigest}`,
          digests: [want.rollout.stableDigest],
          roles: ['stable'],
        },
      ],
      // The CLI sorts its images by name: here the stable digest (5a3b…) first.
      cliImages: [
        {
          image: `ghcr.io/acme/payments@${want.rollout.stableDigest}`,
          tags: ['stable'],
        },
        { image: want.specImage, tags: ['canary'] },
      ],
      analysisRuns: [
        {
          name: 'payments-vjvdslfsfq-12',
          phase: 'Running',
          revision: 12,
          failureReason: null,
          metrics: [
            {
              name: 'success-rate',
              phase: 'Running',
              failureReason: null,
              values: ['0.998', '0.997', '0.997'],
            },
            {
              name: 'latency-p99',
              phase: 'Running',
              failureReason: null,
              values: ['0.287', '0.301', null],
            },
          ],
        },
        // The earlier canary's failed analysis: why, and the values measured.
        {
          name: want.rollout.analysisRuns[1].name,
          phase: 'Failed',
          revision: 10,
          failureReason: want.rollout.analysisRuns[1].message,
          metrics: [
            {
              name: 'success-rate',
              phase: 'Failed',
              failureReason: 'failed (3) > failureLimit (2)',
              values: want.rollout.analysisRuns[1].metrics[0].values,
            },
          ],
        },
      ],
    });

    // Every service's workload runs the digests, and pods per digest, of the answer key.
    for (const service of ['checkout', 'payments', 'inventory']) {
      const key = expected[service].prod;
      const workload = output.workloads.find(
        (w: any) =>
          w.namespace === key.namespace && w.name === key.workload.name,
      );
      expect(workload.kind).toBe(key.workload.kind);
      expect(workload.specImages).toEqual([key.specImage]);
      const podsByDigest = Object.fromEntries(
        workload.running.map((r: any) => [r.digest, r.pods]),
      );
      expect(podsByDigest).toEqual(key.podsByDigest);
      expect(
        output.ingresses.find((i: any) => i.name === key.namespace).urls,
      ).toEqual([`${key.url}/`]);
    }
    // coredns belongs to no service, but a folder is a whole cluster.
    expect(
      output.workloads.map((w: any) => `${w.namespace}/${w.name}`),
    ).toEqual([
      'checkout/checkout',
      'inventory/inventory',
      'kube-system/coredns',
      'payments/payments',
    ]);
    expect(output.ingresses).toEqual([
      {
        namespace: 'checkout',
        name: 'checkout',
        urls: ['https://checkout.bitvault.io/'],
      },
      {
        namespace: 'inventory',
        name: 'inventory',
        urls: ['https://inventory.bitvault.io/'],
      },
      {
        namespace: 'payments',
        name: 'payments',
        urls: ['https://payments.bitvault.io/'],
      },
      {
        namespace: 'payments',
        name: 'payments-payments-canary',
        urls: ['https://payments.bitvault.io/'],
      },
    ]);
    // prod holds no ApplicationSet, Application or preview namespace.
    expect(output.previews).toEqual([]);
  });

  it('lists the previews of a folder, found from its ApplicationSets without config', async () => {
    const output = await inspectJson(['examples/clusters/previews']);
    // Newest first, as the preview rung lists them: #112 (checkout), #41, #38 (inventory).
    const want = [
      ...expected.checkout.previews,
      ...expected.inventory.previews,
    ];
    expect(output.previews.map((p: any) => p.prNumber)).toEqual([112, 41, 38]);
    expect(output.previews).toEqual(
      want.map((p: any) => ({
        namespace: p.namespace,
        applicationName: p.application,
        prNumber: p.prNumber,
        branch: p.branch,
        branchSlug: expect.any(String),
        headSha: p.headSha,
        // From the pull-request generator's GitHub repository.
        prUrl: `https://github.com/acme/${p.namespace.split('-')[0]}/pull/${
          p.prNumber
        }`,
        // Nothing asks GitHub: the state is unknown, the ApplicationSet tells.
        prState: 'unknown',
        title: null,
        digest: p.digest,
        health: 'Healthy',
        createdAt: expect.any(String),
        // Argo CD's URLs: checkout's link annotation, then the rule's host and path.
        urls: p.prNumber === 112 ? [p.url, `${p.url}/`] : [`${p.url}/`],
        flags: p.listedByApplicationSet
          ? []
          : [
              {
                rule: 'preview-outlived-pr',
                message:
                  'Application inventory-fix-stock-race-38 names ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it in status.resources: it no longer generates it for an open pull request, yet the Application is still there.',
              },
            ],
      })),
    );
    expect(output.previews.map((p: any) => p.branchSlug)).toEqual([
      'add-apple-pay',
      'feature-bulk-import',
      'fix-stock-race',
    ]);
    // The earliest creation of the Application, the namespace and the workloads.
    expect(output.previews.map((p: any) => p.createdAt)).toEqual([
      '2025-05-30T14:28:45Z',
      '2025-05-29T08:17:08Z',
      '2025-05-12T10:05:52Z',
    ]);
    // Each Ingress with its namespace, name and URLs, in Argo CD's order.
    expect(output.ingresses).toEqual(
      want
        .map((p: any) => ({
          namespace: p.namespace,
          name: p.namespace.split('-')[0],
          urls: p.prNumber === 112 ? [p.url, `${p.url}/`] : [`${p.url}/`],
        }))
        .sort((a: any, b: any) => a.namespace.localeCompare(b.namespace)),
    );
    // The workloads of every preview namespace run the digest of the answer key.
    for (const p of want) {
      expect(
        output.workloads.find((w: any) => w.namespace === p.namespace),
      ).toMatchObject({
        specImages: [p.specImage],
        running: [expect.objectContaining({ digest: p.digest })],
      });
    }
  });

  it('finds a preview from a namespace alone, by the default annotations', async () => {
    const file = write(
      'lone-preview.yaml',
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop-pr-7
  namespace: ignored
  creationTimestamp: "2025-06-01T10:00:00Z"
  annotations:
    preview.environment-ladder.io/pr-number: "7"
    preview.environment-ladder.io/branch: feat/cart
    preview.environment-ladder.io/head-sha: 0123456789abcdef0123456789abcdef01234567
---
apiVersion: v1
kind: Namespace
metadata: {name: unrelated}
`,
    );
    const output = await inspectJson([file]);
    expect(output.previews).toEqual([
      {
        namespace: 'shop-pr-7',
        applicationName: null,
        prNumber: 7,
        branch: 'feat/cart',
        branchSlug: 'feat-cart',
        headSha: '0123456789abcdef0123456789abcdef01234567',
        prUrl: null,
        prState: 'unknown',
        title: null,
        digest: null,
        health: 'Unknown',
        createdAt: '2025-06-01T10:00:00Z',
        urls: [],
        flags: [],
      },
    ]);
  });

  it('counts a Namespace given twice once, naming it without a namespace', async () => {
    const namespace =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-pr-7}\n';
    const first = write('namespaces/a.yaml', namespace);
    const second = write('namespaces/b.yaml', namespace);
    const result = await runInspect([first, second]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `environment-ladder inspect: warning: ignoring Namespace shop-pr-7 of ${second}: ${first} has the same kind and name\n`,
    );
  });

  it('reads a kind: List JSON file and a typed list like the same objects in YAML', async () => {
    const yamlFile = path.join(EXAMPLES, 'prod/payments.yaml');
    const list = parseAllDocuments(fs.readFileSync(yamlFile, 'utf8'))[0].toJS();
    expect(list.kind).toBe('List');
    const jsonFile = write('payments.json', JSON.stringify(list, null, 2));
    const fromYaml = await inspectJson([yamlFile]);
    const fromJson = await inspectJson([jsonFile]);
    expect(fromJson).toEqual(fromYaml);
    expect(fromJson.rollouts[0].step).toBe('3/8');

    // The same objects as typed lists, one per kind, in one JSON file each.
    const byKind = new Map<string, unknown[]>();
    for (const item of list.items) {
      byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
    }
    const typed = path.join(tmp, 'typed');
    for (const [kind, items] of byKind) {
      write(
        `typed/${kind}.json`,
        JSON.stringify({
          apiVersion: 'v1',
          kind: `${kind}List`,
          metadata: {},
          items,
        }),
      );
    }
    expect(await inspectJson([typed])).toEqual(fromYaml);
  });

  it('reads multi-document YAML, skipping empty documents', async () => {
    const dev = fs.readFileSync(
      path.join(EXAMPLES, 'dev/payments.yaml'),
      'utf8',
    );
    const documents = parseAllDocuments(dev);
    expect(documents.length).toBeGreaterThan(1);
    const file = write('multi.yaml', `---\n${dev}\n---\n# nothing\n---\n`);
    const output = await inspectJson([file]);
    expect(output.rollouts).toEqual([]);
    expect(output.workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        namespace: 'payments',
        name: 'payments',
        running: [
          expect.objectContaining({
            digest: expected.payments.dev.digests[0],
            pods: 2,
          }),
        ],
      }),
    ]);
  });

  it('treats all paths as one cluster and reads a file reached twice once', async () => {
    const both = await inspectJson([
      'examples/clusters/prod',
      'examples/clusters/prod/payments.yaml',
    ]);
    expect(both).toEqual(await inspectJson(['examples/clusters/prod']));
    const two = await inspectJson([
      'examples/clusters/dev/checkout.yaml',
      'examples/clusters/staging/payments.yaml',
    ]);
    expect(two.workloads.map((w: any) => w.name)).toEqual([
      'checkout',
      'payments',
    ]);
  });

  it('counts an object given in two files once, as a cluster holds it once', async () => {
    const list = fs.readFileSync(
      path.join(EXAMPLES, 'prod/payments.yaml'),
      'utf8',
    );
    const copy = write('copy/payments-again.yaml', list);
    const result = await runInspect([
      'examples/clusters/prod/payments.yaml',
      copy,
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(
      await inspectJson(['examples/clusters/prod/payments.yaml']),
    );
    expect(result.stderr).toMatch(
      /warning: ignoring Pod payments\/\S+ of \S+payments-again.yaml items\[\d+\]: examples\/clusters\/prod\/payments.yaml items\[\d+\] has the same kind, namespace and name/,
    );
  });

  it('prints JSON with a 2-space indent and a final newline', async () => {
    const result = await runInspect([
      path.join(
        ARGO_CD_ROLLOUTS,
        'bluegreen/healthy_servingActiveService.yaml',
      ),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`,
    );
  });
});

describe('inspect errors', () => {
  it.each([
    [
      'a YAML scalar',
      'scalar.yaml',
      'just some text\n',
      /scalar\.yaml: not a Kubernetes object: expected a mapping with apiVersion, kind and metadata, found the string "just some text"/,
    ],
    [
      'a document without kind, by its index',
      'docs.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n',
      /docs\.yaml \(document 2\): not a Kubernetes object: no kind/,
    ],
    [
      'a mapping without apiVersion and kind',
      'values.yaml',
      'replicaCount: 3\nimage: {tag: latest}\n',
      /values\.yaml: not a Kubernetes object: no apiVersion and no kind/,
    ],
    [
      'an object without metadata.name',
      'nameless.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {}\n',
      /nameless\.yaml: not a Kubernetes object: Pod without metadata.name/,
    ],
    [
      'a list item that is no object',
      'list.json',
      '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}, 42]}',
      /list\.json items\[1\]: not a Kubernetes object: .*found the number 42/,
    ],
    [
      'unparsable YAML',
      'broken.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n',
      /broken\.yaml: not valid YAML: /,
    ],
    [
      'unparsable JSON',
      'broken.json',
      '{"apiVersion": "v1", ',
      /broken\.json: not valid JSON: /,
    ],
  ])(
    'refuses %s: exit 1, the file named, nothing on stdout',
    async (_case, name, text, message) => {
      const file = write(`errors/${name}`, text);
      const result = await runInspect([file]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(message),
      });
      expect(result.stderr).toContain(file);
    },
  );

  it('names the file inside a folder as given on the command line', async () => {
    write(
      'folder/sub/ok.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n',
    );
    write('folder/sub/zz.yml', '- a\n- b\n');
    write('folder/README.md', 'not read');
    const result = await runInspect([path.join(tmp, 'folder')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `environment-ladder inspect: ${path.join(
        tmp,
        'folder/sub/zz.yml',
      )}: not a Kubernetes object: expected a mapping with apiVersion, kind and metadata, found a sequence\n`,
    );
  });

  it('refuses a folder without Kubernetes files', async () => {
    fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
    const result = await runInspect([path.join(tmp, 'empty')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/holds no \.yaml, \.yml or \.json files/);
  });

  it.each([
    [['--bogus', 'examples/clusters/prod'], /unknown option --bogus/],
    [[], /no PATH given/],
    [
      ['examples/clusters/nope'],
      /PATH examples\/clusters\/nope: no such file or folder/,
    ],
    [
      ['--config', 'app-config.yaml', 'examples/clusters/prod'],
      /--config needs --entity/,
    ],
    [
      ['--entity', 'payments', 'examples/clusters/prod'],
      /--entity needs --config/,
    ],
    [['--config', 'app-config.yaml', '--entity'], /--entity needs a value/],
    [
      ['--now', '2025-06-02T12:00:00Z', 'examples/clusters/prod'],
      /--now only applies with --config/,
    ],
    [
      ['--cluster', 'prod=examples/clusters/prod'],
      /--cluster only applies with --config/,
    ],
    [
      [
        '--config',
        'app-config.yaml',
        '--entity',
        'payments',
        '--now',
        'yesterday',
        'examples/clusters/prod',
      ],
      /--now yesterday: expected an ISO 8601 time/,
    ],
    [
      [
        '--config',
        'app-config.yaml',
        '--entity',
        'payments',
        '--cluster',
        'prod',
      ],
      /--cluster prod: expected NAME=PATH/,
    ],
    [
      [
        '--config',
        'nope.yaml',
        '--entity',
        'payments',
        'examples/clusters/prod',
      ],
      /--config nope\.yaml: no such file or folder/,
    ],
    [
      [
        '--config',
        'app-config.yaml',
        '--entity',
        'Not A Ref!',
        'examples/clusters/prod',
      ],
      /--entity Not A Ref!: neither an entity reference/,
    ],
  ])('exits 2 with usage for %j', async (args, message) => {
    const result = await runInspect(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(
      "Run 'environment-ladder inspect --help' for usage.",
    );
  });

  it('prints help on stdout and refuses unknown commands', async () => {
    const help = await runInspect(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: environment-ladder inspect/);
    const { main } = await import('./cli');
    let stderr = '';
    const io = {
      stdout: { write: () => {} },
      stderr: { write: (t: string) => (stderr += t) },
      cwd: REPO_ROOT,
      env: {},
    };
    expect(await main(['inspekt'], io)).toBe(2);
    expect(stderr).toMatch(/unknown command inspekt/);
  });
});

describe('inspect paths', () => {
  const target = 'examples/clusters/prod/payments.yaml';

  it('resolves relative paths against INIT_CWD, the folder yarn was started from', async () => {
    const fromRoot = await inspectJson([target]);
    const fromExamples = await inspectJson(['clusters/prod/payments.yaml'], {
      cwd: PACKAGE_DIR,
      env: { INIT_CWD: path.join(REPO_ROOT, 'examples') },
    });
    expect(fromExamples).toEqual(fromRoot);
    // Not relative to the process's folder when INIT_CWD says otherwise.
    const result = await runInspect([target], {
      cwd: REPO_ROOT,
      env: { INIT_CWD: path.join(REPO_ROOT, 'examples') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `(looked in ${path.join(REPO_ROOT, 'examples')})`,
    );
  });

  it('resolves against the process folder without INIT_CWD', async () => {
    const result = await runInspect([`../../${target}`], { cwd: PACKAGE_DIR });
    expect(result.code).toBe(0);
    expect((await runInspect([target], { cwd: PACKAGE_DIR })).code).toBe(2);
  });

  it('falls back to the repository root when `yarn workspace` replaced INIT_CWD with the package folder', async () => {
    // What `yarn environment-ladder ...` at the root runs: yarn workspace
    // <backend> environment-ladder, which sets INIT_CWD to the package.
    const yarnWorkspaceEnv = {
      INIT_CWD: PACKAGE_DIR,
      PROJECT_CWD: REPO_ROOT,
      npm_lifecycle_event: 'environment-ladder',
    };
    expect(
      await inspectJson([target], { cwd: PACKAGE_DIR, env: yarnWorkspaceEnv }),
    ).toEqual(await inspectJson([target]));
    // The root comes first, then the package (for a run from its folder).
    const rootFirst = await runInspect(['app-config.yaml'], {
      cwd: PACKAGE_DIR,
      env: yarnWorkspaceEnv,
    });
    expect(rootFirst.stderr).toBe(
      'environment-ladder inspect: app-config.yaml: not a Kubernetes object: no apiVersion and no kind\n',
    );
    expect(
      await runInspect(['../../examples/clusters/prod/payments.yaml'], {
        cwd: PACKAGE_DIR,
        env: yarnWorkspaceEnv,
      }),
    ).toMatchObject({ code: 0 });
    expect(
      (
        await runInspect(['bin/environment-ladder'], {
          cwd: PACKAGE_DIR,
          env: yarnWorkspaceEnv,
        })
      ).stderr,
    ).toMatch(
      /^environment-ladder inspect: bin\/environment-ladder: not (valid YAML|a Kubernetes object)/,
    );
    const missing = await runInspect(['nope.yaml'], {
      cwd: PACKAGE_DIR,
      env: yarnWorkspaceEnv,
    });
    expect(missing.stderr).toContain(
      `nope.yaml: no such file or folder (looked in ${REPO_ROOT} and ${PACKAGE_DIR})`,
    );
  });
});

/**
 * `kubectl argo rollouts get rollout`'s Status and Message for each Argo CD Rollout
 * fixture, worked out by hand from upstream's GetRolloutPhase and
 * CalculateRolloutPhase (utils/rollout/rolloututil.go) — the answer key `inspect` must
 * print. `pre-v0.8` marks the four rollouts last written by a controller before v0.8:
 * today's CLI no longer reads their `status.canary.stableRS` (or, for blue-green, has
 * no stable ReplicaSet to wait for) and would call them Progressing; we print what the
 * CLI of their controller's time printed, as Argo CD does (see the common README).
 */
const CLI_WORDS: Record<
  string,
  { status: string; message: string; preV08?: true }
> = {
  'newRolloutWithoutStatus.yaml': {
    status: 'Progressing',
    message: 'more replicas need to be updated',
  },
  'progressing_newGeneration.yaml': {
    status: 'Progressing',
    message: 'waiting for rollout spec update to be observed',
  },
  'progressing_newWorkloadGeneration.yaml': { status: 'Healthy', message: '' },
  'degraded_statusPhaseMessage.yaml': {
    status: 'Degraded',
    message: 'InvalidSpec',
  },
  'healthy_legacy_v0.9_observedGeneration.yaml': {
    status: 'Healthy',
    message: '',
  },
  'healthy_legacy_v0.9_observedGeneration_numeric.yaml': {
    status: 'Healthy',
    message: '',
  },
  'healthy_legacy_v1.0_newWorkloadGeneration.yaml': {
    status: 'Healthy',
    message: '',
  },
  'healthy_newWorkloadGeneration.yaml': { status: 'Healthy', message: '' },
  'degraded_invalidSpec.yaml': {
    status: 'Degraded',
    message: `InvalidSpec: The Rollout "basic" is invalid: spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'`,
  },
  'degraded_rolloutTimeout.yaml': {
    status: 'Degraded',
    message:
      'ProgressDeadlineExceeded: ReplicaSet "guestbook-bluegreen-helm-guestbook-6b8cf6f7db" has timed out progressing.',
  },
  'degraded_abortedRollout.yaml': {
    status: 'Degraded',
    message: 'RolloutAborted: Rollout is aborted',
  },
  'bluegreen/healthy_servingActiveService.yaml': {
    status: 'Healthy',
    message: '',
    preV08: true,
  },
  'bluegreen/progressing_addingMoreReplicas.yaml': {
    status: 'Progressing',
    message: 'more replicas need to be updated',
  },
  'bluegreen/progressing_waitingUntilAvailable.yaml': {
    status: 'Progressing',
    message: 'updated replicas are still becoming available',
  },
  'canary/progressing_setWeightStep.yaml': {
    status: 'Progressing',
    message: 'more replicas need to be updated',
  },
  'canary/progressing_killingOldReplicas.yaml': {
    status: 'Progressing',
    message: 'old replicas are pending termination',
  },
  'suspended_controllerPause.yaml': {
    status: 'Paused',
    message: 'CanaryPauseStep',
  },
  'suspended_userPause.yaml': { status: 'Paused', message: 'manually paused' },
  'suspended_v1.0_pausedRollout.yaml': {
    status: 'Paused',
    message: 'CanaryPauseStep',
  },
  'canary/healthy_executedAllStepsPreV0.8.yaml': {
    status: 'Healthy',
    message: '',
    preV08: true,
  },
  'canary/healthy_executedAllSteps.yaml': { status: 'Healthy', message: '' },
  'canary/progressing_noSteps.yaml': {
    status: 'Progressing',
    message: 'updated replicas are still becoming available',
  },
  'canary/healthy_noSteps.yaml': {
    status: 'Healthy',
    message: '',
    preV08: true,
  },
  'canary/healthy_emptyStepsList.yaml': {
    status: 'Healthy',
    message: '',
    preV08: true,
  },
};

describe("inspect prints the CLI's Status and Message", () => {
  function listYaml(dir: string): string[] {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap(entry =>
        entry.isDirectory()
          ? listYaml(path.join(dir, entry.name))
          : [path.join(dir, entry.name)],
      )
      .filter(file => /\.ya?ml$/.test(file))
      .sort();
  }

  it('has an answer for every Argo CD Rollout fixture', () => {
    expect(
      listYaml(ARGO_CD_ROLLOUTS).map(file =>
        path.relative(ARGO_CD_ROLLOUTS, file),
      ),
    ).toEqual(Object.keys(CLI_WORDS).sort());
  });

  it.each(Object.entries(CLI_WORDS))(
    'for the Argo CD fixture %s',
    async (file, words) => {
      const output = await inspectJson([path.join(ARGO_CD_ROLLOUTS, file)]);
      expect(output.rollouts).toHaveLength(1);
      const [rollout] = output.rollouts;
      expect({ status: rollout.phase, message: rollout.message }).toEqual({
        status: words.status,
        message: words.message,
      });
      // Ours, on its own field: never the CLI's message again, reworded or prefixed.
      expect(
        rollout.message !== '' &&
          (rollout.explanation ?? '').includes(rollout.message),
      ).toBe(false);
    },
  );

  it.each(['dev', 'staging', 'prod', 'previews'])(
    'for every rollout of examples/clusters/%s, as the answer key records it',
    async cluster => {
      const output = await inspectJson([`examples/clusters/${cluster}`]);
      const keyed = Object.entries(expected)
        .filter(([service]) => !service.startsWith('$'))
        .map(([, story]: [string, any]) => story[cluster])
        .filter((rung: any) => rung?.rollout);
      expect(
        output.rollouts.map((r: any) => `${r.namespace}/${r.name}`).sort(),
      ).toEqual(
        keyed
          .map((rung: any) => `${rung.namespace}/${rung.workload.name}`)
          .sort(),
      );
      for (const rung of keyed) {
        const rollout = output.rollouts.find(
          (r: any) =>
            r.namespace === rung.namespace && r.name === rung.workload.name,
        );
        expect({ status: rollout.phase, message: rollout.message }).toEqual({
          status: rung.rollout.phase,
          message: rung.rollout.message ?? '',
        });
      }
    },
  );
});
