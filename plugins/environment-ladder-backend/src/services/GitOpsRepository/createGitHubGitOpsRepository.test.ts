import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import { updateImageDigest } from '@environment-ladder/plugin-environment-ladder-common';
import { readFileSync } from 'fs';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { resolve } from 'path';
import { createGitHubGitOpsRepository } from './createGitHubGitOpsRepository';
import type { OpenPromotionPullRequestOptions } from './types';

// ---------------------------------------------------------------------------
// Recorded exchanges (see src/__fixtures__/github/README.md)
// ---------------------------------------------------------------------------

type Exchange = {
  request: { method: string; url: string };
  response: { status: number; data: any };
};
type NockRecord = {
  method: string;
  path: string;
  status: number;
  response: any;
};

function recorded<T>(file: string): T {
  return JSON.parse(
    readFileSync(resolve(__dirname, '../../__fixtures__/github', file), 'utf8'),
  );
}
function exchange(exchanges: Exchange[], method: string, url: string) {
  const found = exchanges.find(
    e => e.request.method === method && e.request.url === url,
  );
  if (!found) throw new Error(`No recorded ${method} ${url}`);
  return found.response;
}

const happyPath = recorded<Exchange[]>(
  'octokit-plugin-create-pull-request/happy-path.json',
);
const labelsExchanges = recorded<Exchange[]>(
  'octokit-plugin-create-pull-request/labels.json',
);
const updateReadme = recorded<Exchange[]>(
  'octokit-plugin-create-pull-request/update-readme.json',
);
const createFile = recorded<NockRecord[]>('octokit-fixtures/create-file.json');
const gitRefs = recorded<NockRecord[]>('octokit-fixtures/git-refs.json');

const RECORDED = {
  repository: exchange(happyPath, 'GET', '/repos/{owner}/{repo}'),
  /** The base branch's head commit, as recorded. */
  baseSha: exchange(happyPath, 'GET', '/repos/{owner}/{repo}/commits').data[0]
    .sha as string,
  createRef: exchange(happyPath, 'POST', '/repos/{owner}/{repo}/git/refs'),
  pull: exchange(happyPath, 'POST', '/repos/{owner}/{repo}/pulls'),
  labels: exchange(
    labelsExchanges,
    'POST',
    '/repos/{owner}/{repo}/issues/{number}/labels',
  ),
  contents: exchange(
    updateReadme,
    'GET',
    '/repos/{owner}/{repo}/contents/:path',
  ),
  putContents: createFile.find(r => r.method === 'put')!,
  ref: gitRefs.find(r => r.method === 'get')!.response[0],
  patchRef: gitRefs.find(r => r.method === 'patch')!,
  deleteRef: gitRefs.find(r => r.method === 'delete')!,
};

// ---------------------------------------------------------------------------
// The promotion under test
// ---------------------------------------------------------------------------

const TOKEN = 'ghp_do-not-leak-0123456789abcdefghijklmnop';
const OWNER_REPO = '/repos/gr2m/pull-request-test';
const REPO_URL = 'https://github.com/gr2m/pull-request-test';
const FILE = 'apps/shop/overlays/prod/kustomization.yaml';
const OLD = `sha256:${'a1'.repeat(32)}`;
const NEW = `sha256:${'b2'.repeat(32)}`;
const BRANCH = 'environment-ladder/shop/prod-b2b2b2b2b2b2';

const KUSTOMIZATION = [
  '# prod overlay of shop',
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'resources:',
  '  - ../../base',
  'images:',
  '  - name: ghcr.io/acme/shop',
  `    digest: ${OLD} # promoted by the Environment Ladder`,
  '',
].join('\n');

function options(
  overrides: Partial<OpenPromotionPullRequestOptions> = {},
): OpenPromotionPullRequestOptions {
  return {
    repoUrl: REPO_URL,
    filePath: FILE,
    edit: text =>
      updateImageDigest(text, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: NEW,
      }),
    branch: BRANCH,
    title: 'Promote shop to prod: sha256:b2b2b2b2b2b2',
    body: '## Promote shop to prod',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------
// A GitHub that answers with the recorded responses and writes down what it was sent
// ---------------------------------------------------------------------------

type Sent = {
  method: string;
  route: string;
  body?: any;
  authorization: string | null;
};
type Reply = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

const server = setupServer();
registerMswTestHooks(server);

/** GitHub's contents API wraps base64 at 60 characters, with a final newline. */
function githubBase64(text: string) {
  return `${Buffer.from(text)
    .toString('base64')
    .match(/.{1,60}/g)!
    .join('\n')}\n`;
}

function fakeGitHub(
  scenario: { openPulls?: unknown[]; replies?: Record<string, Reply> } = {},
) {
  const sent: Sent[] = [];
  const routes: Record<string, () => Reply> = {
    [`GET ${OWNER_REPO}/pulls`]: () => ({
      status: 200,
      body: scenario.openPulls ?? [],
    }),
    [`GET ${OWNER_REPO}`]: () => ({
      status: 200,
      body: RECORDED.repository.data,
    }),
    [`GET ${OWNER_REPO}/git/ref/heads/master`]: () => ({
      status: 200,
      // The recorded ref object, pointing at the recorded base commit.
      body: {
        ...RECORDED.ref,
        ref: 'refs/heads/master',
        object: { ...RECORDED.ref.object, sha: RECORDED.baseSha },
      },
    }),
    [`GET ${OWNER_REPO}/contents/${FILE}`]: () => ({
      status: 200,
      // The recorded contents response, carrying our kustomization instead of a README.
      body: {
        ...RECORDED.contents.data,
        name: 'kustomization.yaml',
        path: FILE,
        size: KUSTOMIZATION.length,
        content: githubBase64(KUSTOMIZATION),
      },
    }),
    [`POST ${OWNER_REPO}/git/refs`]: () => ({
      status: RECORDED.createRef.status,
      body: RECORDED.createRef.data,
    }),
    [`PATCH ${OWNER_REPO}/git/refs/heads/${BRANCH}`]: () => ({
      status: RECORDED.patchRef.status,
      body: RECORDED.patchRef.response,
    }),
    [`PUT ${OWNER_REPO}/contents/${FILE}`]: () => ({
      status: 200,
      body: RECORDED.putContents.response,
    }),
    [`POST ${OWNER_REPO}/pulls`]: () => ({
      status: RECORDED.pull.status,
      body: RECORDED.pull.data,
    }),
    [`POST ${OWNER_REPO}/issues/87/labels`]: () => ({
      status: RECORDED.labels.status,
      body: RECORDED.labels.data,
    }),
    [`POST ${OWNER_REPO}/pulls/87/requested_reviewers`]: () => ({
      status: 201,
      body: RECORDED.pull.data,
    }),
    [`DELETE ${OWNER_REPO}/git/refs/heads/${BRANCH}`]: () => ({
      status: RECORDED.deleteRef.status,
    }),
    [`GET ${OWNER_REPO}/pulls/87`]: () => ({
      status: 200,
      body: RECORDED.pull.data,
    }),
  };
  server.use(
    rest.all('https://api.github.com/*', async (req, res, ctx) => {
      const path = decodeURIComponent(req.url.pathname);
      const key = `${req.method} ${path}`;
      let body: unknown;
      if (req.method !== 'GET' && req.method !== 'DELETE') {
        body = await req.json();
      }
      sent.push({
        method: req.method,
        route: `${path}${req.url.search}`,
        ...(body === undefined ? {} : { body }),
        authorization: req.headers.get('authorization'),
      });
      const reply = scenario.replies?.[key] ??
        routes[key]?.() ?? {
          status: 501,
          body: { message: `unexpected ${key}` },
        };
      return res(
        ctx.status(reply.status),
        ctx.set({
          'content-type': 'application/json; charset=utf-8',
          ...(reply.headers ?? {}),
        }),
        ...(reply.body === undefined
          ? []
          : [ctx.body(JSON.stringify(reply.body))]),
      );
    }),
  );
  return { sent, calls: () => sent.map(s => `${s.method} ${s.route}`) };
}

function repository(
  github: JsonObject[] = [{ host: 'github.com', token: TOKEN }],
) {
  return createGitHubGitOpsRepository({
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { github } }),
    ),
  });
}

const LOOKUP = `GET ${OWNER_REPO}/pulls?head=gr2m%3Aenvironment-ladder%2Fshop%2Fprod-b2b2b2b2b2b2&state=open&per_page=1`;
const READ_REPO = `GET ${OWNER_REPO}`;
const READ_REF = `GET ${OWNER_REPO}/git/ref/heads/master`;
const READ_FILE = `GET ${OWNER_REPO}/contents/${FILE}?ref=${RECORDED.baseSha}`;
const CREATE_BRANCH = `POST ${OWNER_REPO}/git/refs`;
const COMMIT = `PUT ${OWNER_REPO}/contents/${FILE}`;
const OPEN_PR = `POST ${OWNER_REPO}/pulls`;
const DELETE_BRANCH = `DELETE ${OWNER_REPO}/git/refs/heads/${BRANCH}`;

const EXPECTED_DIFF = [
  `--- a/${FILE}`,
  `+++ b/${FILE}`,
  '@@ -5,4 +5,4 @@',
  '   - ../../base',
  ' images:',
  '   - name: ghcr.io/acme/shop',
  `-    digest: ${OLD} # promoted by the Environment Ladder`,
  `+    digest: ${NEW} # promoted by the Environment Ladder`,
  '',
].join('\n');

describe('createGitHubGitOpsRepository', () => {
  it('opens a pull request that changes only the digest, with the fewest calls', async () => {
    const github = fakeGitHub();
    const result = await repository().openPromotionPullRequest(options());

    expect(result).toEqual({
      url: 'https://github.com/gr2m/pull-request-test/pull/87',
      number: 87,
      branch: BRANCH,
      reused: false,
      diff: EXPECTED_DIFF,
      dryRun: false,
      warnings: [],
      requests: 6,
    });
    expect(github.calls()).toEqual([
      READ_REPO,
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      COMMIT,
      OPEN_PR,
    ]);

    const [, , , branch, commit, pull] = github.sent;
    expect(branch.body).toEqual({
      ref: `refs/heads/${BRANCH}`,
      sha: RECORDED.baseSha,
    });
    expect(commit.body).toEqual({
      message: 'Promote shop to prod: sha256:b2b2b2b2b2b2',
      content: expect.any(String),
      sha: RECORDED.contents.data.sha,
      branch: BRANCH,
    });
    const committed = Buffer.from(commit.body.content, 'base64').toString(
      'utf8',
    );
    const before = KUSTOMIZATION.split('\n');
    const after = committed.split('\n');
    expect(after).toHaveLength(before.length);
    expect(after.filter((line, index) => line !== before[index])).toEqual([
      `    digest: ${NEW} # promoted by the Environment Ladder`,
    ]);
    expect(committed).toBe(KUSTOMIZATION.replace(OLD, NEW));
    expect(pull.body).toEqual({
      title: 'Promote shop to prod: sha256:b2b2b2b2b2b2',
      body: '## Promote shop to prod',
      head: BRANCH,
      base: 'master',
      maintainer_can_modify: false,
    });
    expect(github.sent.every(s => s.authorization === `Bearer ${TOKEN}`)).toBe(
      true,
    );
  });

  it('skips reading the repository when the base branch is configured', async () => {
    const github = fakeGitHub();
    const result = await repository().openPromotionPullRequest(
      options({ baseBranch: 'master' }),
    );
    expect(github.calls()).toEqual([
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      COMMIT,
      OPEN_PR,
    ]);
    // eslint-disable-next-line no-console
    console.log(
      `github calls per promotion: ${result.requests} (base branch configured; +1 to look up the default branch, +1 each for labels and reviewers, +1 when an earlier attempt's open pull request is reused, 2 for a dry run)`,
    );
    expect(result.requests).toBe(5);
  });

  it('reuses the open pull request of its branch (an earlier attempt’s) and writes nothing else', async () => {
    const github = fakeGitHub({
      openPulls: [RECORDED.pull.data],
      replies: {
        [`POST ${OWNER_REPO}/git/refs`]: {
          status: 422,
          body: { message: 'Reference already exists' },
        },
      },
    });
    const result = await repository().openPromotionPullRequest(
      options({ baseBranch: 'master' }),
    );
    expect(result).toEqual({
      url: 'https://github.com/gr2m/pull-request-test/pull/87',
      number: 87,
      branch: BRANCH,
      reused: true,
      diff: '',
      dryRun: false,
      warnings: [],
      requests: 4,
    });
    expect(github.calls()).toEqual([
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      LOOKUP,
    ]);
  });

  it('only reads in a dry run, and returns the diff', async () => {
    const github = fakeGitHub();
    const result = await repository().openPromotionPullRequest(
      options({ dryRun: true, baseBranch: 'master' }),
    );
    expect(result).toEqual({
      url: null,
      number: null,
      branch: BRANCH,
      reused: false,
      diff: EXPECTED_DIFF,
      dryRun: true,
      warnings: [],
      requests: 2,
    });
    expect(github.calls()).toEqual([
      LOOKUP,
      `GET ${OWNER_REPO}/contents/${FILE}?ref=master`,
    ]);
  });

  it('reports an open pull request in a dry run, still without writing', async () => {
    const github = fakeGitHub({ openPulls: [RECORDED.pull.data] });
    const result = await repository().openPromotionPullRequest(
      options({ dryRun: true }),
    );
    expect(result).toMatchObject({
      reused: true,
      number: 87,
      diff: EXPECTED_DIFF,
      requests: 3,
    });
    expect(github.sent.every(s => s.method === 'GET')).toBe(true);
  });

  it('adds labels and reviewers only when configured', async () => {
    const github = fakeGitHub();
    const result = await repository().openPromotionPullRequest(
      options({
        labels: ['environment-ladder', 'prod'],
        reviewers: ['olga', 'acme/platform'],
      }),
    );
    expect(result.requests).toBe(8);
    expect(result.warnings).toEqual([]);
    expect(github.calls().slice(-2)).toEqual([
      `POST ${OWNER_REPO}/issues/87/labels`,
      `POST ${OWNER_REPO}/pulls/87/requested_reviewers`,
    ]);
    expect(github.sent[6].body).toEqual({
      labels: ['environment-ladder', 'prod'],
    });
    expect(github.sent[7].body).toEqual({
      reviewers: ['olga'],
      team_reviewers: ['platform'],
    });
  });

  it('keeps the pull request and warns when labels cannot be added', async () => {
    fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/issues/87/labels`]: {
          status: 403,
          body: { message: 'Resource not accessible by integration' },
        },
      },
    });
    const result = await repository().openPromotionPullRequest(
      options({ labels: ['prod'] }),
    );
    expect(result.number).toBe(87);
    expect(result.warnings).toEqual([
      'The configured GitHub credentials may not do this in gr2m/pull-request-test on github.com (labelling pull request #87; 403: Resource not accessible by integration)',
    ]);
  });

  it('deletes the branch again when the pull request cannot be opened (5xx) and was not opened after all', async () => {
    const github = fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/pulls`]: {
          status: 502,
          body: { message: 'Server Error' },
        },
      },
    });
    const error = await repository()
      .openPromotionPullRequest(options())
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `GitHub answered 502 while opening the pull request from ${BRANCH} into master in gr2m/pull-request-test on github.com; try again later`,
    );
    expect(github.calls()).toEqual([
      READ_REPO,
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      COMMIT,
      OPEN_PR,
      // A 5xx may hide a pull request GitHub did open: looked for before deleting.
      LOOKUP,
      DELETE_BRANCH,
    ]);
  });

  it('deletes the branch again when the commit fails (409), and says when that fails too', async () => {
    const github = fakeGitHub({
      replies: {
        [`PUT ${OWNER_REPO}/contents/${FILE}`]: {
          status: 409,
          body: {
            message: `${FILE} does not match ${RECORDED.contents.data.sha}`,
          },
        },
        [`DELETE ${OWNER_REPO}/git/refs/heads/${BRANCH}`]: { status: 500 },
      },
    });
    const error = await repository()
      .openPromotionPullRequest(options())
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      `GitHub reported a conflict while committing ${FILE} to ${BRANCH} in gr2m/pull-request-test on github.com (409: ${FILE} does not match ${RECORDED.contents.data.sha}); the branch changed meanwhile, try again; the branch ${BRANCH} could not be deleted again (GitHub answered 500 while deleting the branch ${BRANCH} again in gr2m/pull-request-test on github.com; try again later)`,
    );
    expect(github.calls()).toEqual([
      READ_REPO,
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      COMMIT,
      DELETE_BRANCH,
    ]);
  });

  it('maps a 422 on the pull request to a conflict naming GitHub’s reason, and cleans up', async () => {
    const github = fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/pulls`]: {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `No commits between master and ${BRANCH}`,
              },
            ],
          },
        },
      },
    });
    const error = await repository()
      .openPromotionPullRequest(options())
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      `GitHub refused opening the pull request from ${BRANCH} into master in gr2m/pull-request-test on github.com (422: Validation Failed: No commits between master and ${BRANCH})`,
    );
    expect(github.calls().at(-1)).toBe(DELETE_BRANCH);
  });

  it('answers with the pull request a concurrent request opened, keeping its branch', async () => {
    let lookups = 0;
    const github = fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/pulls`]: {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for gr2m:${BRANCH}.`,
              },
            ],
          },
        },
      },
    });
    // The second lookup finds the pull request the other request opened.
    server.use(
      rest.get(
        `https://api.github.com${OWNER_REPO}/pulls`,
        (_req, res, ctx) => {
          lookups++;
          github.sent.push({
            method: 'GET',
            route: `${OWNER_REPO}/pulls (lookup ${lookups})`,
            authorization: null,
          });
          return res(ctx.json([RECORDED.pull.data]));
        },
      ),
    );
    const result = await repository().openPromotionPullRequest(options());
    expect(result).toMatchObject({
      reused: true,
      number: 87,
      diff: EXPECTED_DIFF,
    });
    expect(github.calls()).not.toContain(DELETE_BRANCH);
    expect(lookups).toBe(1);
  });

  it('resets its own branch left behind by a closed attempt', async () => {
    const github = fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/git/refs`]: {
          status: 422,
          body: { message: 'Reference already exists' },
        },
      },
    });
    const result = await repository().openPromotionPullRequest(options());
    expect(result.number).toBe(87);
    expect(github.calls()).toEqual([
      READ_REPO,
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      // No open pull request from it: the branch is a closed attempt's.
      LOOKUP,
      `PATCH ${OWNER_REPO}/git/refs/heads/${BRANCH}`,
      COMMIT,
      OPEN_PR,
    ]);
    expect(github.sent[5].body).toEqual({ sha: RECORDED.baseSha, force: true });
  });

  it('refuses other 422s on the branch without touching anything else', async () => {
    const github = fakeGitHub({
      replies: {
        [`POST ${OWNER_REPO}/git/refs`]: {
          status: 422,
          body: { message: 'Object does not exist' },
        },
      },
    });
    await expect(
      repository().openPromotionPullRequest(options()),
    ).rejects.toThrow(
      new ConflictError(
        `GitHub refused creating the branch ${BRANCH} in gr2m/pull-request-test on github.com (422: Object does not exist)`,
      ),
    );
    expect(github.calls().at(-1)).toBe(CREATE_BRANCH);
  });

  it.each([
    [
      'a rate limit',
      {
        status: 403,
        body: { message: 'API rate limit exceeded for installation ID 1.' },
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '1507651200',
        },
      },
      ServiceUnavailableError,
      `GitHub's rate limit for github.com was reached while reading gr2m/pull-request-test; try again after 2017-10-10T16:00:00.000Z`,
    ],
    [
      'a secondary rate limit',
      {
        status: 429,
        body: { message: 'You have exceeded a secondary rate limit.' },
        headers: { 'retry-after': '60' },
      },
      ServiceUnavailableError,
      `GitHub's rate limit for github.com was reached while reading gr2m/pull-request-test; try again in 60 seconds`,
    ],
    [
      'bad credentials',
      { status: 401, body: { message: 'Bad credentials' } },
      ServiceUnavailableError,
      `The GitOps credentials are rejected: GitHub at github.com did not accept them while reading gr2m/pull-request-test (401: Bad credentials); the platform team has been told, try again later`,
    ],
    [
      'an unknown repository',
      { status: 404, body: { message: 'Not Found' } },
      NotFoundError,
      `GitHub found nothing while reading gr2m/pull-request-test in gr2m/pull-request-test on github.com (404: Not Found); check the repository, branch and path, and that the credentials can see them`,
    ],
    [
      'an outage',
      { status: 503, body: { message: 'Service Unavailable' } },
      ServiceUnavailableError,
      `GitHub answered 503 while reading gr2m/pull-request-test in gr2m/pull-request-test on github.com; try again later`,
    ],
  ])(
    'maps %s to a clear error after one call, without the token',
    async (_case, reply, type, message) => {
      const github = fakeGitHub({
        replies: { [`GET ${OWNER_REPO}`]: reply },
      });
      const error = await repository()
        .openPromotionPullRequest(options())
        .catch(e => e);
      expect(error).toBeInstanceOf(type);
      expect(error.message).toBe(message);
      expect(
        JSON.stringify({
          ...error,
          message: error.message,
          stack: error.stack,
        }),
      ).not.toContain(TOKEN);
      expect(github.calls()).toEqual([READ_REPO]);
    },
  );

  it('gives up on a GitHub that does not answer, as unavailable (retried later)', async () => {
    // A GitHub that never answers: the call ends only when its signal aborts.
    const neverAnswers: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () =>
          reject(init.signal!.reason),
        );
      });
    const slow = createGitHubGitOpsRepository({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
        }),
      ),
      fetch: neverAnswers,
      requestTimeoutMs: 200,
    });
    await expect(
      slow.openPromotionPullRequest(options()),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('Could not reach GitHub at github.com'),
    });
  });

  it('tells the platform owner, not the user, when GitHub rejects the credentials (401), without the token', async () => {
    fakeGitHub({
      replies: {
        [`GET ${OWNER_REPO}`]: {
          status: 401,
          body: { message: `Bad credentials: ${TOKEN}` },
        },
      },
    });
    const logger = mockServices.logger.mock();
    const error = await createGitHubGitOpsRepository({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
        }),
      ),
      logger,
    })
      .prepareChange(options())
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/^The GitOps credentials are rejected/);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'GitHub rejected the GitOps credentials: check integrations.github (token or App installation)',
      {
        host: 'github.com',
        repository: 'gr2m/pull-request-test',
        action: 'reading gr2m/pull-request-test',
      },
    );
    expect(
      JSON.stringify([error.message, logger.error.mock.calls]),
    ).not.toContain(TOKEN);
  });

  it('prepares the change with two reads, then opens the pull request with three writes: five calls', async () => {
    const github = fakeGitHub();
    const repo = repository();
    const prepared = await repo.prepareChange(
      options({ baseBranch: 'master' }),
    );
    expect(github.calls()).toEqual([READ_REF, READ_FILE]);
    expect(prepared).toMatchObject({
      baseBranch: 'master',
      baseSha: RECORDED.baseSha,
      filePath: FILE,
      diff: EXPECTED_DIFF,
      requests: 2,
    });
    const result = await repo.openPromotionPullRequest(
      options({ baseBranch: 'master', prepared }),
    );
    expect(github.calls()).toEqual([
      READ_REF,
      READ_FILE,
      CREATE_BRANCH,
      COMMIT,
      OPEN_PR,
    ]);
    expect(result).toMatchObject({ number: 87, requests: 5 });
  });

  it('refuses a path GitHub resolves to another file (a symlink), before writing anything', async () => {
    const github = fakeGitHub({
      replies: {
        [`GET ${OWNER_REPO}/contents/${FILE}`]: {
          status: 200,
          body: {
            ...RECORDED.contents.data,
            type: 'file',
            path: 'apps/payments/overlays/prod/kustomization.yaml',
            content: githubBase64(KUSTOMIZATION),
          },
        },
      },
    });
    const error = await repository()
      .openPromotionPullRequest(options({ baseBranch: 'master' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Rule gitops-file-is-regular: ${FILE} on master in https://github.com/gr2m/pull-request-test is a link to apps/payments/overlays/prod/kustomization.yaml; a promotion changes only the file itself`,
    );
    expect(github.sent.every(s => s.method === 'GET')).toBe(true);
  });

  it('refuses a host without a GitHub integration, sending nothing', async () => {
    const github = fakeGitHub();
    await expect(
      repository().openPromotionPullRequest(
        options({ repoUrl: 'https://gitlab.example.com/acme/gitops' }),
      ),
    ).rejects.toThrow(
      new InputError(
        'No GitHub integration for host gitlab.example.com: add it under integrations.github in app-config.yaml',
      ),
    );
    expect(github.sent).toEqual([]);
  });

  it('refuses to write without a token, but reads for a dry run', async () => {
    const github = fakeGitHub();
    const anonymous = repository([{ host: 'github.com' }]);
    await expect(anonymous.openPromotionPullRequest(options())).rejects.toThrow(
      NotAllowedError,
    );
    expect(github.sent).toEqual([]);
    const result = await anonymous.openPromotionPullRequest(
      options({ dryRun: true, baseBranch: 'master' }),
    );
    expect(result.diff).toBe(EXPECTED_DIFF);
    expect(github.sent.every(s => s.authorization === null)).toBe(true);
  });

  it.each([
    [{ repoUrl: 'https://github.com/gr2m' }, 'Invalid GitOps repository URL'],
    [
      { repoUrl: 'https://github.com/gr2m/repo/tree/main' },
      'Invalid GitOps repository URL',
    ],
    [{ repoUrl: 'not a url' }, 'Invalid GitOps repository URL'],
    [{ branch: 'environment-ladder/../main' }, 'Invalid head branch'],
    [{ branch: 'a b' }, 'Invalid head branch'],
    [{ baseBranch: 'main..x' }, 'Invalid base branch'],
    [{ filePath: '../secrets.yaml' }, 'Invalid file path'],
    [{ filePath: '/etc/passwd' }, 'Invalid file path'],
  ])('refuses %j before calling GitHub', async (override, message) => {
    const github = fakeGitHub();
    await expect(
      repository().openPromotionPullRequest(options(override)),
    ).rejects.toThrow(message);
    expect(github.sent).toEqual([]);
  });

  it('writes nothing when the edit is refused or changes nothing', async () => {
    let github = fakeGitHub();
    const error = await repository()
      .openPromotionPullRequest(
        options({
          edit: text =>
            updateImageDigest(text, {
              format: 'yamlPath',
              path: 'image.digest',
              digest: NEW,
            }),
        }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Cannot edit ${FILE} on master: "image.digest" does not exist: no key "image" in the top level`,
    );
    expect(github.sent.every(s => s.method === 'GET')).toBe(true);

    server.resetHandlers();
    github = fakeGitHub();
    await expect(
      repository().openPromotionPullRequest(
        options({
          edit: text =>
            updateImageDigest(text, {
              format: 'kustomize',
              image: 'ghcr.io/acme/shop',
              digest: OLD,
            }),
        }),
      ),
    ).rejects.toThrow(
      new ConflictError(
        `${FILE} on master already has this change; there is nothing to promote through a pull request`,
      ),
    );
    expect(github.sent.every(s => s.method === 'GET')).toBe(true);
  });

  describe('getPullRequestState', () => {
    it('reads an open pull request', async () => {
      const github = fakeGitHub();
      await expect(
        repository().getPullRequestState({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({
        state: 'open',
        merged: false,
      });
      expect(github.calls()).toEqual([`GET ${OWNER_REPO}/pulls/87`]);
    });

    it('reads a merged and a closed pull request', async () => {
      fakeGitHub({
        replies: {
          [`GET ${OWNER_REPO}/pulls/87`]: {
            status: 200,
            body: {
              ...RECORDED.pull.data,
              state: 'closed',
              merged: true,
              merged_at: '2026-11-27T12:00:00Z',
            },
          },
          [`GET ${OWNER_REPO}/pulls/88`]: {
            status: 200,
            body: {
              ...RECORDED.pull.data,
              number: 88,
              state: 'closed',
              merged: false,
              merged_at: null,
            },
          },
        },
      });
      await expect(
        repository().getPullRequestState({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({
        state: 'closed',
        merged: true,
      });
      await expect(
        repository().getPullRequestState({ repoUrl: REPO_URL, number: 88 }),
      ).resolves.toEqual({
        state: 'closed',
        merged: false,
      });
    });
  });

  describe('mergePullRequest (auto-merge gates)', () => {
    const HEAD = RECORDED.pull.data.head.sha as string;
    const STATUS = `GET ${OWNER_REPO}/commits/${HEAD}/status`;
    const RUNS = `GET ${OWNER_REPO}/commits/${HEAD}/check-runs`;
    const MERGE = `PUT ${OWNER_REPO}/pulls/87/merge`;
    const noChecks = {
      [STATUS]: {
        status: 200,
        body: { state: 'pending', total_count: 0, statuses: [] },
      },
      [RUNS]: { status: 200, body: { total_count: 0, check_runs: [] } },
    };
    const run = (name: string, status: string, conclusion: string | null) => ({
      name,
      status,
      conclusion,
    });

    it('merges a pull request without checks, pinned to the head it checked, and deletes its branch', async () => {
      const github = fakeGitHub({
        replies: {
          ...noChecks,
          [`GET ${OWNER_REPO}/pulls/87`]: {
            status: 200,
            body: {
              ...RECORDED.pull.data,
              head: { ...RECORDED.pull.data.head, ref: BRANCH },
            },
          },
          [MERGE]: { status: 200, body: { merged: true, sha: HEAD } },
        },
      });
      await expect(
        repository().mergePullRequest!({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({ merged: true, alreadyMerged: false });
      expect(github.calls()).toEqual([
        `GET ${OWNER_REPO}/pulls/87`,
        `GET ${OWNER_REPO}/commits/${HEAD}/status`,
        `GET ${OWNER_REPO}/commits/${HEAD}/check-runs?per_page=100`,
        MERGE,
        DELETE_BRANCH,
      ]);
      expect(github.sent[3].body).toEqual({ sha: HEAD });
    });

    it('waits while a check runs, and never merges past a failed one', async () => {
      const github = fakeGitHub({
        replies: {
          ...noChecks,
          [RUNS]: {
            status: 200,
            body: {
              total_count: 2,
              check_runs: [
                run('lint', 'completed', 'success'),
                run('kustomize build', 'in_progress', null),
              ],
            },
          },
        },
      });
      await expect(
        repository().mergePullRequest!({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({
        merged: false,
        why: 'pending',
        message:
          'checks of pull request #87 still run: kustomize build in_progress',
      });
      fakeGitHub({
        replies: {
          ...noChecks,
          [STATUS]: {
            status: 200,
            body: { state: 'failure', total_count: 1 },
          },
          [RUNS]: {
            status: 200,
            body: {
              total_count: 1,
              check_runs: [run('kubeconform', 'completed', 'failure')],
            },
          },
        },
      });
      await expect(
        repository().mergePullRequest!({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({
        merged: false,
        why: 'failing',
        message:
          'checks of pull request #87 failed: commit status failure, kubeconform failure',
      });
      expect(github.calls()).not.toContain(MERGE);
    });

    it('reports a merge GitHub refuses (405), and a pull request already merged', async () => {
      fakeGitHub({
        replies: {
          ...noChecks,
          [MERGE]: {
            status: 405,
            body: { message: 'Pull Request is not mergeable' },
          },
        },
      });
      await expect(
        repository().mergePullRequest!({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toMatchObject({ merged: false, why: 'unmergeable' });
      const github = fakeGitHub({
        replies: {
          [`GET ${OWNER_REPO}/pulls/87`]: {
            status: 200,
            body: { ...RECORDED.pull.data, state: 'closed', merged: true },
          },
        },
      });
      await expect(
        repository().mergePullRequest!({ repoUrl: REPO_URL, number: 87 }),
      ).resolves.toEqual({ merged: true, alreadyMerged: true });
      expect(github.calls()).toEqual([`GET ${OWNER_REPO}/pulls/87`]);
    });
  });
});
