import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import type { Response } from 'supertest';
import { environmentLadderPlugin } from '../plugin';
import {
  C1,
  C2,
  CI_EXTERNAL_ACCESS,
  PREVIEW_DIGEST,
  service,
  STAGING_BRANCH,
  STAGING_FILE,
  STAGING_OVERLAY,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 1: bad input. Every case below is hostile or mistaken input, and each must
 * get a clear answer: a 4xx that says what is wrong (or, for config, a start-up error
 * naming the key; for what clusters serve, a ladder whose rung says what is wrong), with
 * nothing written: the ledger and the GitHub stand-in are compared before and after.
 *
 * Covered elsewhere and not repeated: the body cases of promotions.test.ts ("malformed
 * requests answer 400 naming the field": an extra `force`, an array, a missing or blank
 * reason, 413 over 64 kB, non-JSON), the route cases of plugin.test.ts (a kind with a dot,
 * an upper-case namespace, a space, a 300-character name), config.test.ts (every reader
 * error naming its key), the domain's hostileInput.test.ts (randomly corrupted objects),
 * updateImageDigest.test.ts and renderPathTemplate.test.ts (the edit and the path, pure).
 */
jest.setTimeout(60_000);

const tally = trustTally('bad-input');

// ---------------------------------------------------------------------------
// Hostile clusters: objects the prod fixture cluster serves, and raw answers
// ---------------------------------------------------------------------------

const HEX = (n: number) => n.toString(16).padStart(64, '0');
const labels = (id: string) => ({ 'backstage.io/kubernetes-id': id });
const HUGE = 'x'.repeat(1_000_000);

/** A Deployment whose pods are found by its selector, as the domain matches unowned pods. */
const deployment = (id: string, extra: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: id, namespace: id, labels: labels(id) },
  ...extra,
});
const pod = (id: string, name: string, extra: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: id, labels: { ...labels(id), app: id } },
  ...extra,
});
const runningPod = (id: string, name: string, digest: string) =>
  pod(id, name, {
    spec: { containers: [{ name: id, image: `ghcr.io/acme/${id}@${digest}` }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: id,
          ready: true,
          image: `ghcr.io/acme/${id}@${digest}`,
          imageID: `ghcr.io/acme/${id}@${digest}`,
        },
      ],
    },
  });
const selector = (id: string) => ({ matchLabels: { app: id } });

const PROD_OBJECTS = [
  // Nothing but names: no spec, no status.
  deployment('hostile-no-status', {}),
  pod('hostile-no-status', 'hostile-no-status-1', {}),
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'hostile-no-status-rs',
      namespace: 'hostile-no-status',
      labels: labels('hostile-no-status'),
    },
  },
  // Every field of the wrong type.
  deployment('hostile-wrong-types', {
    spec: { replicas: 'three', template: 'nope', selector: 7 },
    status: { readyReplicas: {}, replicas: [1], conditions: 'all good' },
  }),
  pod('hostile-wrong-types', 'hostile-wrong-types-1', {
    spec: { containers: 'nginx', initContainers: [null, 5] },
    status: {
      phase: 42,
      containerStatuses: { imageID: 5 },
      conditions: [null, 'Ready'],
    },
  }),
  // 10,000 pods of one Deployment, over 100 digests.
  deployment('hostile-bulk', {
    spec: {
      replicas: 10_000,
      selector: selector('hostile-bulk'),
      template: {
        spec: {
          containers: [
            {
              name: 'hostile-bulk',
              image: `ghcr.io/acme/hostile-bulk@sha256:${HEX(0)}`,
            },
          ],
        },
      },
    },
    status: { replicas: 10_000, readyReplicas: 10_000 },
  }),
  ...Array.from({ length: 10_000 }, (_, index) =>
    runningPod(
      'hostile-bulk',
      `hostile-bulk-${index}`,
      `sha256:${HEX(index % 100)}`,
    ),
  ),
  // Megabyte strings where names, images and digests go.
  deployment('hostile-huge', {
    metadata: {
      name: 'hostile-huge',
      namespace: 'hostile-huge',
      labels: labels('hostile-huge'),
      annotations: { 'acme.io/notes': HUGE },
    },
    spec: {
      replicas: 1,
      selector: selector('hostile-huge'),
      template: {
        spec: {
          containers: [{ name: 'hostile-huge', image: `ghcr.io/${HUGE}` }],
        },
      },
    },
  }),
  pod('hostile-huge', 'hostile-huge-1', {
    spec: { containers: [{ name: 'hostile-huge', image: `ghcr.io/${HUGE}` }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'hostile-huge',
          ready: true,
          imageID: `ghcr.io/x@sha256:${HUGE}`,
        },
      ],
    },
  }),
];

/** What no API server should answer to a list, by the entity it answers for. */
const HOSTILE_ANSWERS = {
  'hostile-status': {
    status: 200,
    body: '{"kind":"Status","apiVersion":"v1","status":"Failure"}',
  },
  'hostile-array': { status: 200, body: '[]' },
  'hostile-items-object': { status: 200, body: '{"items":{"0":{}}}' },
  'hostile-html': {
    status: 200,
    contentType: 'text/html',
    body: '<html><body>Please log in</body></html>',
  },
  'hostile-null': { status: 200, body: 'null' },
  'hostile-junk-items': {
    status: 200,
    body: '{"items":[null,1,"x",[],{"metadata":null},{"metadata":{"name":{}}},{"spec":{"containers":[{"image":null}]}}]}',
  },
};

// ---------------------------------------------------------------------------
// Entities whose annotations are the bad input
// ---------------------------------------------------------------------------

const PATH_TEMPLATE = 'environment-ladder.io/gitops-path-template';
const REPOSITORY = 'environment-ladder.io/gitops-repository';
const YAML_PATH = 'environment-ladder.io/gitops-yaml-path';

/** Copies of checkout (same workloads, so every rule passes) with one bad annotation. */
const CHECKOUT_COPIES = {
  'checkout-traversal': { [PATH_TEMPLATE]: '../../etc/passwd' },
  'checkout-absolute': { [PATH_TEMPLATE]: '/etc/passwd' },
  'checkout-inner-traversal': {
    [PATH_TEMPLATE]: 'apps/{{name}}/../../../.github/workflows/ci.yaml',
  },
  'checkout-unknown-placeholder': {
    [PATH_TEMPLATE]: 'apps/{{team}}/kustomization.yaml',
  },
  'checkout-no-integration': {
    [REPOSITORY]: 'https://gitlab.example.com/acme/gitops',
  },
  'checkout-not-a-repository': {
    [REPOSITORY]: 'ftp://example.com/acme/gitops',
  },
  'checkout-twin': {},
};

/** checkout itself, in another namespace, with a YAML path its kustomization does not have. */
const MISSING_YAML_PATH = (() => {
  const entity = service('checkout', { [YAML_PATH]: 'image.digest' });
  entity.metadata.namespace = 'missing-yaml-path';
  return entity;
})();

const ENTITIES = [
  ...Object.entries(CHECKOUT_COPIES).map(([name, annotations]) =>
    service(name, annotations, 'checkout'),
  ),
  MISSING_YAML_PATH,
  service(
    'bad-selector-chars',
    { 'backstage.io/kubernetes-label-selector': 'app=checkout;rm -rf /' },
    null,
  ),
  service(
    'bad-selector-syntax',
    { 'backstage.io/kubernetes-label-selector': 'app in (checkout' },
    null,
  ),
  service('bad-namespace', {
    'backstage.io/kubernetes-namespace': '../kube-system',
  }),
  service(
    'bad-preview-template',
    { 'environment-ladder.io/preview-name-template': '{{entity}}-{{nope}}' },
    'checkout',
  ),
  ...[
    'hostile-no-status',
    'hostile-wrong-types',
    'hostile-bulk',
    'hostile-huge',
    ...Object.keys(HOSTILE_ANSWERS),
  ].map(name => service(name)),
];

// ---------------------------------------------------------------------------

let world: TrustWorld;
let api: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld({
    entities: ENTITIES,
    prodObjects: PROD_OBJECTS,
    hostileAnswers: HOSTILE_ANSWERS,
  });
  api = await world.startBackend({
    clusterTimeoutMs: 5000,
    // Overrides allowed, so that each annotation below meets its own check.
    gitopsAnnotationOverrides: {
      repositories: [world.faults.repositoryUrl('acme/gitops')],
      paths: ['apps/{{name}}/overlays/{{environment}}/*.yaml'],
      yamlPaths: ['image.digest'],
    },
  });
});

afterAll(async () => {
  await world?.close();
});

const valid = {
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  reason: 'Ship 1.5.0 to staging',
};

/** The part of an answer that the refusals below are compared on. */
const answer = (response: Response) => ({
  status: response.status,
  body: response.body,
});

/** A refusal as the default error middleware shapes it: status, error name and message. */
function refusal(status: number, name: string, message: string | RegExp) {
  return {
    status,
    body: {
      error: {
        name,
        message:
          typeof message === 'string'
            ? message
            : expect.stringMatching(message),
      },
      response: { statusCode: status },
    },
  };
}

/** Runs one case and checks that neither the ledger nor GitHub changed. */
async function nothingWritten(run: () => Promise<void>) {
  const before = await world.state();
  await run();
  expect(await world.state()).toEqual(before);
}

// ---------------------------------------------------------------------------
// Route parameters
// ---------------------------------------------------------------------------

const LADDER = (kind: string, namespace: string, name: string) =>
  `/entities/${kind}/${namespace}/${name}/ladder`;
const invalidRef = (part: string) =>
  `Invalid entity reference: '${part}' is not a valid catalog ${part}`;

describe('route parameters', () => {
  it.each<[string, string, number, string, string | RegExp]>([
    [
      'an unknown kind',
      LADDER('widget', 'default', 'checkout'),
      404,
      'NotFoundError',
      'No entity widget:default/checkout in the catalog',
    ],
    [
      'a 200-character kind',
      LADDER('k'.repeat(200), 'default', 'checkout'),
      400,
      'InputError',
      invalidRef('kind'),
    ],
    [
      'a 10,000-character name',
      LADDER('component', 'default', 'n'.repeat(10_000)),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      '".." as the name',
      LADDER('component', 'default', '..'),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      'an encoded path traversal in the name',
      LADDER('component', 'default', '..%2F..%2Fsecrets'),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      'an encoded ".." as the namespace',
      LADDER('component', '%2e%2e', 'checkout'),
      400,
      'InputError',
      invalidRef('namespace'),
    ],
    [
      'an emoji name',
      LADDER('component', 'default', encodeURIComponent('check💥out')),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      'a Cyrillic look-alike name',
      LADDER('component', 'default', encodeURIComponent('сheckout')),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      'a zero-width space in the name',
      LADDER('component', 'default', encodeURIComponent('checkout\u200b')),
      400,
      'InputError',
      invalidRef('name'),
    ],
    [
      'a NUL byte in the namespace',
      LADDER('component', 'default%00', 'checkout'),
      400,
      'InputError',
      invalidRef('namespace'),
    ],
    [
      'malformed percent-encoding',
      LADDER('component', 'default', 'check%E0%A4%Aout'),
      400,
      'URIError',
      /Failed to decode param/,
    ],
    [
      'a bad namespace on the promotions route',
      '/entities/component/Default/checkout/promotions',
      400,
      'InputError',
      invalidRef('namespace'),
    ],
    [
      'a kind with a space on the targets route',
      '/entities/comp%20onent/default/checkout/promotions/targets',
      400,
      'InputError',
      invalidRef('kind'),
    ],
  ])('%s', (_case, url, status, name, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.get(url);
        expect(answer(response)).toMatchObject(refusal(status, name, message));
      }),
    ),
  );

  it.each<[string, string, string]>([
    [
      'a path traversal',
      '..%2F..%2Fpromotions',
      "Invalid promotion id: 'id' Invalid UUID",
    ],
    ['SQL', "1'%20OR%20'1'%3D'1", "Invalid promotion id: 'id' Invalid UUID"],
  ])('answers 400 to %s as a promotion id', (_case, id, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.post(`/promotions/${id}/approve`, {});
        expect(answer(response)).toMatchObject(
          refusal(400, 'InputError', message),
        );
      }),
    ),
  );

  it.each<[string, string, string | RegExp]>([
    [
      'neither entityRef nor owner',
      '/metrics?period=30d',
      "Invalid metrics query: give either 'entityRef' or 'owner', not neither",
    ],
    [
      'both entityRef and owner',
      '/metrics?entityRef=component:default/checkout&owner=team-shop',
      "Invalid metrics query: give either 'entityRef' or 'owner', not both",
    ],
    [
      'a period in weeks',
      '/metrics?entityRef=component:default/checkout&period=4w',
      "Invalid metrics query: 'period' must be a number of days from 1d to 365d, such as 30d",
    ],
    [
      'a period of zero days',
      '/metrics?entityRef=component:default/checkout&period=0d',
      /^Invalid metrics query: 'period' must be a number of days/,
    ],
    [
      'a period over a year',
      '/metrics?entityRef=component:default/checkout&period=100000d',
      /^Invalid metrics query: 'period' must be a number of days/,
    ],
    [
      'a period given twice',
      '/metrics?entityRef=component:default/checkout&period=1d&period=2d',
      "Invalid metrics query: 'period' must be given once",
    ],
    [
      'an entityRef with a path traversal',
      '/metrics?entityRef=component:default/..%2F..%2Fsecrets',
      /^Invalid metrics query: 'entityRef' must be an entity ref/,
    ],
    [
      'a 10,000-character owner',
      `/metrics?owner=${'o'.repeat(10_000)}`,
      /^Invalid metrics query: 'owner' /,
    ],
    [
      'an unknown parameter',
      '/metrics?entityRef=component:default/checkout&since=2026-01-01',
      "Invalid metrics query: 'since' is not a parameter (entityRef, owner, period)",
    ],
  ])(
    'answers 400 to a metrics query with %s, naming the parameter',
    (_case, url, message) =>
      tally.trial(() =>
        nothingWritten(async () => {
          const response = await api.get(url);
          expect(answer(response)).toMatchObject(
            refusal(400, 'InputError', message),
          );
        }),
      ),
  );

  it('answers 404 to the metrics of an entity the catalog does not have', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.get(
          '/metrics?entityRef=component:default/nothing-here',
        );
        expect(answer(response)).toMatchObject(
          refusal(
            404,
            'NotFoundError',
            'No entity component:default/nothing-here in the catalog',
          ),
        );
      }),
    ));

  it('answers 431 to a 20 kB URL, before any handler runs', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.get(
          LADDER('component', 'default', 'n'.repeat(20_000)),
        );
        expect(response.status).toBe(431);
      }),
    ));
});

// ---------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------

const invalidBody = (field: string) =>
  new RegExp(`^Invalid promotion request: '${field}' `);
const ruleRefusal = (rule: string) => new RegExp(`^Rule ${rule}: `);

describe('promotion request bodies', () => {
  it.each<[string, unknown, 'user' | 'releaser', number, string, RegExp]>([
    [
      'an entityRef that is a number',
      { ...valid, entityRef: 42 },
      'user',
      400,
      'InputError',
      invalidBody('entityRef'),
    ],
    [
      'a target that is an object',
      { ...valid, targetEnvironment: { name: 'staging' } },
      'user',
      400,
      'InputError',
      invalidBody('targetEnvironment'),
    ],
    [
      'a digest that is a number',
      { ...valid, digest: 867 },
      'user',
      400,
      'InputError',
      invalidBody('digest'),
    ],
    [
      'a null digest',
      { ...valid, digest: null },
      'user',
      400,
      'InputError',
      invalidBody('digest'),
    ],
    [
      'dryRun as a number',
      { ...valid, dryRun: 1 },
      'user',
      400,
      'InputError',
      invalidBody('dryRun'),
    ],
    [
      'the preview rung named as the source (no such field)',
      { ...valid, sourceEnvironment: 'preview' },
      'user',
      400,
      'InputError',
      /^Invalid promotion request: 'body' Unrecognized key: "sourceEnvironment"/,
    ],
    [
      'a 64-character target',
      { ...valid, targetEnvironment: 's'.repeat(64) },
      'user',
      400,
      'InputError',
      invalidBody('targetEnvironment'),
    ],
    [
      'a 201-character idempotency key',
      { ...valid, idempotencyKey: 'k'.repeat(201) },
      'user',
      400,
      'InputError',
      invalidBody('idempotencyKey'),
    ],
    [
      'a reason of only whitespace and newlines',
      { ...valid, reason: '\n\t \r\n' },
      'user',
      400,
      'InputError',
      /^Invalid promotion request: 'reason' must say why$/,
    ],
    [
      'a path traversal in the entityRef',
      { ...valid, entityRef: 'component:default/../../etc' },
      'user',
      400,
      'InputError',
      /^Invalid promotion request: 'entityRef' must be kind:namespace\/name$/,
    ],
    [
      'a unicode entityRef',
      { ...valid, entityRef: 'component:default/сheckout' },
      'user',
      400,
      'InputError',
      /^Invalid promotion request: 'entityRef' must be kind:namespace\/name$/,
    ],
    [
      'an unknown kind in the entityRef',
      { ...valid, entityRef: 'widget:default/checkout' },
      'user',
      404,
      'NotFoundError',
      /^No entity widget:default\/checkout in the catalog$/,
    ],
    [
      'an upper-case digest',
      { ...valid, digest: `sha256:${C2.slice(7).toUpperCase()}` },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a short digest',
      { ...valid, digest: C2.slice(0, 19) },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a tag instead of a digest',
      { ...valid, digest: '1.5.0' },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'an image reference with a tag',
      { ...valid, digest: 'ghcr.io/acme/checkout:1.5.0' },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a sha512 digest',
      { ...valid, digest: `sha512:${'a'.repeat(128)}` },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a digest with a newline and YAML after it',
      { ...valid, digest: `${C2}\n    newName: evil.example.com/backdoor` },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a digest with a leading space',
      { ...valid, digest: ` ${C2}` },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'an unknown rung',
      { ...valid, targetEnvironment: 'qa' },
      'releaser',
      400,
      'InputError',
      ruleRefusal('target-is-known'),
    ],
    [
      'an unobserved rung (local)',
      { ...valid, targetEnvironment: 'local' },
      'releaser',
      400,
      'InputError',
      ruleRefusal('target-is-observed'),
    ],
    [
      'the lowest observed rung (dev)',
      { ...valid, targetEnvironment: 'dev' },
      'user',
      400,
      'InputError',
      ruleRefusal('target-is-not-lowest'),
    ],
    [
      'the preview rung as the target',
      { ...valid, targetEnvironment: 'preview' },
      'releaser',
      400,
      'InputError',
      ruleRefusal('target-is-known'),
    ],
    [
      "a preview's digest, as if the preview were the source",
      { ...valid, digest: PREVIEW_DIGEST },
      'user',
      409,
      'ConflictError',
      ruleRefusal('source-runs-digest-healthy'),
    ],
    [
      "dev's digest straight to prod, skipping staging",
      { ...valid, targetEnvironment: 'prod', digest: C2 },
      'releaser',
      409,
      'ConflictError',
      /^Rule source-runs-digest-healthy: Staging is not a healthy source for sha256:867d848fca6f…: it does not run/,
    ],
    [
      'a digest prod already runs',
      { ...valid, targetEnvironment: 'prod', digest: C1 },
      'releaser',
      409,
      'ConflictError',
      ruleRefusal('target-does-not-run-digest'),
    ],
    [
      'a kind that is neither promotion nor rollback',
      { ...valid, kind: 'revert' },
      'user',
      400,
      'InputError',
      /^Invalid promotion request: 'kind' must be promotion or rollback$/,
    ],
    [
      'an emergency that is not a boolean',
      { ...valid, kind: 'rollback', emergency: 'yes' },
      'releaser',
      400,
      'InputError',
      invalidBody('emergency'),
    ],
    [
      'an emergency on a promotion',
      { ...valid, emergency: true },
      'releaser',
      400,
      'InputError',
      /^Invalid promotion request: 'emergency' applies only to a rollback \(kind: rollback\)$/,
    ],
    [
      'a rollback to a tag',
      { ...valid, kind: 'rollback', digest: 'v1.3.2' },
      'user',
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a rollback to what staging runs now',
      { ...valid, kind: 'rollback', digest: C1 },
      'user',
      409,
      'ConflictError',
      ruleRefusal('rollback-digest-differs'),
    ],
    [
      'a rollback of staging to a digest it never ran',
      { ...valid, kind: 'rollback', digest: C2 },
      'user',
      409,
      'ConflictError',
      ruleRefusal('rollback-digest-ran-here'),
    ],
    [
      'a rollback of the preview rung',
      { ...valid, kind: 'rollback', targetEnvironment: 'preview' },
      'releaser',
      400,
      'InputError',
      ruleRefusal('target-is-known'),
    ],
    [
      'an emergency rollback the platform does not allow',
      {
        ...valid,
        kind: 'rollback',
        targetEnvironment: 'prod',
        emergency: true,
      },
      'releaser',
      400,
      'InputError',
      ruleRefusal('rollback-gate'),
    ],
  ])('%s', (_case, body, caller, status, name, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.post('/promotions', body, caller);
        expect(answer(response)).toMatchObject(refusal(status, name, message));
      }),
    ),
  );

  it.each<[string, string, string | undefined, RegExp]>([
    // Valid JSON, but not an object: express.json's strict mode refuses it as a parse failure.
    [
      'a JSON string as the body',
      '"promote checkout"',
      undefined,
      /^Invalid promotion request: the body is not valid JSON$/,
    ],
    [
      'a body that is not JSON',
      'entityRef=component:default/checkout',
      'text/plain',
      invalidBody('entityRef'),
    ],
    [
      'a __proto__ key',
      `{"entityRef":"component:default/checkout","targetEnvironment":"staging","reason":"x","__proto__":{"isAdmin":true}}`,
      undefined,
      /^Invalid promotion request: 'body' Unrecognized key: "__proto__"/,
    ],
  ])('%s', (_case, raw, contentType, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.postRaw('/promotions', raw, contentType);
        expect(answer(response)).toMatchObject(
          refusal(400, 'InputError', message),
        );
      }),
    ),
  );
});

describe('CI promotion request bodies (POST /ci/promotions)', () => {
  // A backend of its own: with external access, it runs Backstage's production auth service.
  let ci: TrustBackend;
  beforeAll(async () => {
    ci = await world.startBackend({ externalAccess: CI_EXTERNAL_ACCESS });
  });

  const build = {
    entityRef: 'component:default/checkout',
    digest: `sha256:${'d4'.repeat(32)}`,
    reason: 'CI build 812',
  };
  const invalidCiBody = (field: string) =>
    new RegExp(`^Invalid CI promotion request: '${field}' `);

  it.each<[string, unknown, number, string, RegExp]>([
    [
      'no digest',
      { ...build, digest: undefined },
      400,
      'InputError',
      invalidCiBody('digest'),
    ],
    [
      'a digest that is a number',
      { ...build, digest: 867 },
      400,
      'InputError',
      invalidCiBody('digest'),
    ],
    [
      'a tag instead of a digest',
      { ...build, digest: 'ghcr.io/acme/checkout:1.6.0' },
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'an upper-case digest',
      { ...build, digest: build.digest.toUpperCase() },
      400,
      'InputError',
      ruleRefusal('digest-is-canonical'),
    ],
    [
      'a freeze override (CI cannot override a freeze)',
      { ...build, overrideFreeze: true },
      400,
      'InputError',
      /^Invalid CI promotion request: 'body' Unrecognized key: "overrideFreeze"/,
    ],
    [
      'an unknown target',
      { ...build, targetEnvironment: 'qa' },
      400,
      'InputError',
      ruleRefusal('target-is-known'),
    ],
    [
      'the preview rung',
      { ...build, targetEnvironment: 'preview' },
      400,
      'InputError',
      ruleRefusal('target-is-known'),
    ],
    [
      'staging',
      { ...build, targetEnvironment: 'staging' },
      400,
      'InputError',
      ruleRefusal('target-accepts-ci'),
    ],
    [
      'a blank reason',
      { ...build, reason: '  ' },
      400,
      'InputError',
      invalidCiBody('reason'),
    ],
    [
      'an entity the catalog does not have',
      { ...build, entityRef: 'component:default/nowhere' },
      404,
      'NotFoundError',
      /^No entity component:default\/nowhere in the catalog$/,
    ],
  ])('%s', (_case, body, status, name, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await ci.post('/ci/promotions', body, 'ci');
        expect(answer(response)).toMatchObject(refusal(status, name, message));
      }),
    ),
  );

  it('a body that is not JSON', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await ci.postRaw(
          '/ci/promotions',
          'digest=sha256:abc',
          'text/plain',
          'ci',
        );
        expect(answer(response)).toMatchObject(
          refusal(400, 'InputError', invalidCiBody('entityRef')),
        );
      }),
    ));
});

// ---------------------------------------------------------------------------
// Entity annotations
// ---------------------------------------------------------------------------

describe('entity annotations', () => {
  const promote = (name: string) =>
    api.post('/promotions', {
      ...valid,
      entityRef: `component:default/${name}`,
    });

  it.each<[string, keyof typeof CHECKOUT_COPIES, RegExp]>([
    [
      'a gitops-path-template climbing out with ../../',
      'checkout-traversal',
      /^Rule gitops-path-template: the annotation environment-ladder\.io\/gitops-path-template: .*\.\. segment/,
    ],
    [
      'an absolute gitops-path-template',
      'checkout-absolute',
      /^Rule gitops-path-template: the annotation environment-ladder\.io\/gitops-path-template: .*absolute/,
    ],
    [
      'a gitops-path-template with .. after a placeholder',
      'checkout-inner-traversal',
      /^Rule gitops-path-template: the annotation environment-ladder\.io\/gitops-path-template: .*\.\. segment/,
    ],
    [
      'a gitops-path-template with an unknown placeholder',
      'checkout-unknown-placeholder',
      /^Rule gitops-path-template: the annotation environment-ladder\.io\/gitops-path-template: .*unknown placeholder \{\{team\}\}/,
    ],
    [
      'a gitops-repository on a host with no integration',
      'checkout-no-integration',
      /^Rule gitops-repository-allowed: the annotation environment-ladder\.io\/gitops-repository: No GitHub integration for host gitlab\.example\.com/,
    ],
    [
      'a gitops-repository that is not a repository URL',
      'checkout-not-a-repository',
      /^Rule gitops-repository-allowed: the annotation environment-ladder\.io\/gitops-repository: .*must be a repository URL/,
    ],
  ])('%s answers 400, naming it', (_case, name, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        expect(answer(await promote(name))).toMatchObject(
          refusal(400, 'InputError', message),
        );
      }),
    ),
  );

  it('a gitops-yaml-path the file does not have answers 400, before anything is recorded or written to GitHub', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.post('/promotions', {
          ...valid,
          entityRef: 'component:missing-yaml-path/checkout',
        });
        expect(answer(response)).toMatchObject(
          refusal(
            400,
            'InputError',
            /^Cannot edit apps\/checkout\/overlays\/staging\/kustomization\.yaml on main: "image\.digest" does not exist: no key "image" in the top level$/,
          ),
        );
      }),
    ));

  const rung = (ladder: Ladder, name: string) =>
    ladder.rungs.find(candidate => candidate.name === name)!;

  it.each<[string, string, string]>([
    [
      'a label selector with characters no selector has',
      'bad-selector-chars',
      'The annotation backstage.io/kubernetes-label-selector is not a valid label selector.',
    ],
    [
      'a namespace that is a path',
      'bad-namespace',
      'The annotation backstage.io/kubernetes-namespace is not a valid Kubernetes namespace name.',
    ],
  ])(
    '%s: the ladder answers 200 and says what to fix',
    (_case, name, notSetUp) =>
      tally.trial(() =>
        nothingWritten(async () => {
          const response = await api.get(LADDER('component', 'default', name));
          expect(response.status).toBe(200);
          expect(response.body).toEqual({
            entityRef: `component:default/${name}`,
            rungs: [],
            violations: [],
            generatedAt: expect.any(String),
            notSetUp,
          });
        }),
      ),
  );

  it('a label selector the clusters refuse: every observed rung says so, none is a 500', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.get(
          LADDER('component', 'default', 'bad-selector-syntax'),
        );
        expect(response.status).toBe(200);
        const ladder: Ladder = response.body;
        for (const name of ['dev', 'preview', 'staging', 'prod']) {
          expect(rung(ladder, name).error).toEqual({
            cluster: name === 'preview' ? 'previews' : name,
            message: expect.stringMatching(/answered 400/),
          });
        }
      }),
    ));

  it('a preview-name-template with an unknown parameter: the preview rung says so, the others answer', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.get(
          LADDER('component', 'default', 'bad-preview-template'),
        );
        expect(response.status).toBe(200);
        const ladder: Ladder = response.body;
        expect(rung(ladder, 'preview').error).toEqual({
          cluster: '',
          message: expect.stringMatching(
            /^The annotation environment-ladder\.io\/preview-name-template is not a usable preview name template: .*nope/,
          ),
        });
        expect(rung(ladder, 'dev')).toMatchObject({
          error: null,
          digests: [C2],
        });
      }),
    ));

  it('a promotion of an entity whose selector is bad answers 400', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await promote('bad-selector-chars');
        expect(answer(response)).toMatchObject(
          refusal(400, 'InputError', ruleRefusal('target-is-known')),
        );
      }),
    ));
});

// ---------------------------------------------------------------------------
// Hostile Kubernetes answers
// ---------------------------------------------------------------------------

describe('hostile Kubernetes answers (prod)', () => {
  const prodOf = async (name: string) => {
    const response = await api.get(LADDER('component', 'default', name));
    expect(response.status).toBe(200);
    const ladder: Ladder = response.body;
    // The rungs of other clusters answer as always.
    for (const other of ['dev', 'staging']) {
      expect(ladder.rungs.find(r => r.name === other)!.error).toBeNull();
    }
    return {
      ladder,
      prod: ladder.rungs.find(r => r.name === 'prod')!,
      response,
    };
  };

  it.each<[string, string, RegExp]>([
    [
      'a Status object instead of a list',
      'hostile-status',
      /^cluster 'prod' returned something other than a list when listing /,
    ],
    [
      'a JSON array instead of a list',
      'hostile-array',
      /^cluster 'prod' returned something other than a list when listing /,
    ],
    [
      'items that are an object',
      'hostile-items-object',
      /^cluster 'prod' returned something other than a list when listing /,
    ],
    [
      'an HTML login page',
      'hostile-html',
      /^cluster 'prod' returned a malformed answer when listing /,
    ],
    [
      'null',
      'hostile-null',
      /^cluster 'prod' returned something other than a list when listing /,
    ],
  ])('%s: the rung says the answer was not a list', (_case, name, message) =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod } = await prodOf(name);
        expect(prod.error).toEqual({
          cluster: 'prod',
          message: expect.stringMatching(message),
        });
      }),
    ),
  );

  it('items that are null, numbers, strings and nameless objects: the rung answers, with no digest', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod } = await prodOf('hostile-junk-items');
        expect(prod).toMatchObject({ error: null, digest: null, digests: [] });
      }),
    ));

  it('objects without status: the rung answers, with nothing ready and no digest', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod } = await prodOf('hostile-no-status');
        expect(prod).toMatchObject({ error: null, digest: null, digests: [] });
        expect(prod.replicas.ready).toBe(0);
      }),
    ));

  it('fields of the wrong types: the rung answers, with no digest', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod } = await prodOf('hostile-wrong-types');
        expect(prod).toMatchObject({ error: null, digest: null, digests: [] });
      }),
    ));

  it('10,000 pods over 100 digests: the rung answers, listing each digest once', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod, response } = await prodOf('hostile-bulk');
        expect(prod.error).toBeNull();
        expect(prod.digests).toHaveLength(100);
        expect(prod.digest).toBeNull();
        // What the browser gets stays proportionate to the digests, not to the pods.
        expect(response.text.length).toBeLessThan(1_000_000);
      }),
    ));

  it('megabyte names, images and digests: the rung answers, with no digest and the tag rule broken', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const { prod, response } = await prodOf('hostile-huge');
        expect(prod).toMatchObject({ error: null, digest: null, digests: [] });
        expect(prod.violations.map(violation => violation.rule)).toEqual([
          'tag-not-digest',
          'object-too-large',
        ]);
        // Strings are cut at 2048 characters, and the rung says so: the answer is a few
        // kilobytes, where the megabyte image name used to make it three megabytes.
        expect(prod.violations[1].message).toMatch(
          /^What Prod's clusters served was too large to show whole: \d+ values? longer than 2048 characters \(the longest 1000\d{3}\) shortened\.$/,
        );
        expect(response.text.length).toBeLessThan(100_000);
      }),
    ));
});

// ---------------------------------------------------------------------------
// What a promotion may write: one file, one value
// ---------------------------------------------------------------------------

describe('a promotion in flight, whose reason carries YAML and markdown', () => {
  const HOSTILE_REASON = [
    'Ship it',
    '    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000',
    '---',
    'images: [{name: evil.example.com/backdoor}]',
    '<script>alert(1)</script> @everyone [click](javascript:alert(1)) ```',
  ].join('\n');
  let created: Response;
  let written: string[];

  beforeAll(async () => {
    await world.reset();
    created = await api.post('/promotions', {
      ...valid,
      reason: HOSTILE_REASON,
      idempotencyKey: 'trust-in-flight',
    });
    written = (await world.state()).writes;
  });

  it('writes exactly the file of the rung, changing only its digest line; the reason goes to the pull request only', () =>
    tally.trial(async () => {
      expect(created.status).toBe(201);
      expect(created.body.promotion).toMatchObject({
        state: 'pr-open',
        reason: HOSTILE_REASON,
      });
      // The only file write the stand-in was asked for: the staging overlay of checkout.
      expect(written.filter(write => write.startsWith('PUT '))).toEqual([
        `PUT /api/v3/repos/acme/gitops/contents/${STAGING_FILE}`,
      ]);
      const state = world.github.state().repositories[0];
      expect(state.pulls).toEqual([
        expect.objectContaining({
          head: STAGING_BRANCH,
          files: [STAGING_FILE],
        }),
      ]);
      const before = STAGING_OVERLAY.split('\n');
      const after = world.github
        .readFile('acme/gitops', STAGING_FILE, STAGING_BRANCH)!
        .split('\n');
      expect(after).toHaveLength(before.length);
      expect(after.filter((line, index) => line !== before[index])).toEqual([
        `    digest: ${C2}`,
      ]);
      expect(after.join('\n')).not.toMatch(/evil|script|0000000000/);
      expect(world.github.readFile('acme/gitops', STAGING_FILE)).toBe(
        STAGING_OVERLAY,
      );
    }));

  it('another request for the same rung answers 409 while it is in flight', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.post('/promotions', {
          ...valid,
          reason: 'Me too',
        });
        expect(answer(response)).toMatchObject(
          refusal(409, 'ConflictError', ruleRefusal('no-promotion-in-flight')),
        );
      }),
    ));

  it('its idempotency key, reused for another entity, answers 409', () =>
    tally.trial(() =>
      nothingWritten(async () => {
        const response = await api.post('/promotions', {
          ...valid,
          entityRef: 'component:default/checkout-twin',
          idempotencyKey: 'trust-in-flight',
        });
        expect(answer(response)).toMatchObject(
          refusal(
            409,
            'ConflictError',
            'The idempotency key was already used for a promotion of component:default/checkout to staging',
          ),
        );
      }),
    ));
});

// ---------------------------------------------------------------------------
// Config: a start-up error that names the key
// ---------------------------------------------------------------------------

describe('config', () => {
  const rungs = [
    { name: 'dev', clusters: ['dev'] },
    { name: 'prod', clusters: ['prod'] },
  ];
  const gitops = {
    repository: 'https://github.com/acme/gitops',
    pathTemplate: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
  };
  const startWith = (environmentLadder: unknown) =>
    startTestBackend({
      features: [
        environmentLadderPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    { name: 'dev', url: 'http://127.0.0.1:1' },
                    { name: 'prod', url: 'http://127.0.0.1:1' },
                  ],
                },
              ],
            },
            ...(environmentLadder === undefined ? {} : { environmentLadder }),
          } as any,
        }),
      ],
    });

  it.each<[string, unknown, RegExp]>([
    ['no ladder at all', undefined, /'environmentLadder\.rungs'/],
    [
      'no rungs',
      { rungs: [] },
      /'environmentLadder\.rungs': at least one rung/,
    ],
    [
      'two rungs of the same name',
      { rungs: [...rungs, { name: 'dev' }] },
      /'environmentLadder\.rungs\[2\]\.name': rung 'dev' is configured twice/,
    ],
    [
      'a rung named ci, the source of builds from CI',
      { rungs: [{ name: 'ci' }, ...rungs] },
      /'environmentLadder\.rungs\[0\]\.name': 'ci' names where CI's builds come from/,
    ],
    [
      'a rung naming an unknown cluster',
      { rungs: [{ name: 'dev', clusters: ['dev-eu-9'] }] },
      /'environmentLadder\.rungs\[0\]\.clusters\[0\]': no Kubernetes cluster named 'dev-eu-9'/,
    ],
    [
      'a preview nameTemplate with an unknown parameter',
      {
        rungs: [
          ...rungs,
          {
            name: 'preview',
            clusters: ['dev'],
            previews: { nameTemplate: '{{entity}}-{{team}}' },
          },
        ],
      },
      /'environmentLadder\.rungs\[2\]\.previews\.nameTemplate'.*team/,
    ],
    [
      'a gitops pathTemplate climbing out with ..',
      {
        rungs,
        gitops: { ...gitops, pathTemplate: '../{{name}}/kustomization.yaml' },
      },
      /'environmentLadder\.gitops\.pathTemplate'.*\.\. segment/,
    ],
    [
      'an absolute gitops pathTemplate',
      { rungs, gitops: { ...gitops, pathTemplate: '/etc/{{name}}.yaml' } },
      /'environmentLadder\.gitops\.pathTemplate'.*absolute/,
    ],
    [
      'a gitops pathTemplate with an unknown placeholder',
      {
        rungs,
        gitops: { ...gitops, pathTemplate: 'apps/{{team}}/{{name}}.yaml' },
      },
      /'environmentLadder\.gitops\.pathTemplate'.*unknown placeholder \{\{team\}\}/,
    ],
    [
      'a gitops repository that is not a URL',
      { rungs, gitops: { ...gitops, repository: 'acme/gitops' } },
      /'environmentLadder\.gitops\.repository': it is not a URL; expected a repository URL/,
    ],
    [
      'a gitops repository on a host with no GitHub integration',
      {
        rungs,
        gitops: {
          ...gitops,
          repository: 'https://gitlab.example.com/acme/gitops',
        },
      },
      /'environmentLadder\.gitops\.repository': No GitHub integration for host gitlab\.example\.com/,
    ],
    [
      'an unknown gitops format',
      { rungs, gitops: { ...gitops, format: 'helm' } },
      /'environmentLadder\.gitops\.format': 'helm' is not one of/,
    ],
    [
      'a clusterTimeout that is no duration',
      { rungs, clusterTimeout: 'soon' },
      /'environmentLadder\.clusterTimeout'/,
    ],
    [
      'a promotions.notifications that is not a boolean',
      { rungs, promotions: { notifications: 'sometimes' } },
      /'environmentLadder\.promotions\.notifications'/,
    ],
    [
      'a negative cache freshness',
      { rungs, cache: { freshness: { seconds: -5 } } },
      /'environmentLadder\.cache\.freshness': must be longer than zero/,
    ],
  ])(
    'refuses to start with %s, naming the key',
    (_case, environmentLadder, message) =>
      tally.trial(() =>
        nothingWritten(async () => {
          await expect(startWith(environmentLadder)).rejects.toThrow(message);
        }),
      ),
  );
});
