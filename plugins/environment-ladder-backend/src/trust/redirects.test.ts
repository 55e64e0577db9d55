import type { Entity } from '@backstage/catalog-model';
import {
  service,
  STAGING_FILE,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 6: redirects. A service's owner writes its catalog-info.yaml, so its GitOps
 * annotations are input, not authority: each case below tries to steer a promotion of
 * checkout to staging into another file (another service's, another rung's, outside the
 * repository, another repository or host, another key of the YAML). Each must be refused
 * with a 400 naming the rule, before anything is recorded and before any GitHub call, or
 * be kept to checkout's own staging file.
 *
 * The entities are checkout itself (kubernetes-id checkout, so every promotion rule
 * passes), each in its own catalog namespace so that `{{name}}` is still `checkout`.
 */
jest.setTimeout(90_000);

const tally = trustTally('redirects');

const PATH = 'environment-ladder.io/gitops-path-template';
const REPOSITORY = 'environment-ladder.io/gitops-repository';
const YAML_PATH = 'environment-ladder.io/gitops-yaml-path';

/** checkout in catalog namespace `namespace`, or another name found by checkout's workloads. */
function checkoutIn(
  namespace: string,
  annotations: Record<string, string>,
  name = 'checkout',
): Entity {
  const entity = service(name, annotations, 'checkout');
  entity.metadata.namespace = namespace;
  return entity;
}

let world: TrustWorld;
let api: TrustBackend;
/** The same world, without annotationOverrides: the default. */
let strict: TrustBackend;

type Case = {
  name: string;
  entity: () => Entity;
  /** The rule of the refusal; `own-file` when the promotion must go to checkout's staging file. */
  expect: string;
};

/** Filled in beforeAll: the repository URLs depend on the world's ports (the names do not). */
const CASES: Case[] = [];

function cases(repositoryUrl: string): Case[] {
  const url = new URL(repositoryUrl);
  const list: Array<[string, Record<string, string>, string, string?]> = [
    [
      'another service, by a fixed path',
      { [PATH]: 'apps/payments/overlays/staging/kustomization.yaml' },
      'gitops-path-template',
    ],
    [
      "another service's prod manifest, as in the issue",
      { [PATH]: 'apps/payments/overlays/prod/kustomization.yaml' },
      'gitops-path-template',
    ],
    [
      'another service, with both placeholders used elsewhere',
      { [PATH]: 'apps/payments/overlays/{{environment}}/{{name}}.yaml' },
      'gitops-path-allowed',
    ],
    [
      'another service, by gluing text to {{name}} (pay + ments)',
      {
        [PATH]:
          'apps/{{name}}ments/overlays/{{environment}}/kustomization.yaml',
      },
      'gitops-path-allowed',
      'pay',
    ],
    [
      'another service, through the namespace placeholder',
      { [PATH]: 'apps/{{namespace}}/overlays/{{environment}}/{{name}}.yaml' },
      'gitops-path-allowed',
    ],
    [
      'another rung, by a fixed rung',
      { [PATH]: 'apps/{{name}}/overlays/prod/kustomization.yaml' },
      'gitops-path-template',
    ],
    [
      'another rung, with {{environment}} used elsewhere',
      { [PATH]: 'apps/{{name}}/overlays/prod/{{environment}}.yaml' },
      'gitops-path-allowed',
    ],
    [
      'traversal with ..',
      {
        [PATH]:
          'apps/{{name}}/overlays/{{environment}}/../../../payments/overlays/{{environment}}/kustomization.yaml',
      },
      'gitops-path-template',
    ],
    [
      'traversal with percent-encoded slashes',
      {
        [PATH]:
          'apps/{{name}}/overlays/{{environment}}/..%2F..%2F..%2Fpayments%2Foverlays%2Fprod%2Fkustomization.yaml',
      },
      'gitops-path-normalised',
    ],
    [
      'traversal with percent-encoded dots',
      {
        [PATH]:
          'apps/{{name}}/overlays/{{environment}}/%2e%2e/%2e%2e/%2e%2e/payments/overlays/prod/kustomization.yaml',
      },
      'gitops-path-normalised',
    ],
    [
      'traversal with backslashes',
      { [PATH]: 'apps\\{{name}}\\..\\payments\\{{environment}}.yaml' },
      'gitops-path-template',
    ],
    [
      'traversal with a full-width solidus that looks like /',
      {
        [PATH]:
          'apps/{{name}}/overlays/{{environment}}/..\uff0f..\uff0fpayments.yaml',
      },
      'gitops-path-normalised',
    ],
    [
      'an absolute path',
      { [PATH]: '/apps/{{name}}/overlays/{{environment}}/kustomization.yaml' },
      'gitops-path-template',
    ],
    [
      "a hidden folder (the repository's CI)",
      { [PATH]: '.github/workflows/{{name}}-{{environment}}.yaml' },
      'gitops-path-allowed',
    ],
    [
      "a hidden file next to the service's own",
      { [PATH]: 'apps/{{name}}/overlays/{{environment}}/.{{name}}.yaml' },
      'gitops-path-allowed',
    ],
    [
      'another repository on the same host',
      { [REPOSITORY]: `${url.protocol}//${url.host}/acme/payments-gitops` },
      'gitops-repository-allowed',
    ],
    [
      'another host',
      { [REPOSITORY]: 'https://github.com/acme/gitops' },
      'gitops-repository-allowed',
    ],
    [
      'the allowed repository with credentials in the URL',
      {
        [REPOSITORY]: `${url.protocol}//someone:secret@${url.host}/acme/gitops`,
      },
      'gitops-repository-allowed',
    ],
    [
      'the allowed host behind another one (user-info trick)',
      { [REPOSITORY]: `${url.protocol}//${url.host}@evil.example/acme/gitops` },
      'gitops-repository-allowed',
    ],
    [
      "a yaml path at another service's key",
      { [YAML_PATH]: 'services.payments.image.digest' },
      'gitops-yaml-path-allowed',
    ],
    [
      "a yaml path at another rung's key",
      { [YAML_PATH]: 'environments.prod.image.digest' },
      'gitops-yaml-path-allowed',
    ],
    [
      'the allowed template, spelled out by the annotation',
      { [PATH]: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml' },
      'own-file',
    ],
    [
      'the allowed repository, spelled differently (upper case, .git)',
      {
        [REPOSITORY]: `${
          url.protocol
        }//${url.host.toUpperCase()}/ACME/gitops.git`,
      },
      'own-file',
    ],
  ];
  return list.map(([name, annotations, expected, entityName], index) => {
    const namespace = `redirect-${String(index + 1).padStart(2, '0')}`;
    return {
      name,
      entity: () => checkoutIn(namespace, annotations, entityName),
      expect: expected,
    };
  });
}

beforeAll(async () => {
  world = await startTrustWorld();
  // The repository URLs in the annotations name the world's own GitHub stand-in.
  CASES.push(...cases(world.faults.repositoryUrl('acme/gitops')));
  world.entities.push(
    ...CASES.map(c => c.entity()),
    checkoutIn('strict', {
      [PATH]: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
    }),
  );
  api = await world.startBackend({
    gitopsAnnotationOverrides: {
      repositories: [world.faults.repositoryUrl('acme/gitops')],
      paths: ['apps/{{name}}/overlays/{{environment}}/*.yaml'],
      yamlPaths: ['image.digest', 'services.{{name}}.image.digest'],
    },
  });
  strict = await world.startBackend();
});

afterAll(async () => {
  await world?.close();
});

const promote = (backend: TrustBackend, entity: Entity, dryRun = false) =>
  backend.post('/promotions', {
    entityRef: `component:${entity.metadata.namespace}/${entity.metadata.name}`,
    targetEnvironment: 'staging',
    reason: 'Ship 1.5.0 to staging',
    ...(dryRun ? { dryRun: true } : {}),
  });

it('has at least 15 redirect attempts', () => {
  expect(cases('http://127.0.0.1:1/acme/gitops').length).toBeGreaterThanOrEqual(
    15,
  );
});

const PLACEHOLDER_CASES = cases('http://127.0.0.1:1/acme/gitops').map(
  (c, index) => ({ name: c.name, index, ownFile: c.expect === 'own-file' }),
);

describe('redirect attempts', () => {
  it.each(
    PLACEHOLDER_CASES.filter(c => !c.ownFile).map(c => [c.name, c.index]),
  )(
    '%s: refused with a 400 naming the rule, nothing recorded, no GitHub call',
    (_name, index) =>
      tally.trial(async () => {
        await world.reset();
        const testCase = CASES[index as number];
        const entity = testCase.entity();
        const githubBefore = world.github.requests().length;
        const before = await world.state();

        const answers = [
          await promote(api, entity, true),
          await promote(api, entity),
        ];

        expect(answers.map(answer => answer.status)).toEqual([400, 400]);
        expect(answers.map(answer => answer.body.error)).toEqual([
          {
            name: 'InputError',
            message: expect.stringMatching(
              new RegExp(`^Rule ${testCase.expect}: `),
            ),
          },
          {
            name: 'InputError',
            message: expect.stringMatching(
              new RegExp(`^Rule ${testCase.expect}: `),
            ),
          },
        ]);
        expect(await world.state()).toEqual(before);
        expect(world.github.requests().length).toBe(githubBefore);
      }),
  );

  it.each(PLACEHOLDER_CASES.filter(c => c.ownFile).map(c => [c.name, c.index]))(
    "%s: kept to checkout's own staging file",
    (_name, index) =>
      tally.trial(async () => {
        await world.reset();
        const entity = CASES[index as number].entity();
        const dryRun = await promote(api, entity, true);
        const response = await promote(api, entity);
        expect(dryRun.status).toBe(200);
        expect(dryRun.body.dryRun.filePath).toBe(STAGING_FILE);
        expect(response.status).toBe(201);
        const after = await world.state();
        // GitHub's owner and repository names are case-insensitive: one file either way.
        expect(
          after.writes
            .filter(w => w.startsWith('PUT '))
            .map(w => w.toLowerCase()),
        ).toEqual([
          `PUT /api/v3/repos/acme/gitops/contents/${STAGING_FILE}`.toLowerCase(),
        ]);
      }),
  );
});

it('without annotationOverrides (the default), any GitOps annotation is refused, even a harmless one', () =>
  tally.trial(async () => {
    await world.reset();
    const before = await world.state();
    const githubBefore = world.github.requests().length;
    const response = await promote(
      strict,
      checkoutIn('strict', {
        [PATH]: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /^Rule gitops-override-allowed: the annotation environment-ladder\.io\/gitops-path-template is not honoured/,
    );
    expect(await world.state()).toEqual(before);
    expect(world.github.requests().length).toBe(githubBefore);
  }));
