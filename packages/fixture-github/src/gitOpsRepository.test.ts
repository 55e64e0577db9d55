import { ConfigReader } from '@backstage/config';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  pullRequestText,
  renderPathTemplate,
  updateImageDigest,
} from '@environment-ladder/plugin-environment-ladder-common';
import path from 'node:path';
// The real GitHub client of the backend, from its sources: the fixture must drive it
// exactly as github.com would. The backend does not export it, and a backend plugin
// is no dependency for this package, so the test reaches into its source tree.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { createGitHubGitOpsRepository } from '../../../plugins/environment-ladder-backend/src/services/GitOpsRepository/createGitHubGitOpsRepository';
import { startFixtureGitHub } from './startFixtureGitHub';
import type { FixtureGitHub } from './types';

const REPOSITORIES = path.resolve(__dirname, '../../../examples/gitops');
const C1 =
  'sha256:1f04c1cf8c648ef4a03c3da4077550b138fe05e0b2bd15a9b610730e57734fca';
const C2 =
  'sha256:867d848fca6fc5b214b1a7d033720452b95b422764aecf313e828e19ca45ed2a';
const P1 =
  'sha256:5a3b295b01543c91792881ffaeacd494c055ace32fb327afbf72534c8431cb93';
const P2 =
  'sha256:a6a6516390c17f76bd8f41cfcc281789f1c7f337c1f8b51ab29d652f745f16e2';
const STAGING = renderPathTemplate(
  'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
  { name: 'checkout', environment: 'staging', namespace: 'default' },
);

let github: FixtureGitHub;

beforeAll(async () => {
  github = await startFixtureGitHub({ port: 0, repositoriesDir: REPOSITORIES });
});
afterAll(() => github.close());
beforeEach(() => github.reset());

/** The backend's client, configured the way app-config.yaml configures it. */
function client(token = 'fixture-github-token') {
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ ...github.integrationConfig, token }],
      },
    }),
  );
  return createGitHubGitOpsRepository({ integrations });
}

function promoteCheckoutToStaging(
  overrides: Partial<
    Parameters<ReturnType<typeof client>['openPromotionPullRequest']>[0]
  > = {},
) {
  const text = pullRequestText({
    entityRef: 'component:default/checkout',
    sourceEnvironment: 'dev',
    targetEnvironment: 'staging',
    digest: C2,
    since: '2025-06-01T15:20:51Z',
    rolloutState: 'Deployment available',
    verdicts: [
      {
        rule: 'source-runs-digest-healthy',
        passed: true,
        message: 'dev runs it',
      },
    ],
    reason: 'Ship 1.5.0',
    requestedBy: 'user:default/jane',
  });
  return client().openPromotionPullRequest({
    repoUrl: github.repositoryUrl('acme/gitops'),
    filePath: STAGING,
    edit: fileText =>
      updateImageDigest(fileText, {
        format: 'kustomize',
        image: 'ghcr.io/acme/checkout',
        digest: C2,
      }),
    branch: text.branch,
    title: text.title,
    body: text.body,
    labels: ['environment-ladder', 'staging'],
    reviewers: ['olga', 'acme/release-managers'],
    ...overrides,
  });
}

describe('createGitHubGitOpsRepository against the fixture GitHub', () => {
  it('promotes checkout to staging: a pull request whose only change is the digest line', async () => {
    const before = github.readFile('acme/gitops', STAGING)!;
    expect(before).toContain(`digest: ${C1}`);

    const result = await promoteCheckoutToStaging();

    expect(result).toEqual({
      url: `${github.url}/acme/gitops/pull/1`,
      number: 1,
      branch: 'environment-ladder/checkout/staging-867d848fca6f',
      reused: false,
      diff: expect.stringContaining(`+    digest: ${C2}`),
      dryRun: false,
      warnings: [],
      requests: 8,
    });
    expect(
      result.diff.split('\n').filter(line => /^[-+](?![-+])/.test(line)),
    ).toEqual([`-    digest: ${C1}`, `+    digest: ${C2}`]);

    // What GitHub was asked, in order: the client's fewest-calls path.
    expect(github.requests().map(r => `${r.route} ${r.status}`)).toEqual([
      'GET /repos/{owner}/{repo} 200',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'GET /repos/{owner}/{repo}/contents/{path} 200',
      'POST /repos/{owner}/{repo}/git/refs 201',
      'PUT /repos/{owner}/{repo}/contents/{path} 200',
      'POST /repos/{owner}/{repo}/pulls 201',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels 200',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers 201',
    ]);

    // The branch differs from main in exactly one line of one file.
    const [repo] = github.state().repositories;
    const [pull] = repo.pulls;
    expect(pull).toMatchObject({
      number: 1,
      state: 'open',
      merged: false,
      title: 'Promote checkout to staging: sha256:867d848fca6f',
      head: result.branch,
      base: 'main',
      files: [STAGING],
      labels: ['environment-ladder', 'staging'],
      requestedReviewers: ['olga'],
      requestedTeams: ['release-managers'],
      approvals: [],
    });
    const after = github.readFile('acme/gitops', STAGING, result.branch)!;
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines).toHaveLength(beforeLines.length);
    expect(afterLines.filter((line, i) => line !== beforeLines[i])).toEqual([
      `    digest: ${C2}`,
    ]);
    expect(github.readFile('acme/gitops', STAGING)).toBe(before);

    // The ledger's view, then a reviewer merges: main carries the new digest.
    const repository = client();
    const repoUrl = github.repositoryUrl('acme/gitops');
    await expect(
      repository.getPullRequestState({ repoUrl, number: 1 }),
    ).resolves.toEqual({ state: 'open', merged: false });

    const merged = await fetch(
      `${github.url}/_fixture/pulls/acme/gitops/1/merge`,
      {
        method: 'POST',
      },
    );
    expect(merged.status).toBe(200);
    expect(github.readFile('acme/gitops', STAGING)).toBe(after);
    expect(github.readFile('acme/gitops', STAGING)).toContain(`digest: ${C2}`);
    await expect(
      repository.getPullRequestState({ repoUrl, number: 1 }),
    ).resolves.toEqual({ state: 'closed', merged: true });

    // Promoting the same digest again finds nothing to change.
    await expect(promoteCheckoutToStaging()).rejects.toThrow(
      new ConflictError(
        `${STAGING} on main already has this change; there is nothing to promote through a pull request`,
      ),
    );
  });

  it('reuses the open pull request on a retry, writing nothing', async () => {
    await promoteCheckoutToStaging();
    github.clearRequests();
    const retry = await promoteCheckoutToStaging();
    expect(retry).toMatchObject({ reused: true, number: 1, requests: 5 });
    // The file is read and changed first (so a refusal comes before anything is
    // recorded); the branch already exists, and its open pull request is reused.
    expect(github.requests().map(r => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'GET 200',
      'GET 200',
      'POST 422',
      'GET 200',
    ]);
    expect(github.state().repositories[0].pulls).toHaveLength(1);
  });

  it('only reads in a dry run', async () => {
    const result = await promoteCheckoutToStaging({
      dryRun: true,
      baseBranch: 'main',
    });
    expect(result).toMatchObject({ dryRun: true, number: null, requests: 2 });
    expect(result.diff).toContain(`+    digest: ${C2}`);
    expect(github.requests().every(r => r.method === 'GET')).toBe(true);
    expect(github.state().repositories[0].pulls).toEqual([]);
  });

  it('starts over on the branch a closed attempt left behind', async () => {
    await promoteCheckoutToStaging();
    await fetch(`${github.url}/_fixture/pulls/acme/gitops/1/close`, {
      method: 'POST',
    });
    github.clearRequests();
    const again = await promoteCheckoutToStaging({ labels: [], reviewers: [] });
    expect(again).toMatchObject({ number: 2, reused: false });
    expect(github.requests().map(r => `${r.route} ${r.status}`)).toContain(
      'PATCH /repos/{owner}/{repo}/git/refs/{ref} 200',
    );
    expect(
      github.state().repositories[0].pulls.map(p => [p.number, p.state]),
    ).toEqual([
      [1, 'closed'],
      [2, 'open'],
    ]);
  });

  it('edits Helm values through the yamlPath format (payments)', async () => {
    const file = 'apps/payments/values-prod.yaml';
    const before = github.readFile('acme/gitops', file)!;
    expect(before).toContain(`digest: '${P2}'`);
    const result = await client().openPromotionPullRequest({
      repoUrl: github.repositoryUrl('acme/gitops'),
      filePath: file,
      edit: text =>
        updateImageDigest(text, {
          format: 'yamlPath',
          path: 'image.digest',
          digest: P1,
        }),
      branch: 'environment-ladder/payments/prod-5a3b295b0154',
      title: 'Roll payments in prod back to 2.0.3',
      body: 'Rollback',
    });
    expect(
      result.diff.split('\n').filter(line => /^[-+](?![-+])/.test(line)),
    ).toEqual([`-  digest: '${P2}'`, `+  digest: '${P1}'`]);
    github.mergePull('acme/gitops', result.number!);
    expect(github.readFile('acme/gitops', file)).toBe(before.replace(P2, P1));
  });

  it('surfaces a wrong token as rejected credentials (503), without the token', async () => {
    const error = await client('wrong-token')
      .getPullRequestState({
        repoUrl: github.repositoryUrl('acme/gitops'),
        number: 1,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `The GitOps credentials are rejected: GitHub at ${github.host} did not accept them while reading pull request #1 (401: Bad credentials); the platform team has been told, try again later`,
    );
  });
});
