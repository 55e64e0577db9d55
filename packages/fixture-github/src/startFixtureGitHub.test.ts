import { blobSha } from './gitObjects';
import { startFixtureGitHub } from './startFixtureGitHub';
import type { FixtureGitHub } from './types';

const TOKEN = 'test-token-0123';
const KUSTOMIZATION = [
  '# staging overlay of checkout',
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'images:',
  '  - name: ghcr.io/acme/checkout',
  '    digest: sha256:1111111111111111111111111111111111111111111111111111111111111111',
  '',
].join('\n');
const FILE = 'apps/checkout/overlays/staging/kustomization.yaml';

let github: FixtureGitHub;

beforeAll(async () => {
  github = await startFixtureGitHub({
    port: 0,
    token: TOKEN,
    repositories: {
      'acme/gitops': {
        'README.md': '# gitops\n',
        [FILE]: KUSTOMIZATION,
        'apps/checkout/base/kustomization.yaml': 'resources: []\n',
      },
      'acme/other': { 'README.md': 'other\n' },
    },
    now: () => new Date('2026-01-15T10:00:00.123Z'),
  });
});
afterAll(() => github.close());
beforeEach(() => github.reset());

type Answer = { status: number; body: any; headers: Headers };

async function api(
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = `token ${TOKEN}`,
): Promise<Answer> {
  const response = await fetch(`${github.apiBaseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${github.url}/_fixture${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const REPO = '/repos/acme/gitops';
const BRANCH = 'environment-ladder/checkout/staging-867d848fca6f';
const ENCODED_BRANCH = BRANCH.split('/').map(encodeURIComponent).join('/');

async function mainSha(): Promise<string> {
  return (await api('GET', `${REPO}/git/ref/heads/main`)).body.object.sha;
}

async function readFile(ref: string) {
  const { body } = await api(
    'GET',
    `${REPO}/contents/${FILE}?ref=${encodeURIComponent(ref)}`,
  );
  return body;
}

/** Branch, commit the edited file, open the pull request: what a promotion does. */
async function openPull(
  edit: (text: string) => string = text =>
    text.replace(/1{64}/, '2'.repeat(64)),
  branch = BRANCH,
) {
  const base = await mainSha();
  expect(
    (
      await api('POST', `${REPO}/git/refs`, {
        ref: `refs/heads/${branch}`,
        sha: base,
      })
    ).status,
  ).toBe(201);
  const file = await readFile(base);
  const before = Buffer.from(file.content, 'base64').toString('utf8');
  const put = await api('PUT', `${REPO}/contents/${FILE}`, {
    message: 'Promote checkout to staging',
    content: Buffer.from(edit(before)).toString('base64'),
    sha: file.sha,
    branch,
  });
  expect(put.status).toBe(200);
  const pull = await api('POST', `${REPO}/pulls`, {
    title: 'Promote checkout to staging',
    body: 'because',
    head: branch,
    base: 'main',
    maintainer_can_modify: false,
  });
  expect(pull.status).toBe(201);
  return pull.body;
}

describe('authentication', () => {
  it('answers 401 without a token, in GitHub’s error shape', async () => {
    const answer = await api('GET', REPO, undefined, null);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
  });

  it('answers 401 Bad credentials for another token', async () => {
    const answer = await api('GET', REPO, undefined, 'token nope');
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('Bad credentials');
    expect((await api('GET', REPO, undefined, `Basic ${TOKEN}`)).status).toBe(
      401,
    );
  });

  it('accepts `token` and `Bearer`, and answers like GitHub', async () => {
    const asToken = await api('GET', REPO);
    const asBearer = await api('GET', REPO, undefined, `Bearer ${TOKEN}`);
    expect(asToken.status).toBe(200);
    expect(asBearer.status).toBe(200);
    expect(asToken.headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
    expect(
      Number(asToken.headers.get('x-ratelimit-remaining')),
    ).toBeGreaterThan(0);
  });

  it('does not count admin requests or need a token for them', async () => {
    await api('GET', REPO, undefined, null);
    await api('GET', REPO);
    const state = await admin('GET', '/state');
    expect(state.status).toBe(200);
    expect(github.requests().map(r => [r.route, r.status])).toEqual([
      ['unknown', 401],
      ['GET /repos/{owner}/{repo}', 200],
    ]);
  });
});

describe('GET /repos/{owner}/{repo}', () => {
  it('answers the repository with its default branch', async () => {
    const { status, body } = await api('GET', REPO);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'gitops',
      full_name: 'acme/gitops',
      default_branch: 'main',
      html_url: `${github.url}/acme/gitops`,
      url: `${github.apiBaseUrl}/repos/acme/gitops`,
      owner: { login: 'acme', type: 'Organization' },
      permissions: { push: true },
    });
  });

  it('answers 404 Not Found for an unknown repository or path', async () => {
    const unknown = await api('GET', '/repos/acme/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      message: 'Not Found',
      documentation_url:
        'https://docs.github.com/rest/repos/repos#get-a-repository',
      status: '404',
    });
    expect((await api('GET', `${REPO}/nonsense`)).status).toBe(404);
  });

  it('is served without the /api/v3 prefix too, like api.github.com', async () => {
    const response = await fetch(`${github.url}${REPO}`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('git refs', () => {
  it('reads a branch through git/ref and git/refs', async () => {
    const single = await api('GET', `${REPO}/git/ref/heads/main`);
    expect(single.status).toBe(200);
    expect(single.body).toEqual({
      ref: 'refs/heads/main',
      node_id: expect.any(String),
      url: `${github.apiBaseUrl}${REPO}/git/refs/heads/main`,
      object: {
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        type: 'commit',
        url: `${github.apiBaseUrl}${REPO}/git/commits/${single.body.object.sha}`,
      },
    });
    const legacy = await api('GET', `${REPO}/git/refs/heads/main`);
    expect(legacy.body).toEqual(single.body);
    const all = await api('GET', `${REPO}/git/refs/heads`);
    expect(all.body).toEqual([single.body]);
    expect((await api('GET', `${REPO}/git/ref/heads/nope`)).status).toBe(404);
    expect((await api('GET', `${REPO}/git/refs/heads/nope`)).status).toBe(404);
  });

  it('gives the same shas on every start (deterministic commits)', async () => {
    const first = await mainSha();
    github.reset();
    expect(await mainSha()).toBe(first);
    const again = await startFixtureGitHub({
      port: 0,
      repositories: {
        'acme/gitops': {
          'README.md': '# gitops\n',
          [FILE]: KUSTOMIZATION,
          'apps/checkout/base/kustomization.yaml': 'resources: []\n',
        },
      },
    });
    try {
      const response = await fetch(
        `${again.apiBaseUrl}${REPO}/git/ref/heads/main`,
        { headers: { authorization: 'token fixture-github-token' } },
      );
      expect((await response.json()).object.sha).toBe(first);
    } finally {
      await again.close();
    }
  });

  it('creates a branch (201), and refuses it twice with 422 Reference already exists', async () => {
    const sha = await mainSha();
    const created = await api('POST', `${REPO}/git/refs`, {
      ref: `refs/heads/${BRANCH}`,
      sha,
    });
    expect(created.status).toBe(201);
    expect(created.body.ref).toBe(`refs/heads/${BRANCH}`);
    expect(created.body.object.sha).toBe(sha);
    expect(created.headers.get('location')).toBe(created.body.url);
    expect(
      (await api('GET', `${REPO}/git/ref/heads/${ENCODED_BRANCH}`)).body.object
        .sha,
    ).toBe(sha);

    const again = await api('POST', `${REPO}/git/refs`, {
      ref: `refs/heads/${BRANCH}`,
      sha,
    });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({
      message: 'Reference already exists',
      documentation_url:
        'https://docs.github.com/rest/git/refs#create-a-reference',
      status: '422',
    });
  });

  it('refuses unknown commits and bad ref names with 422', async () => {
    const unknown = await api('POST', `${REPO}/git/refs`, {
      ref: 'refs/heads/x',
      sha: 'f'.repeat(40),
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toBe('Object does not exist');
    const badName = await api('POST', `${REPO}/git/refs`, {
      ref: 'heads/x',
      sha: await mainSha(),
    });
    expect(badName.status).toBe(422);
    expect(badName.body.message).toBe('heads/x is not a valid ref name.');
  });

  it('moves a branch only fast-forward unless forced', async () => {
    const base = await mainSha();
    await openPull();
    const head = (await api('GET', `${REPO}/git/ref/heads/${ENCODED_BRANCH}`))
      .body.object.sha;
    expect(head).not.toBe(base);

    const back = await api(
      'PATCH',
      `${REPO}/git/refs/heads/${ENCODED_BRANCH}`,
      {
        sha: base,
      },
    );
    expect(back.status).toBe(422);
    expect(back.body.message).toBe('Update is not a fast forward');

    const forced = await api(
      'PATCH',
      `${REPO}/git/refs/heads/${ENCODED_BRANCH}`,
      { sha: base, force: true },
    );
    expect(forced.status).toBe(200);
    expect(forced.body.object.sha).toBe(base);

    const missing = await api('PATCH', `${REPO}/git/refs/heads/nope`, {
      sha: base,
      force: true,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toBe('Reference does not exist');
  });

  it('deletes a branch (204), then 422 Reference does not exist', async () => {
    await api('POST', `${REPO}/git/refs`, {
      ref: 'refs/heads/scratch',
      sha: await mainSha(),
    });
    const deleted = await api('DELETE', `${REPO}/git/refs/heads/scratch`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const again = await api('DELETE', `${REPO}/git/refs/heads/scratch`);
    expect(again.status).toBe(422);
    expect(again.body.message).toBe('Reference does not exist');
  });
});

describe('contents', () => {
  it('serves a file base64-encoded, its sha the git blob sha', async () => {
    const { status, body } = await api(
      'GET',
      `${REPO}/contents/${FILE}?ref=main`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'kustomization.yaml',
      path: FILE,
      size: Buffer.byteLength(KUSTOMIZATION),
      sha: blobSha(KUSTOMIZATION),
      html_url: `${github.url}/acme/gitops/blob/main/${FILE}`,
    });
    expect(body.content.split('\n')[0]).toHaveLength(60);
    expect(Buffer.from(body.content, 'base64').toString('utf8')).toBe(
      KUSTOMIZATION,
    );
  });

  it('reads at a branch, a commit sha, or the default branch', async () => {
    const sha = await mainSha();
    const atSha = await api('GET', `${REPO}/contents/${FILE}?ref=${sha}`);
    const atDefault = await api('GET', `${REPO}/contents/${FILE}`);
    expect(atSha.body.sha).toBe(blobSha(KUSTOMIZATION));
    expect(atDefault.body.content).toBe(atSha.body.content);
  });

  it('lists a directory', async () => {
    const { body } = await api('GET', `${REPO}/contents/apps/checkout`);
    expect(body.map((e: any) => [e.type, e.path])).toEqual([
      ['dir', 'apps/checkout/base'],
      ['dir', 'apps/checkout/overlays'],
    ]);
    const root = await api('GET', `${REPO}/contents/`);
    expect(root.body.map((e: any) => e.name)).toEqual(['README.md', 'apps']);
  });

  it('answers 404 for an unknown path or ref', async () => {
    const path = await api('GET', `${REPO}/contents/nope.yaml`);
    expect(path.status).toBe(404);
    expect(path.body).toEqual({
      message: 'Not Found',
      documentation_url:
        'https://docs.github.com/rest/repos/contents#get-repository-content',
      status: '404',
    });
    const ref = await api('GET', `${REPO}/contents/${FILE}?ref=nope`);
    expect(ref.status).toBe(404);
    expect(ref.body.message).toBe('No commit found for the ref nope');
  });

  it('commits an update only with the current blob sha', async () => {
    const content = Buffer.from('changed\n').toString('base64');
    const noSha = await api('PUT', `${REPO}/contents/${FILE}`, {
      message: 'x',
      content,
    });
    expect(noSha.status).toBe(422);
    expect(noSha.body.message).toBe(
      'Invalid request.\n\n"sha" wasn\'t supplied.',
    );

    const staleSha = 'a'.repeat(40);
    const stale = await api('PUT', `${REPO}/contents/${FILE}`, {
      message: 'x',
      content,
      sha: staleSha,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe(`${FILE} does not match ${staleSha}`);

    const before = await mainSha();
    const updated = await api('PUT', `${REPO}/contents/${FILE}`, {
      message: 'Change the overlay',
      content,
      sha: blobSha(KUSTOMIZATION),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.content).toMatchObject({
      path: FILE,
      sha: blobSha('changed\n'),
      type: 'file',
    });
    expect(updated.body.commit).toMatchObject({
      message: 'Change the overlay',
      parents: [{ sha: before }],
      author: { name: 'environment-ladder-bot' },
    });
    expect(await mainSha()).toBe(updated.body.commit.sha);
    expect(github.readFile('acme/gitops', FILE)).toBe('changed\n');
  });

  it('creates a new file (201) and refuses an unknown branch (404)', async () => {
    const created = await api('PUT', `${REPO}/contents/docs/new.md`, {
      message: 'Add docs',
      content: Buffer.from('new\n').toString('base64'),
    });
    expect(created.status).toBe(201);
    const missing = await api('PUT', `${REPO}/contents/docs/new2.md`, {
      message: 'Add docs',
      content: Buffer.from('new\n').toString('base64'),
      branch: 'nope',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Branch nope not found');
  });

  it('answers 400 Problems parsing JSON for a broken body', async () => {
    const broken = await api('PUT', `${REPO}/contents/${FILE}`, '{"message":');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toBe('Problems parsing JSON');
  });
});

describe('pull requests', () => {
  it('opens a pull request (201) in GitHub’s shape', async () => {
    const pull = await openPull();
    expect(pull).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Promote checkout to staging',
      body: 'because',
      html_url: `${github.url}/acme/gitops/pull/1`,
      url: `${github.apiBaseUrl}${REPO}/pulls/1`,
      merged: false,
      merged_at: null,
      mergeable: true,
      maintainer_can_modify: false,
      draft: false,
      user: { login: 'environment-ladder-bot' },
      head: { ref: BRANCH, label: `acme:${BRANCH}` },
      base: { ref: 'main', label: 'acme:main' },
      commits: 1,
      additions: 1,
      deletions: 1,
      changed_files: 1,
      created_at: '2026-01-15T10:00:00Z',
    });
    expect(pull.head.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(pull.base.repo.full_name).toBe('acme/gitops');
  });

  it('refuses a second open pull request from the same branch (422)', async () => {
    await openPull();
    const again = await api('POST', `${REPO}/pulls`, {
      title: 'again',
      head: BRANCH,
      base: 'main',
    });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for acme:${BRANCH}.`,
        },
      ],
      documentation_url:
        'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    });
  });

  it('refuses a branch without commits, or an unknown head (422)', async () => {
    await api('POST', `${REPO}/git/refs`, {
      ref: 'refs/heads/empty',
      sha: await mainSha(),
    });
    const empty = await api('POST', `${REPO}/pulls`, {
      title: 't',
      head: 'empty',
      base: 'main',
    });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].message).toBe(
      'No commits between main and empty',
    );
    const unknown = await api('POST', `${REPO}/pulls`, {
      title: 't',
      head: 'acme:nope',
      base: 'main',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { resource: 'PullRequest', field: 'head', code: 'invalid' },
    ]);
  });

  it('lists pull requests by head and state', async () => {
    await openPull();
    const head = encodeURIComponent(`acme:${BRANCH}`);
    const open = await api(
      'GET',
      `${REPO}/pulls?head=${head}&state=open&per_page=1`,
    );
    expect(open.status).toBe(200);
    expect(open.body.map((p: any) => p.number)).toEqual([1]);
    expect(open.body[0]).not.toHaveProperty('merged');
    expect(
      (await api('GET', `${REPO}/pulls?head=${head}&state=closed`)).body,
    ).toEqual([]);
    expect(
      (await api('GET', `${REPO}/pulls?head=acme%3Aother&state=all`)).body,
    ).toEqual([]);
    expect(
      (
        await api(
          'GET',
          `${REPO}/pulls?head=someone-else%3A${encodeURIComponent(BRANCH)}`,
        )
      ).body,
    ).toEqual([]);
    expect((await api('GET', `${REPO}/pulls`)).body).toHaveLength(1);
  });

  it('reads one pull request, and answers 404 for an unknown number', async () => {
    await openPull();
    const { body } = await api('GET', `${REPO}/pulls/1`);
    expect(body).toMatchObject({ number: 1, state: 'open', merged: false });
    const unknown = await api('GET', `${REPO}/pulls/2`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.documentation_url).toBe(
      'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
    );
  });

  it('adds labels to the pull request', async () => {
    await openPull();
    const labelled = await api('POST', `${REPO}/issues/1/labels`, {
      labels: ['environment-ladder', 'staging', 'enhancement'],
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body).toEqual([
      expect.objectContaining({
        name: 'environment-ladder',
        color: 'ededed',
        default: false,
      }),
      expect.objectContaining({ name: 'staging' }),
      expect.objectContaining({
        name: 'enhancement',
        color: 'a2eeef',
        default: true,
      }),
    ]);
    const pull = await api('GET', `${REPO}/pulls/1`);
    expect(pull.body.labels.map((l: any) => l.name)).toEqual([
      'environment-ladder',
      'staging',
      'enhancement',
    ]);
    expect(
      (await api('POST', `${REPO}/issues/9/labels`, { labels: ['x'] })).status,
    ).toBe(404);
  });

  it('requests reviewers, users and teams, but not the author', async () => {
    await openPull();
    const requested = await api('POST', `${REPO}/pulls/1/requested_reviewers`, {
      reviewers: ['olga'],
      team_reviewers: ['release-managers'],
    });
    expect(requested.status).toBe(201);
    expect(requested.body.requested_reviewers.map((u: any) => u.login)).toEqual(
      ['olga'],
    );
    expect(requested.body.requested_teams.map((t: any) => t.slug)).toEqual([
      'release-managers',
    ]);
    const author = await api('POST', `${REPO}/pulls/1/requested_reviewers`, {
      reviewers: ['environment-ladder-bot'],
    });
    expect(author.status).toBe(422);
    expect(author.body.message).toBe(
      'Review cannot be requested from pull request author.',
    );
  });

  it('lists no reviews until an approval is added through the admin API', async () => {
    await openPull();
    expect((await api('GET', `${REPO}/pulls/1/reviews`)).body).toEqual([]);
    const approved = await admin('POST', '/pulls/acme/gitops/1/approve', {
      user: 'olga',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.approvals).toEqual(['olga']);
    const reviews = await api('GET', `${REPO}/pulls/1/reviews`);
    expect(reviews.body).toEqual([
      expect.objectContaining({
        id: 1,
        state: 'APPROVED',
        user: expect.objectContaining({ login: 'olga' }),
        commit_id: approved.body.headSha,
        submitted_at: '2026-01-15T10:00:00Z',
      }),
    ]);
  });

  it('merges: the base branch gets the head’s files', async () => {
    const pull = await openPull();
    const before = github.readFile('acme/gitops', FILE)!;
    const merged = await api('PUT', `${REPO}/pulls/1/merge`, {
      merge_method: 'squash',
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      merged: true,
      message: 'Pull Request successfully merged',
    });
    expect(await mainSha()).toBe(merged.body.sha);
    expect(github.readFile('acme/gitops', FILE)).toBe(
      before.replace(/1{64}/, '2'.repeat(64)),
    );
    const after = await api('GET', `${REPO}/pulls/1`);
    expect(after.body).toMatchObject({
      state: 'closed',
      merged: true,
      merged_at: '2026-01-15T10:00:00Z',
      merge_commit_sha: merged.body.sha,
      merged_by: { login: 'environment-ladder-bot' },
      head: { sha: pull.head.sha },
    });
    expect((await api('GET', `${REPO}/pulls/1/merge`)).status).toBe(204);
    const again = await api('PUT', `${REPO}/pulls/1/merge`, {});
    expect(again.status).toBe(405);
    expect(again.body.message).toBe('Pull Request is not mergeable');
  });

  it('refuses a merge when the head moved (409) or conflicts (405)', async () => {
    await openPull();
    const moved = await api('PUT', `${REPO}/pulls/1/merge`, {
      sha: 'b'.repeat(40),
    });
    expect(moved.status).toBe(409);
    expect(moved.body.message).toBe(
      'Head branch was modified. Review and try the merge again.',
    );
    // main changes the same line meanwhile.
    await api('PUT', `${REPO}/contents/${FILE}`, {
      message: 'hotfix',
      content: Buffer.from(
        KUSTOMIZATION.replace(/1{64}/, '3'.repeat(64)),
      ).toString('base64'),
      sha: blobSha(KUSTOMIZATION),
    });
    expect((await api('GET', `${REPO}/pulls/1`)).body).toMatchObject({
      mergeable: false,
      mergeable_state: 'dirty',
    });
    expect((await api('PUT', `${REPO}/pulls/1/merge`, {})).status).toBe(405);
  });

  it('merges with a merge commit by default, keeping other changes on main', async () => {
    await openPull();
    await api('PUT', `${REPO}/contents/README.md`, {
      message: 'docs',
      content: Buffer.from('# gitops, documented\n').toString('base64'),
      sha: blobSha('# gitops\n'),
    });
    const merged = await api('PUT', `${REPO}/pulls/1/merge`, {});
    expect(merged.status).toBe(200);
    expect(github.readFile('acme/gitops', 'README.md')).toBe(
      '# gitops, documented\n',
    );
    expect(github.readFile('acme/gitops', FILE)).toContain('2'.repeat(64));
  });

  it('closes and reopens through PATCH', async () => {
    await openPull();
    const closed = await api('PATCH', `${REPO}/pulls/1`, { state: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      state: 'closed',
      merged: false,
      closed_at: '2026-01-15T10:00:00Z',
    });
    const reopened = await api('PATCH', `${REPO}/pulls/1`, { state: 'open' });
    expect(reopened.body).toMatchObject({ state: 'open', closed_at: null });
    expect(
      (await api('PATCH', `${REPO}/pulls/1`, { state: 'gone' })).status,
    ).toBe(422);
  });

  it('closes an open pull request whose head branch is deleted', async () => {
    await openPull();
    expect(
      (await api('DELETE', `${REPO}/git/refs/heads/${ENCODED_BRANCH}`)).status,
    ).toBe(204);
    expect((await api('GET', `${REPO}/pulls/1`)).body).toMatchObject({
      state: 'closed',
      merged: false,
    });
  });

  it('lets a closed attempt’s branch be reset and used again', async () => {
    await openPull();
    await api('PATCH', `${REPO}/pulls/1`, { state: 'closed' });
    const base = await mainSha();
    const exists = await api('POST', `${REPO}/git/refs`, {
      ref: `refs/heads/${BRANCH}`,
      sha: base,
    });
    expect(exists.body.message).toBe('Reference already exists');
    await api('PATCH', `${REPO}/git/refs/heads/${ENCODED_BRANCH}`, {
      sha: base,
      force: true,
    });
    const file = await readFile(BRANCH);
    await api('PUT', `${REPO}/contents/${FILE}`, {
      message: 'again',
      content: Buffer.from('again\n').toString('base64'),
      sha: file.sha,
      branch: BRANCH,
    });
    const second = await api('POST', `${REPO}/pulls`, {
      title: 'again',
      head: BRANCH,
      base: 'main',
    });
    expect(second.status).toBe(201);
    expect(second.body.number).toBe(2);
  });
});

describe('admin API', () => {
  it('reports state: branches and pull requests with their files', async () => {
    await openPull();
    await api('POST', `${REPO}/issues/1/labels`, { labels: ['staging'] });
    const { body } = await admin('GET', '/state');
    const repo = body.repositories.find(
      (r: any) => r.fullName === 'acme/gitops',
    );
    expect(Object.keys(repo.branches).sort()).toEqual([BRANCH, 'main']);
    expect(repo.pulls).toEqual([
      expect.objectContaining({
        number: 1,
        state: 'open',
        merged: false,
        head: BRANCH,
        base: 'main',
        labels: ['staging'],
        files: [FILE],
        htmlUrl: `${github.url}/acme/gitops/pull/1`,
      }),
    ]);
    expect(github.state()).toEqual(body);
  });

  it('merges and closes pull requests as a reviewer would', async () => {
    await openPull();
    const merged = await admin('POST', '/pulls/acme/gitops/1/merge');
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ state: 'closed', merged: true });
    expect(github.readFile('acme/gitops', FILE)).toContain('2'.repeat(64));
    const pull = await api('GET', `${REPO}/pulls/1`);
    expect(pull.body.merged_by.login).toBe('release-manager');

    await openPull(text => text.replace(/2{64}/, '4'.repeat(64)), 'second');
    const closed = await admin('POST', '/pulls/acme/gitops/2/close');
    expect(closed.body).toMatchObject({
      number: 2,
      state: 'closed',
      merged: false,
    });
    expect((await admin('POST', '/pulls/acme/gitops/9/close')).status).toBe(
      404,
    );
    expect((await admin('POST', '/pulls/acme/gitops/2/merge')).status).toBe(
      405,
    );
  });

  it('logs the requests served, for counting calls', async () => {
    await openPull();
    const { body } = await admin('GET', '/requests');
    expect(body.map((r: any) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'GET GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'POST POST /repos/{owner}/{repo}/git/refs 201',
      'GET GET /repos/{owner}/{repo}/contents/{path} 200',
      'PUT PUT /repos/{owner}/{repo}/contents/{path} 200',
      'POST POST /repos/{owner}/{repo}/pulls 201',
    ]);
    expect(body[0].path).toBe('/api/v3/repos/acme/gitops/git/ref/heads/main');
    await admin('DELETE', '/requests');
    expect(github.requests()).toEqual([]);
  });

  it('resets to the seed', async () => {
    const seed = await mainSha();
    await openPull();
    const reset = await admin('POST', '/reset');
    expect(reset.status).toBe(200);
    const repo = reset.body.repositories.find(
      (r: any) => r.fullName === 'acme/gitops',
    );
    expect(repo).toEqual({
      fullName: 'acme/gitops',
      htmlUrl: `${github.url}/acme/gitops`,
      defaultBranch: 'main',
      branches: { main: seed },
      pulls: [],
    });
    expect(github.requests()).toEqual([]);
  });

  it('serves raw files and a page for each pull request', async () => {
    await openPull();
    const raw = await fetch(
      `${
        github.url
      }/_fixture/files/acme/gitops/${FILE}?ref=${encodeURIComponent(BRANCH)}`,
    );
    expect(await raw.text()).toContain('2'.repeat(64));
    const page = await fetch(`${github.url}/acme/gitops/pull/1`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Promote checkout to staging');
    expect(html).toContain(`+     digest: sha256:${'2'.repeat(64)}`);
    const form = await fetch(
      `${github.url}/_fixture/pulls/acme/gitops/1/merge?redirect=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      },
    );
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/acme/gitops/pull/1');
    expect(github.state().repositories[0].pulls[0].merged).toBe(true);
  });
});

describe('startFixtureGitHub', () => {
  it('names the integration config that points @backstage/integration here', () => {
    expect(github.integrationConfig).toEqual({
      host: `127.0.0.1:${github.port}`,
      apiBaseUrl: `http://127.0.0.1:${github.port}/api/v3`,
      token: TOKEN,
    });
    expect(github.repositoryUrl('acme/gitops')).toBe(
      `http://127.0.0.1:${github.port}/acme/gitops`,
    );
  });

  it('refuses bad options before listening', async () => {
    await expect(startFixtureGitHub({ port: 0 })).rejects.toThrow(
      'Give repositoriesDir',
    );
    await expect(
      startFixtureGitHub({ port: 0, repositories: { nope: { a: 'b' } } }),
    ).rejects.toThrow("'nope' is not an owner/repo name");
    await expect(
      startFixtureGitHub({ port: 0, repositories: { 'a/b': { '../x': 'b' } } }),
    ).rejects.toThrow('is not a relative file path');
    await expect(
      startFixtureGitHub({ port: 0, repositoriesDir: '/nonexistent/dir' }),
    ).rejects.toThrow('Cannot read the repositories folder');
    await expect(
      startFixtureGitHub({
        port: github.port,
        repositories: { 'a/b': { x: 'y' } },
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
