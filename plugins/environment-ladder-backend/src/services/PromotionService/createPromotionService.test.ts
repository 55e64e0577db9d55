import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  buildLadder,
  unifiedDiff,
  type PromotionRequest,
} from '@environment-ladder/plugin-environment-ladder-common';
// The ladder stories are the domain's own test fixtures, published as the
// common package's testUtils: the service is tested on the very ladders buildLadder is.
import {
  builds,
  brokenLadder,
  healthyLadder,
  prodMidCanaryLadder,
} from '@environment-ladder/plugin-environment-ladder-common/testUtils';
import type { Knex } from 'knex';
import { readLadderConfig } from '../../config';
import type { GitOpsConfig } from '../../config/gitOps';
import type {
  GitOpsRepository,
  OpenPromotionPullRequestOptions,
  PromotionPullRequestResult,
  PreparedChange,
} from '../GitOpsRepository/types';
import { createPromotionStore } from '../PromotionStore/createPromotionStore';
import type { PromotionStore } from '../PromotionStore/types';
import { createPromotionReconciler } from '../PromotionReconciler/createPromotionReconciler';
import { createPromotionService } from './createPromotionService';

jest.setTimeout(60_000);

const POSTGRES_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.warn(
    `PromotionService: PostgreSQL 15 tests are SKIPPED because ${POSTGRES_VARIABLE} is not set (and Docker is disabled or absent); only SQLite ran. Set it, e.g. to postgresql://postgres@127.0.0.1:5432, to run them.`,
  );
  // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect
  it.skip(`PostgreSQL 15 (skipped: ${POSTGRES_VARIABLE} is not set)`, () => {});
}

// ---------------------------------------------------------------------------
// The service `shop` of the ladder stories, its ladder and its GitOps files
// ---------------------------------------------------------------------------

/** The builds of the stories: v2 runs in staging and prod, v3 in dev (healthyLadder). */
const V2 = builds.v2;
const V3 = builds.v3;
const ENTITY_REF = 'component:default/shop';
const JANE = 'user:default/jane';
const OLGA = 'user:default/olga';
const REPOSITORY = 'https://github.com/acme/gitops';
const STAGING_FILE = 'apps/shop/overlays/staging/kustomization.yaml';
const PROD_FILE = 'apps/shop/overlays/prod/kustomization.yaml';
const STAGING_BRANCH = 'environment-ladder/shop/staging-c3c3c3c3c3c3';
const PROD_BRANCH = 'environment-ladder/shop/prod-c3c3c3c3c3c3';

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

const GITOPS: GitOpsConfig = {
  repository: REPOSITORY,
  baseBranch: 'main',
  pathTemplate: 'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
  format: 'kustomize',
  labels: [],
  reviewers: [],
};

/** The company's ladder as app-config.yaml describes it, with a preview rung between dev and staging. */
function ladderConfig(
  prodGate = { type: 'review-and-approval', canaryAnalysis: true },
) {
  return readLadderConfig(
    new ConfigReader({
      environmentLadder: {
        rungs: [
          { name: 'local', title: 'Local', gate: { type: 'auto-merge' } },
          {
            name: 'dev',
            title: 'Dev',
            clusters: ['dev-eu-1'],
            gate: { type: 'auto-merge' },
          },
          {
            name: 'preview',
            title: 'Previews',
            clusters: ['previews'],
            previews: {},
          },
          {
            name: 'staging',
            title: 'Staging',
            clusters: ['staging-eu-1'],
            gate: { type: 'review' },
          },
          {
            name: 'prod',
            title: 'Production',
            clusters: ['prod-eu-1', 'prod-us-1'],
            gate: prodGate,
          },
        ],
      },
    }),
  );
}

type Story = ReturnType<typeof healthyLadder>;

/** A story's ladder with the (empty) preview rung of the configuration after dev. */
function withPreviews(story: Story) {
  const rungs = [...story.rungs] as Parameters<typeof buildLadder>[0]['rungs'];
  rungs.splice(2, 0, {
    name: 'preview',
    title: 'Previews',
    kind: 'preview',
    observed: true,
    declared: {},
    result: { objectsByCluster: [] },
  });
  return { ...story, rungs };
}

/** staging runs v3 (as after dev → staging), prod still runs v2 under its Healthy rollout. */
function stagingAheadLadder(): Story {
  const healthy = healthyLadder();
  const staging = prodMidCanaryLadder().rungs.find(r => r.name === 'staging')!;
  return {
    ...healthy,
    rungs: healthy.rungs.map(rung =>
      rung.name === 'staging' ? staging : rung,
    ),
  };
}

/** A kustomize overlay as the GitOps repository keeps it, pinned to a digest. */
function overlay(environment: string, digest: string) {
  return [
    `# ${environment} overlay of shop`,
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `namespace: shop`,
    'resources:',
    '  - ../../base',
    'images:',
    '  - name: ghcr.io/acme/shop',
    `    digest: ${digest} # promoted by the Environment Ladder`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Fakes: the live ladder and a GitOps repository that remembers its pull requests
// ---------------------------------------------------------------------------

function fakeLadderService(initial: () => Story) {
  let story = initial;
  return {
    show(next: () => Story) {
      story = next;
    },
    getLadder: jest.fn(
      async (_entity: Entity, _options?: { fresh?: boolean }) =>
        buildLadder(withPreviews(story())),
    ),
  };
}

type FakePull = {
  number: number;
  url: string;
  branch: string;
  title: string;
  body: string;
  content: string;
  state: 'open' | 'closed';
  merged: boolean;
};

function fakeRepository() {
  const files: Record<string, string> = {
    [STAGING_FILE]: overlay('staging', V2),
    [PROD_FILE]: overlay('prod', V2),
  };
  const pulls: FakePull[] = [];
  /** Errors the next calls to openPromotionPullRequest throw, in order. */
  const failures: Error[] = [];
  /** Runs inside the next real (not dry) call, before it looks for an open pull request. */
  let interleave: { run: () => Promise<unknown>; thenFail?: Error } | undefined;

  const openPromotionPullRequest = jest.fn(
    async (
      options: OpenPromotionPullRequestOptions,
    ): Promise<PromotionPullRequestResult> => {
      if (!options.dryRun && interleave) {
        const { run, thenFail } = interleave;
        interleave = undefined;
        await run();
        if (thenFail) throw thenFail;
      }
      const failure = failures.shift();
      if (failure) throw failure;
      const result = (fields: Partial<PromotionPullRequestResult>) => ({
        url: null,
        number: null,
        branch: options.branch,
        reused: false,
        diff: '',
        dryRun: options.dryRun === true,
        warnings: [],
        requests: 1,
        ...fields,
      });
      const open = pulls.find(
        p => p.branch === options.branch && p.state === 'open',
      );
      if (open && !options.dryRun) {
        return result({ url: open.url, number: open.number, reused: true });
      }
      const before = files[options.filePath];
      if (before === undefined) {
        throw new NotFoundError(`No ${options.filePath} in acme/gitops`);
      }
      const after = options.edit(before).text;
      const diff = unifiedDiff(before, after, { path: options.filePath });
      if (options.dryRun) {
        return result({
          url: open?.url ?? null,
          number: open?.number ?? null,
          diff,
        });
      }
      const number = 101 + pulls.length;
      const pull: FakePull = {
        number,
        url: `${REPOSITORY}/pull/${number}`,
        branch: options.branch,
        title: options.title,
        body: options.body,
        content: after,
        state: 'open',
        merged: false,
      };
      pulls.push(pull);
      return result({ url: pull.url, number, diff });
    },
  );
  const getPullRequestState = jest.fn(
    async ({ repoUrl, number }: { repoUrl: string; number: number }) => {
      const pull = pulls.find(p => p.number === number);
      if (repoUrl !== REPOSITORY || !pull) {
        throw new NotFoundError(`No pull request #${number} in ${repoUrl}`);
      }
      return { state: pull.state, merged: pull.merged };
    },
  );
  const prepareChange = jest.fn(
    async (
      options: Parameters<GitOpsRepository['prepareChange']>[0],
    ): Promise<PreparedChange> => {
      const before = files[options.filePath];
      if (before === undefined) {
        throw new NotFoundError(`No ${options.filePath} in acme/gitops`);
      }
      let after: string;
      try {
        after = options.edit(before).text;
      } catch (error) {
        throw new InputError(
          `Cannot edit ${options.filePath}: ${(error as Error).message}`,
        );
      }
      return {
        repoUrl: options.repoUrl,
        baseBranch: options.baseBranch ?? 'main',
        filePath: options.filePath,
        fileSha: 'blob',
        after,
        diff: unifiedDiff(before, after, { path: options.filePath }),
        requests: 2,
      };
    },
  );
  const repository: GitOpsRepository = {
    prepareChange,
    openPromotionPullRequest,
    getPullRequestState,
  };
  return {
    repository,
    pulls,
    failures,
    openPromotionPullRequest,
    getPullRequestState,
    /** The calls that would have written to GitHub. */
    writes: () =>
      openPromotionPullRequest.mock.calls.filter(
        ([options]) => !options.dryRun,
      ),
    interleave(run: () => Promise<unknown>, thenFail?: Error) {
      interleave = { run, thenFail };
    },
    merge(number: number) {
      Object.assign(pulls.find(p => p.number === number)!, {
        state: 'closed',
        merged: true,
      });
    },
    close(number: number) {
      pulls.find(p => p.number === number)!.state = 'closed';
    },
  };
}

const request = (
  overrides: Partial<PromotionRequest> = {},
): PromotionRequest => ({
  entityRef: ENTITY_REF,
  targetEnvironment: 'staging',
  reason: 'Release 1.5 with the new basket',
  ...overrides,
});

const ALL_RULES = [
  'target-is-known',
  'target-is-observed',
  'target-is-not-lowest',
  'source-is-next-rung',
  'digest-is-canonical',
  'source-runs-digest-healthy',
  'target-does-not-run-digest',
  'no-promotion-in-flight',
  'gate',
];

describe.each(databases.eachSupportedId())(
  'createPromotionService on %s',
  databaseId => {
    let knex: Knex;

    async function setup(
      options: {
        story?: () => Story;
        prodGate?: { type: string; canaryAnalysis: boolean };
        /** When the reconciler runs; by default long after every request, so it may take any over. */
        reconcilerNow?: () => Date;
        /** `promotions.claimDuration` in milliseconds. */
        claimMs?: number;
      } = {},
    ) {
      knex = await databases.init(databaseId);
      const store = await createPromotionStore({
        database: { getClient: async () => knex },
      });
      const ladder = fakeLadderService(options.story ?? healthyLadder);
      const github = fakeRepository();
      const logger = mockServices.logger.mock();
      const serviceOptions = {
        config: {
          ...ladderConfig(options.prodGate),
          ...(options.claimMs ? { promotionClaimMs: options.claimMs } : {}),
        },
        gitOps: GITOPS,
        ladderService: ladder,
        store,
        repository: github.repository,
        catalog: catalogServiceMock({ entities: [shop] }),
        auth: mockServices.auth(),
        logger,
        entityUrl: (entity: Entity) =>
          `http://localhost:3000/catalog/default/component/${entity.metadata.name}/environments`,
        now:
          options.reconcilerNow ??
          (() => new Date(Date.now() + 60 * 60 * 1000)),
      };
      // The service and the reconciler, as plugin.ts makes them; tests call both on one object.
      const service = {
        ...createPromotionService(serviceOptions),
        ...createPromotionReconciler(serviceOptions),
      };
      const requestAs = (
        requestedBy: string,
        overrides: Partial<PromotionRequest> = {},
      ) =>
        service.request({
          request: request(overrides),
          entity: shop,
          requestedBy,
        });
      return { service, store, ladder, github, logger, requestAs };
    }

    async function rowCounts() {
      const [{ promotions }] = await knex(
        'environment_ladder_promotions',
      ).count({
        promotions: '*',
      });
      const [{ events }] = await knex(
        'environment_ladder_promotion_events',
      ).count({
        events: '*',
      });
      return { promotions: Number(promotions), events: Number(events) };
    }

    /** Records a promotion the way a backend that crashed right after recording it left it. */
    function recordDirectly(
      store: PromotionStore,
      overrides: {
        targetEnvironment?: string;
        sourceEnvironment?: string;
        digest?: string;
      } = {},
    ) {
      return store.create({
        entityRef: ENTITY_REF,
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        digest: V3,
        reason: 'Release 1.5 with the new basket',
        requestedBy: JANE,
        verdicts: [],
        ...overrides,
      });
    }

    it('answers a dry run with the diff and the pull request, writing nothing', async () => {
      const { requestAs, store, github } = await setup();

      const response = await requestAs(JANE, {
        dryRun: true,
        idempotencyKey: 'dry-1',
      });

      expect(response).toEqual({
        promotion: {
          id: 'dry-run',
          kind: 'promotion',
          entityRef: ENTITY_REF,
          sourceEnvironment: 'dev',
          targetEnvironment: 'staging',
          digest: V3,
          reason: 'Release 1.5 with the new basket',
          requestedBy: JANE,
          state: 'requested',
          verdicts: expect.any(Array),
          pullRequest: null,
          approvals: [],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          history: [],
          error: null,
        },
        created: false,
        dryRun: {
          repository: REPOSITORY,
          filePath: STAGING_FILE,
          diff: [
            `--- a/${STAGING_FILE}`,
            `+++ b/${STAGING_FILE}`,
            '@@ -6,4 +6,4 @@',
            '   - ../../base',
            ' images:',
            '   - name: ghcr.io/acme/shop',
            `-    digest: ${V2} # promoted by the Environment Ladder`,
            `+    digest: ${V3} # promoted by the Environment Ladder`,
            '',
          ].join('\n'),
          pullRequest: {
            branch: STAGING_BRANCH,
            title: 'Promote shop to staging: sha256:c3c3c3c3c3c3',
            body: expect.any(String),
          },
        },
      });
      expect(response.promotion.verdicts.map(v => [v.rule, v.passed])).toEqual(
        ALL_RULES.map(rule => [rule, true]),
      );
      const body = response.dryRun!.pullRequest.body;
      expect(body).toContain(`| Digest | \`${V3}\` |`);
      expect(body).toContain(
        '| From | dev, running it since 2024-05-06T10:15:00',
      );
      expect(body).toContain('> Release 1.5 with the new basket');
      expect(body).toContain('| Requested by | user:default/jane |');
      expect(body).toContain(
        '(http://localhost:3000/catalog/default/component/shop/environments)',
      );

      expect(github.openPromotionPullRequest).toHaveBeenCalledTimes(1);
      expect(github.openPromotionPullRequest.mock.calls[0][0]).toMatchObject({
        repoUrl: REPOSITORY,
        baseBranch: 'main',
        filePath: STAGING_FILE,
        branch: STAGING_BRANCH,
        dryRun: true,
      });
      expect(github.pulls).toEqual([]);
      expect(await store.listForEntity(ENTITY_REF)).toEqual([]);
      expect(await rowCounts()).toEqual({ promotions: 0, events: 0 });
    });

    it('records dev → staging, opens its pull request once and ends pr-open', async () => {
      const { requestAs, service, github } = await setup();

      const response = await requestAs(JANE);

      const pullRequest = {
        url: `${REPOSITORY}/pull/101`,
        number: 101,
        branch: STAGING_BRANCH,
      };
      expect(response).toEqual({
        created: true,
        promotion: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          kind: 'promotion',
          entityRef: ENTITY_REF,
          sourceEnvironment: 'dev',
          targetEnvironment: 'staging',
          digest: V3,
          reason: 'Release 1.5 with the new basket',
          requestedBy: JANE,
          state: 'pr-open',
          verdicts: expect.any(Array),
          pullRequest,
          approvals: [],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          history: [
            {
              state: 'requested',
              at: expect.any(String),
              message: `requested by ${JANE}`,
            },
            {
              state: 'pr-open',
              at: expect.any(String),
              message: 'pull request #101 opened',
            },
          ],
          error: null,
        },
      });
      expect(response.promotion.verdicts.every(v => v.passed)).toBe(true);
      expect(await service.get(response.promotion.id)).toEqual(
        response.promotion,
      );
      expect(await service.listForEntity(ENTITY_REF)).toEqual([
        response.promotion,
      ]);

      expect(github.writes()).toHaveLength(1);
      expect(github.writes()[0][0]).toMatchObject({
        repoUrl: REPOSITORY,
        baseBranch: 'main',
        filePath: STAGING_FILE,
        branch: STAGING_BRANCH,
        title: 'Promote shop to staging: sha256:c3c3c3c3c3c3',
        dryRun: false,
      });
      // Only the digest line of the staging overlay changes.
      expect(github.pulls).toHaveLength(1);
      expect(github.pulls[0].content).toBe(
        overlay('staging', V2).replace(V2, V3),
      );
    });

    it('answers the same idempotency key twice with one promotion and one pull request', async () => {
      const { requestAs, github } = await setup();

      const first = await requestAs(JANE, {
        idempotencyKey: 'scaffolder-task-7',
      });
      const again = await requestAs(JANE, {
        idempotencyKey: 'scaffolder-task-7',
      });

      expect(first.created).toBe(true);
      expect(again).toEqual({ promotion: first.promotion, created: false });
      expect(github.writes()).toHaveLength(1);
      expect(github.pulls).toHaveLength(1);
      expect(await rowCounts()).toMatchObject({ promotions: 1 });
    });

    it('refuses a second promotion to the same rung while one is in flight (no-promotion-in-flight)', async () => {
      const { requestAs, github } = await setup();
      const { promotion } = await requestAs(JANE, { idempotencyKey: 'first' });

      const second = requestAs(OLGA, {
        idempotencyKey: 'second',
        reason: 'Me too',
      });

      await expect(second).rejects.toThrow(
        new ConflictError(
          `Rule no-promotion-in-flight: A promotion to Staging is already in flight (pull request #${
            promotion.pullRequest!.number
          }, state pr-open, sha256:c3c3c3c3c3c3…); wait until it is verified or has failed`,
        ),
      );
      await expect(requestAs(OLGA)).rejects.toThrow(
        /^Rule no-promotion-in-flight: /,
      );
      expect(github.writes()).toHaveLength(1);
      expect(await rowCounts()).toMatchObject({ promotions: 1 });
    });

    describe('refusals record nothing and never call GitHub', () => {
      it.each<[string, Partial<PromotionRequest>, () => Story, Error]>([
        [
          'an upper-case digest',
          { digest: `sha256:${'C3'.repeat(32)}` },
          healthyLadder,
          new InputError(
            `Rule digest-is-canonical: "sha256:${'C3'.repeat(
              32,
            )}" is not a digest in canonical form: sha256: followed by 64 lowercase hex characters (a tag, a short digest, upper case or another algorithm is refused)`,
          ),
        ],
        [
          'the preview rung as target',
          { targetEnvironment: 'preview' },
          healthyLadder,
          new InputError(
            'Rule target-is-known: Previews is a preview rung: previews are created by pull requests, never by a promotion',
          ),
        ],
        [
          'an unknown target',
          { targetEnvironment: 'qa' },
          healthyLadder,
          new InputError(
            'Rule target-is-known: "qa" is not a rung of the ladder (rungs: local, dev, preview, staging, prod)',
          ),
        ],
        [
          'a source that is not healthy (brokenLadder: staging pods on two digests)',
          { targetEnvironment: 'prod', digest: V3 },
          brokenLadder,
          new ConflictError(
            'Rule source-runs-digest-healthy: Staging is not a healthy source for sha256:c3c3c3c3c3c3…: it runs sha256:c3c3c3c3c3c3… next to 1 other digest; wait until it runs only this one',
          ),
        ],
        [
          'a digest the target already runs',
          { targetEnvironment: 'prod' },
          healthyLadder,
          new ConflictError(
            'Rule target-does-not-run-digest: Production already runs sha256:b2b2b2b2b2b2…',
          ),
        ],
      ])('refuses %s', async (_case, overrides, story, error) => {
        const { requestAs, github, service } = await setup({ story });

        await expect(requestAs(JANE, overrides)).rejects.toThrow(error);
        await expect(
          requestAs(JANE, { ...overrides, dryRun: true }),
        ).rejects.toThrow(error);

        expect(github.openPromotionPullRequest).not.toHaveBeenCalled();
        expect(github.getPullRequestState).not.toHaveBeenCalled();
        expect(await rowCounts()).toEqual({ promotions: 0, events: 0 });
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
      });
    });

    describe('the prod gate (review-and-approval)', () => {
      it('waits for someone other than the requester to approve, then opens the pull request', async () => {
        const { requestAs, service, github } = await setup({
          story: stagingAheadLadder,
        });

        const requested = await requestAs(JANE, { targetEnvironment: 'prod' });
        expect(requested).toEqual({
          created: true,
          promotion: expect.objectContaining({
            sourceEnvironment: 'staging',
            targetEnvironment: 'prod',
            digest: V3,
            state: 'requested',
            pullRequest: null,
            approvals: [],
          }),
        });
        const { id } = requested.promotion;
        expect(
          requested.promotion.verdicts.find(v => v.rule === 'gate')?.message,
        ).toBe(
          'Production needs a reviewed pull request and a manual approval, then a canary rollout whose analysis must succeed',
        );
        // The reconciler leaves it alone until it is approved.
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
        expect(github.openPromotionPullRequest).not.toHaveBeenCalled();

        await expect(service.approve({ id, approver: JANE })).rejects.toThrow(
          new ConflictError(
            `Rule approver-is-not-requester: ${JANE} requested this promotion and cannot also approve it`,
          ),
        );
        expect((await service.get(id))?.state).toBe('requested');
        expect(github.openPromotionPullRequest).not.toHaveBeenCalled();

        const approved = await service.approve({ id, approver: OLGA });
        expect(approved).toMatchObject({
          id,
          state: 'pr-open',
          approvals: [OLGA],
          pullRequest: {
            url: `${REPOSITORY}/pull/101`,
            number: 101,
            branch: PROD_BRANCH,
          },
          error: null,
        });
        expect(approved.history.map(e => [e.state, e.message])).toEqual([
          ['requested', `requested by ${JANE}`],
          ['requested', `approved by ${OLGA}`],
          ['pr-open', 'pull request #101 opened'],
        ]);
        expect(github.writes()).toHaveLength(1);
        expect(github.writes()[0][0]).toMatchObject({
          filePath: PROD_FILE,
          branch: PROD_BRANCH,
        });

        await expect(service.approve({ id, approver: OLGA })).rejects.toThrow(
          /^Rule approval-while-requested: promotion .* is pr-open/,
        );
        await expect(
          service.approve({
            id: '00000000-0000-4000-8000-000000000000',
            approver: OLGA,
          }),
        ).rejects.toThrow(NotFoundError);
        expect(github.writes()).toHaveLength(1);
      });

      it('opens one pull request when two approvers approve at once', async () => {
        const { requestAs, service, github } = await setup({
          story: stagingAheadLadder,
        });
        const { promotion } = await requestAs(JANE, {
          targetEnvironment: 'prod',
        });

        const settled = await Promise.allSettled([
          service.approve({ id: promotion.id, approver: OLGA }),
          service.approve({ id: promotion.id, approver: 'user:default/sam' }),
        ]);

        const stored = await service.get(promotion.id);
        expect(stored).toMatchObject({ state: 'pr-open', error: null });
        expect(github.pulls).toHaveLength(1);
        // The approval holding the claim opens the pull request; a lost race answers the
        // promotion as it is (still requested, being opened), or refuses; it never fails it.
        const answered = settled.flatMap(r =>
          r.status === 'fulfilled' ? [r.value.state] : [],
        );
        const refused = settled.flatMap(r =>
          r.status === 'rejected' ? [r.reason] : [],
        );
        expect(answered).toContain('pr-open');
        expect(
          answered.every(state => state === 'pr-open' || state === 'requested'),
        ).toBe(true);
        expect(refused.every(error => error instanceof ConflictError)).toBe(
          true,
        );
      });
    });

    it('keeps the promotion requested when GitHub is unavailable, and the reconciler opens the pull request later', async () => {
      const { requestAs, service, github, logger } = await setup();
      const outage = new ServiceUnavailableError(
        'GitHub answered 503 while opening the pull request in acme/gitops on github.com; try again later',
      );
      github.failures.push(outage);

      const response = await requestAs(JANE);

      expect(response).toEqual({
        created: true,
        promotion: expect.objectContaining({
          state: 'requested',
          pullRequest: null,
          error: null,
        }),
        warnings: [
          `The pull request could not be opened yet and will be retried: ${outage.message}`,
        ],
      });
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not open a promotion pull request yet',
        { promotionId: response.promotion.id, error: outage.message },
      );
      expect(github.pulls).toEqual([]);

      expect(await service.reconcile()).toEqual({ advanced: 1, failed: 0 });
      const promotion = await service.get(response.promotion.id);
      expect(promotion).toMatchObject({
        state: 'pr-open',
        pullRequest: { number: 101, branch: STAGING_BRANCH },
        error: null,
      });
      expect(github.writes()).toHaveLength(2);
      expect(github.pulls).toHaveLength(1);
    });

    it('fails the promotion when GitHub refuses the change (422), leaving nothing half-done', async () => {
      const { requestAs, service, github } = await setup();
      const refusal = new ConflictError(
        'GitHub refused opening the pull request from environment-ladder/shop/staging-c3c3c3c3c3c3 into main in acme/gitops on github.com (422: Validation Failed)',
      );
      github.failures.push(refusal);

      await expect(
        requestAs(JANE, { idempotencyKey: 'task-422' }),
      ).rejects.toThrow(refusal);

      const [promotion] = await service.listForEntity(ENTITY_REF);
      expect(promotion).toMatchObject({
        state: 'failed',
        pullRequest: null,
        error: refusal.message,
      });
      expect(promotion.history.map(e => [e.state, e.message])).toEqual([
        ['requested', `requested by ${JANE}`],
        ['failed', refusal.message],
      ]);
      expect(github.pulls).toEqual([]);
      // Nothing is left in flight: the reconciler has nothing to do, and the rung is free again.
      expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
      expect(github.writes()).toHaveLength(1);
      const retry = await requestAs(JANE, { idempotencyKey: 'task-422-retry' });
      expect(retry.promotion.state).toBe('pr-open');
    });

    describe('the reconciler', () => {
      it('follows a merged pull request to merged → running → verified in one pass', async () => {
        const { requestAs, service, github, ladder } = await setup();
        const { promotion } = await requestAs(JANE);

        // Nothing happened yet: the pull request is open, staging still runs v2.
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
        github.merge(101);
        ladder.show(stagingAheadLadder);

        expect(await service.reconcile()).toEqual({ advanced: 3, failed: 0 });
        const verified = await service.get(promotion.id);
        expect(verified).toMatchObject({ state: 'verified', error: null });
        expect(verified!.history.map(e => [e.state, e.message])).toEqual([
          ['requested', `requested by ${JANE}`],
          ['pr-open', 'pull request #101 opened'],
          ['merged', 'pull request merged'],
          ['running', 'Staging runs sha256:c3c3c3c3c3c3…'],
          [
            'verified',
            'Staging runs sha256:c3c3c3c3c3c3… on all 2 replicas; deployment shop fully available (2/2)',
          ],
        ]);
        expect(github.getPullRequestState).toHaveBeenLastCalledWith({
          repoUrl: REPOSITORY,
          number: 101,
        });
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
      });

      it('verifies a prod promotion once its rollout is Healthy on the digest', async () => {
        const { store, service, github } = await setup({
          story: healthyLadder,
          prodGate: { type: 'review-and-approval', canaryAnalysis: false },
        });
        // A promotion of v2 whose pull request was opened; prod now runs v2 (healthyLadder).
        const { promotion } = await recordDirectly(store, {
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
          digest: V2,
        });
        await store.transition(
          promotion.id,
          'pr-open',
          'pull request #101 opened',
          {
            pullRequest: {
              url: `${REPOSITORY}/pull/101`,
              number: 101,
              branch: 'b',
            },
          },
        );
        github.pulls.push({
          number: 101,
          url: `${REPOSITORY}/pull/101`,
          branch: 'b',
          title: 't',
          body: 'b',
          content: '',
          state: 'closed',
          merged: true,
        });

        expect(await service.reconcile()).toEqual({ advanced: 3, failed: 0 });
        const verified = await service.get(promotion.id);
        expect(verified!.history.map(e => e.state)).toEqual([
          'requested',
          'pr-open',
          'merged',
          'running',
          'verified',
        ]);
        expect(verified!.history[4].message).toBe(
          'Production runs sha256:b2b2b2b2b2b2… on all 8 replicas; rollout shop Healthy, rollout shop Healthy',
        );
      });

      it('keeps a prod promotion running while the canary is mid-way, and while no analysis succeeded', async () => {
        const { store, service, github, ladder } = await setup({
          story: prodMidCanaryLadder,
        });
        const { promotion } = await recordDirectly(store, {
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
          digest: V3,
        });
        await store.transition(
          promotion.id,
          'pr-open',
          'pull request #101 opened',
          {
            pullRequest: {
              url: `${REPOSITORY}/pull/101`,
              number: 101,
              branch: PROD_BRANCH,
            },
          },
        );
        github.pulls.push({
          number: 101,
          url: `${REPOSITORY}/pull/101`,
          branch: PROD_BRANCH,
          title: 't',
          body: 'b',
          content: '',
          state: 'closed',
          merged: true,
        });

        // prodMidCanaryLadder: one canary pod runs v3 next to v2, analysis Running.
        expect(await service.reconcile()).toEqual({ advanced: 2, failed: 0 });
        expect((await service.get(promotion.id))!.state).toBe('running');
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });

        // Even a Healthy rollout is not enough when the gate asks for canary analysis
        // and no AnalysisRun succeeded (healthyLadder's prod has none, on v2).
        ladder.show(healthyLadder);
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
        expect((await service.get(promotion.id))!.state).toBe('running');
      });

      it('fails a promotion whose pull request was closed without merging', async () => {
        const { requestAs, service, github } = await setup();
        const { promotion } = await requestAs(JANE);
        github.close(101);

        expect(await service.reconcile()).toEqual({ advanced: 1, failed: 0 });

        expect(await service.get(promotion.id)).toMatchObject({
          state: 'failed',
          error: 'pull request closed without merging',
        });
        // The rung is free for another promotion.
        const { promotion: next } = await requestAs(JANE, {
          reason: 'Second try',
        });
        expect(next.state).toBe('pr-open');
      });

      it('fails a promotion whose pull request no longer exists, instead of retrying it forever', async () => {
        const { requestAs, service, github } = await setup();
        const { promotion } = await requestAs(JANE);
        github.pulls.splice(0, github.pulls.length);

        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 1 });
        expect(await service.get(promotion.id)).toMatchObject({
          state: 'failed',
          error: 'pull request #101 no longer exists',
        });
        // Nothing left to follow on the next pass.
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
      });

      it('leaves a promotion to the request that holds its claim', async () => {
        const { service, github, store } = await setup({
          reconcilerNow: () => new Date(),
        });
        // As if a request had just recorded it and were still opening its pull request.
        const { promotion } = await store.create(
          {
            entityRef: 'component:default/shop',
            sourceEnvironment: 'dev',
            targetEnvironment: 'staging',
            digest: `sha256:${'3'.repeat(64)}`,
            reason: 'In progress',
            requestedBy: JANE,
            verdicts: [],
          },
          { owner: 'a-request-on-another-replica', durationMs: 60_000 },
        );
        expect(await service.reconcile()).toEqual({ advanced: 0, failed: 0 });
        expect(github.writes()).toEqual([]);
        expect((await service.get(promotion.id))!.state).toBe('requested');
      });

      it('resumes a promotion once the claim of a worker that died has expired', async () => {
        const { service, github, store } = await setup();
        const { promotion } = await store.create(
          {
            entityRef: 'component:default/shop',
            sourceEnvironment: 'dev',
            targetEnvironment: 'staging',
            digest: V3,
            reason: 'Release 1.5 with the new basket',
            requestedBy: JANE,
            verdicts: [],
          },
          { owner: 'a-replica-that-was-killed', durationMs: 1 },
        );
        await new Promise(resolve => setTimeout(resolve, 20));
        expect(await service.reconcile()).toEqual({ advanced: 1, failed: 0 });
        expect(github.writes()).toHaveLength(1);
        expect((await service.get(promotion.id))!.state).toBe('pr-open');
      });

      it('picks up a promotion a crashed backend left requested (backend restarted mid-promotion)', async () => {
        const { store, service, github } = await setup();
        // The backend recorded the promotion and died before calling GitHub.
        const { promotion } = await recordDirectly(store);

        expect(await service.reconcile()).toEqual({ advanced: 1, failed: 0 });

        expect(await service.get(promotion.id)).toMatchObject({
          state: 'pr-open',
          pullRequest: {
            url: `${REPOSITORY}/pull/101`,
            number: 101,
            branch: STAGING_BRANCH,
          },
          error: null,
        });
        expect(github.writes()).toHaveLength(1);
        expect(github.pulls[0].content).toBe(
          overlay('staging', V2).replace(V2, V3),
        );
      });

      it('reuses the pull request a crashed backend opened but did not record', async () => {
        const { store, service, github } = await setup();
        const { promotion } = await recordDirectly(store);
        // It died after GitHub opened the pull request, before the ledger said so.
        await github.repository.openPromotionPullRequest({
          repoUrl: REPOSITORY,
          filePath: STAGING_FILE,
          edit: text => ({ text: text.replace(V2, V3) }),
          branch: STAGING_BRANCH,
          title: 'Promote shop to staging: sha256:c3c3c3c3c3c3',
          body: 'body',
        });

        expect(await service.reconcile()).toEqual({ advanced: 1, failed: 0 });

        const reconciled = await service.get(promotion.id);
        expect(reconciled).toMatchObject({
          state: 'pr-open',
          pullRequest: { number: 101, branch: STAGING_BRANCH },
        });
        expect(reconciled!.history.at(-1)?.message).toBe(
          'pull request #101 reused',
        );
        expect(github.pulls).toHaveLength(1);
      });

      it('a pass while the request opens the pull request leaves the promotion to the request', async () => {
        const { requestAs, service, github } = await setup();
        // While the request is opening its pull request, the scheduled pass runs.
        let pass: Promise<{ advanced: number; failed: number }> | undefined;
        github.interleave(() => (pass = service.reconcile()));

        const response = await requestAs(JANE);

        expect(await pass).toEqual({ advanced: 0, failed: 0 });
        expect(response.promotion).toMatchObject({
          state: 'pr-open',
          error: null,
        });
        expect(await service.get(response.promotion.id)).toMatchObject({
          state: 'pr-open',
          pullRequest: { number: 101, branch: STAGING_BRANCH },
          error: null,
        });
        expect(github.pulls).toHaveLength(1);
        expect(github.writes()).toHaveLength(1);
      });
    });

    it('a request that outlives its claim duration keeps the claim (it renews it), so a pass meanwhile still leaves it alone', async () => {
      const { requestAs, service, github } = await setup({ claimMs: 60 });
      let pass: Promise<{ advanced: number; failed: number }> | undefined;
      github.interleave(async () => {
        // Five claim durations: without renewal, the claim would have expired.
        await new Promise(resolve => setTimeout(resolve, 300));
        pass = service.reconcile();
        await pass;
      });

      const response = await requestAs(JANE);

      expect(await pass).toEqual({ advanced: 0, failed: 0 });
      expect(response.promotion).toMatchObject({ state: 'pr-open' });
      expect(github.writes()).toHaveLength(1);
      expect(github.pulls).toHaveLength(1);
    });

    describe('concurrency', () => {
      it('records one promotion and opens one pull request for 50 concurrent identical requests', async () => {
        const { requestAs, github } = await setup();

        // Staggered over a few milliseconds, so that some arrive while the first is recorded
        // and others after its pull request was opened.
        const settled = await Promise.allSettled(
          Array.from({ length: 50 }, async (_, index) => {
            await new Promise(resolve => setTimeout(resolve, index % 10));
            return requestAs(JANE, { idempotencyKey: 'same-task' });
          }),
        );

        const rejected = settled.filter(
          (r): r is PromiseRejectedResult => r.status === 'rejected',
        );
        expect(rejected.map(r => String(r.reason))).toEqual([]);
        const responses = settled.map(
          r => (r as PromiseFulfilledResult<any>).value,
        );
        expect(responses.filter(r => r.created)).toHaveLength(1);
        expect(new Set(responses.map(r => r.promotion.id)).size).toBe(1);
        expect(github.writes()).toHaveLength(1);
        expect(github.pulls).toHaveLength(1);
        expect(await rowCounts()).toMatchObject({ promotions: 1 });
      });

      it('lets one of two different concurrent promotions to the same rung win; the other is a ConflictError', async () => {
        const { requestAs, github, service } = await setup();

        const settled = await Promise.allSettled([
          requestAs(JANE, { idempotencyKey: 'jane', reason: 'Jane wants it' }),
          requestAs(OLGA, { idempotencyKey: 'olga', reason: 'Olga wants it' }),
        ]);

        const won = settled.filter(r => r.status === 'fulfilled');
        const lost = settled.filter(
          (r): r is PromiseRejectedResult => r.status === 'rejected',
        );
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(ConflictError);
        expect(lost[0].reason.message).toMatch(/already in flight/);
        expect(github.pulls).toHaveLength(1);
        expect(await service.listForEntity(ENTITY_REF)).toEqual([
          expect.objectContaining({ state: 'pr-open' }),
        ]);
      });
    });
  },
);
