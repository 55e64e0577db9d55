import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { unifiedDiff } from '@environment-ladder/plugin-environment-ladder-common';
import type {
  GitOpsRepository,
  OpenPromotionPullRequestOptions,
  PromotionPullRequestResult,
  PullRequestState,
} from './types';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
// What git and GitHub accept in a branch name, minus what would need quoting anywhere.
const BRANCH =
  /^(?!\/|.*\/\/|.*\.\.|.*\.lock(?:\/|$)|.*\/$|.*\.$)[A-Za-z0-9._/-]{1,200}$/;
const DETAIL_LENGTH = 300;

type Repo = {
  host: string;
  owner: string;
  name: string;
  apiBaseUrl: string;
  url: string;
};

type GitHubPull = {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
};

/**
 * Creates a GitOps repository client for GitHub and GitHub Enterprise, over plain REST.
 *
 * @remarks
 * Credentials (a token or a GitHub App installation) come from `integrations.github`
 * through `DefaultGithubCredentialsProvider`; a host without an integration is refused.
 * A promotion costs at most 8 requests: look for an open pull request from the branch
 * (reused when found: 1 request), the default branch (only without `baseBranch`), the base
 * branch's commit, the file at that commit, the branch, the file update on it, the pull
 * request, then labels and reviewers only when asked for. A dry run only reads. When the
 * commit or the pull request cannot be made after the branch was created, the branch is
 * deleted again, unless opening the pull request failed in a way that may hide success
 * (a 5xx, a timeout, a reset) and it is found open: then it is kept and answered.
 * Errors name the step and GitHub's answer, never the credentials (GitHub's own words
 * are quoted with any copy of the credentials taken out).
 */
export function createGitHubGitOpsRepository(options: {
  integrations: ScmIntegrationRegistry;
  fetch?: typeof fetch;
  credentialsProvider?: GithubCredentialsProvider;
  /** How long one GitHub call may take before it counts as GitHub being unavailable. Default 30 s. */
  requestTimeoutMs?: number;
}): GitOpsRepository {
  const { integrations } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const doFetch: typeof fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const credentialsProvider =
    options.credentialsProvider ??
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);

  function parseRepo(repoUrl: string): Repo {
    let url: URL;
    try {
      url = new URL(repoUrl);
    } catch {
      throw new InputError(
        `Invalid GitOps repository URL ${JSON.stringify(
          repoUrl,
        )}: expected https://<host>/<owner>/<repo>`,
      );
    }
    const parts = url.pathname
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean);
    if (
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      parts.length !== 2 ||
      !parts.every(part => NAME.test(part)) ||
      url.search ||
      url.hash ||
      url.username ||
      url.password
    ) {
      throw new InputError(
        `Invalid GitOps repository URL ${JSON.stringify(
          `${url.protocol}//${url.host}${url.pathname}`,
        )}: expected https://<host>/<owner>/<repo>`,
      );
    }
    const integration = integrations.github.byHost(url.host);
    if (!integration) {
      throw new InputError(
        `No GitHub integration for host ${url.host}: add it under integrations.github in app-config.yaml`,
      );
    }
    const apiBaseUrl = integration.config.apiBaseUrl;
    if (!apiBaseUrl) {
      throw new InputError(
        `The GitHub integration for host ${url.host} has no apiBaseUrl; set integrations.github[].apiBaseUrl`,
      );
    }
    return {
      host: url.host,
      owner: parts[0],
      name: parts[1],
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
      url: `${url.protocol}//${url.host}/${parts[0]}/${parts[1]}`,
    };
  }

  async function headersFor(repo: Repo, write: boolean) {
    let credentials;
    try {
      credentials = await credentialsProvider.getCredentials({ url: repo.url });
    } catch (error) {
      throw new NotAllowedError(
        `No GitHub credentials for ${repo.owner} on ${repo.host}: ${
          (error as Error).message
        }`,
      );
    }
    if (write && !credentials.token) {
      throw new NotAllowedError(
        `No GitHub token or App for ${repo.owner} on ${repo.host}: configure integrations.github for ${repo.host} to open pull requests`,
      );
    }
    return {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(credentials.headers ?? {}),
    };
  }

  /** One GitHub client per operation, counting its requests. */
  function session(repo: Repo, headers: Record<string, string>) {
    let requests = 0;
    // What GitHub says goes into errors, the ledger and logs: never with the
    // credentials in it, should GitHub (or a proxy before it) repeat them.
    const credentials = Object.values(headers)
      .flatMap(value => [value, ...value.split(/\s+/)])
      .filter(secret => secret.length >= 8);
    const redact = (text: string) =>
      credentials.reduce(
        (clean, secret) => clean.split(secret).join('***'),
        text,
      );
    const base = `${repo.apiBaseUrl}/repos/${encodeURIComponent(
      repo.owner,
    )}/${encodeURIComponent(repo.name)}`;
    async function call<T>(
      method: string,
      path: string,
      action: string,
      body?: unknown,
      accept: number[] = [],
    ): Promise<{ status: number; data: T; error?: Error }> {
      requests++;
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          // A GitHub that never answers must not hold a promotion request forever.
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (error) {
        throw new ServiceUnavailableError(
          `Could not reach GitHub at ${repo.host} while ${action}: ${
            (error as Error).message
          }`,
        );
      }
      const text = response.status === 204 ? '' : await response.text();
      let data: unknown = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch {
        if (response.ok) {
          throw new ServiceUnavailableError(
            `GitHub at ${repo.host} answered ${action} with something that is not JSON`,
          );
        }
      }
      if (!response.ok) {
        const error = githubError(
          response.status,
          response.headers,
          data,
          repo,
          action,
          redact,
        );
        if (!accept.includes(response.status)) throw error;
        return { status: response.status, data: data as T, error };
      }
      return { status: response.status, data: data as T };
    }
    return { call, count: () => requests };
  }

  return {
    checkRepository(repoUrl: string) {
      parseRepo(repoUrl);
    },

    async openPromotionPullRequest(
      request: OpenPromotionPullRequestOptions,
    ): Promise<PromotionPullRequestResult> {
      const repo = parseRepo(request.repoUrl);
      checkBranch(request.branch, 'head branch');
      if (request.baseBranch !== undefined) {
        checkBranch(request.baseBranch, 'base branch');
      }
      const filePath = checkFilePath(request.filePath);
      const dryRun = request.dryRun === true;
      const github = session(repo, await headersFor(repo, !dryRun));
      const result = (
        fields: Omit<
          PromotionPullRequestResult,
          'branch' | 'dryRun' | 'requests'
        >,
      ): PromotionPullRequestResult => ({
        ...fields,
        branch: request.branch,
        dryRun,
        requests: github.count(),
      });

      // 1. An open pull request from the branch is this promotion's, opened before.
      const query = new URLSearchParams({
        head: `${repo.owner}:${request.branch}`,
        state: 'open',
        per_page: '1',
      });
      const { data: open } = await github.call<GitHubPull[]>(
        'GET',
        `/pulls?${query}`,
        `looking for an open pull request from ${request.branch}`,
      );
      const existing = Array.isArray(open) ? open[0] : undefined;
      if (existing && !dryRun) {
        return result({
          url: existing.html_url,
          number: existing.number,
          reused: true,
          diff: '',
          warnings: [],
        });
      }

      // 2. The base branch and its commit.
      let baseBranch = request.baseBranch;
      if (!baseBranch) {
        const { data } = await github.call<{ default_branch: string }>(
          'GET',
          '',
          `reading ${repo.owner}/${repo.name}`,
        );
        baseBranch = data.default_branch;
      }
      let baseSha: string | undefined;
      if (!dryRun) {
        const { data: ref } = await github.call<{ object: { sha: string } }>(
          'GET',
          `/git/ref/heads/${encodePath(baseBranch)}`,
          `reading the branch ${baseBranch}`,
        );
        baseSha = ref.object.sha;
      }

      // 3. The file at that commit, edited.
      const { data: file } = await github.call<{
        type?: string;
        sha: string;
        content?: string;
        encoding?: string;
      }>(
        'GET',
        `/contents/${encodePath(filePath)}?${new URLSearchParams({
          ref: baseSha ?? baseBranch,
        })}`,
        `reading ${filePath} on ${baseBranch}`,
      );
      if (
        !file ||
        Array.isArray(file) ||
        file.type !== 'file' ||
        file.encoding !== 'base64' ||
        typeof file.content !== 'string'
      ) {
        throw new InputError(
          `${filePath} on ${baseBranch} in ${repo.url} is not a file GitHub serves inline (a directory, a submodule, or larger than 1 MB)`,
        );
      }
      const before = Buffer.from(file.content, 'base64').toString('utf8');
      let after: string;
      try {
        after = request.edit(before).text;
      } catch (error) {
        throw new InputError(
          `Cannot edit ${filePath} on ${baseBranch}: ${
            (error as Error).message
          }`,
        );
      }
      const diff = unifiedDiff(before, after, { path: filePath });
      if (dryRun) {
        return result({
          url: existing?.html_url ?? null,
          number: existing?.number ?? null,
          reused: Boolean(existing),
          diff,
          warnings: [],
        });
      }
      if (!diff) {
        throw new ConflictError(
          `${filePath} on ${baseBranch} already has this change; there is nothing to promote through a pull request`,
        );
      }

      // 4. The branch, the commit on it, the pull request; undone if it fails half-way.
      const branchAction = `creating the branch ${request.branch}`;
      const created = await github.call<unknown>(
        'POST',
        '/git/refs',
        branchAction,
        { ref: `refs/heads/${request.branch}`, sha: baseSha },
        [422],
      );
      if (created.error) {
        if (!/reference already exists/i.test(created.error.message)) {
          throw created.error;
        }
        // The branch is ours (deterministic name) but has no open pull request: a closed
        // attempt left it behind. Start it again from the base.
        await github.call(
          'PATCH',
          `/git/refs/heads/${encodePath(request.branch)}`,
          `resetting the branch ${request.branch} left by an earlier attempt`,
          { sha: baseSha, force: true },
        );
      }
      let pull: GitHubPull;
      let opening = false;
      try {
        await github.call(
          'PUT',
          `/contents/${encodePath(filePath)}`,
          `committing ${filePath} to ${request.branch}`,
          {
            message: request.commitMessage ?? request.title,
            content: Buffer.from(after, 'utf8').toString('base64'),
            sha: file.sha,
            branch: request.branch,
          },
        );
        opening = true;
        const opened = await github.call<GitHubPull>(
          'POST',
          '/pulls',
          `opening the pull request from ${request.branch} into ${baseBranch}`,
          {
            title: request.title,
            body: request.body,
            head: request.branch,
            base: baseBranch,
            maintainer_can_modify: false,
          },
          [422],
        );
        if (opened.error) {
          // A concurrent request opened it first: the branch now belongs to that pull
          // request, so it must not be deleted; answer with that pull request.
          if (/pull request already exists/i.test(opened.error.message)) {
            const { data: raced } = await github.call<GitHubPull[]>(
              'GET',
              `/pulls?${query}`,
              `looking for the pull request from ${request.branch} again`,
            );
            if (Array.isArray(raced) && raced[0]) {
              return result({
                url: raced[0].html_url,
                number: raced[0].number,
                reused: true,
                diff,
                warnings: [],
              });
            }
          }
          throw opened.error;
        }
        pull = opened.data;
      } catch (error) {
        // A 5xx, a timeout or a reset while opening leaves it unknown whether GitHub
        // opened the pull request: deleting the branch would close one it did open,
        // behind the ledger's back. Look for it first, and keep it when it is there.
        const found =
          opening && error instanceof ServiceUnavailableError
            ? await github
                .call<GitHubPull[]>(
                  'GET',
                  `/pulls?${query}`,
                  `looking for the pull request from ${request.branch} again`,
                )
                .then(({ data }) => (Array.isArray(data) ? data[0] : undefined))
                .catch(() => undefined)
            : undefined;
        if (!found) {
          try {
            await github.call(
              'DELETE',
              `/git/refs/heads/${encodePath(request.branch)}`,
              `deleting the branch ${request.branch} again`,
            );
          } catch (cleanup) {
            (error as Error).message += `; the branch ${
              request.branch
            } could not be deleted again (${(cleanup as Error).message})`;
          }
          throw error;
        }
        pull = found;
      }

      // 5. Labels and reviewers: the pull request exists, so failures are warnings.
      const warnings: string[] = [];
      if (request.labels?.length) {
        await github
          .call(
            'POST',
            `/issues/${pull.number}/labels`,
            `labelling pull request #${pull.number}`,
            { labels: request.labels },
          )
          .catch((error: Error) => warnings.push(error.message));
      }
      if (request.reviewers?.length) {
        const teams = request.reviewers.filter(r => r.includes('/'));
        const users = request.reviewers.filter(r => !r.includes('/'));
        await github
          .call(
            'POST',
            `/pulls/${pull.number}/requested_reviewers`,
            `requesting reviewers for pull request #${pull.number}`,
            {
              reviewers: users,
              team_reviewers: teams.map(team =>
                team.slice(team.indexOf('/') + 1),
              ),
            },
          )
          .catch((error: Error) => warnings.push(error.message));
      }
      return result({
        url: pull.html_url,
        number: pull.number,
        reused: false,
        diff,
        warnings,
      });
    },

    async getPullRequestState({ repoUrl, number }): Promise<PullRequestState> {
      const repo = parseRepo(repoUrl);
      if (!Number.isInteger(number) || number < 1) {
        throw new InputError(`Invalid pull request number ${number}`);
      }
      const github = session(repo, await headersFor(repo, false));
      const { data } = await github.call<GitHubPull>(
        'GET',
        `/pulls/${number}`,
        `reading pull request #${number}`,
      );
      return {
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: data.merged === true || Boolean(data.merged_at),
      };
    },
  };
}

function checkBranch(branch: string, what: string) {
  if (typeof branch !== 'string' || !BRANCH.test(branch)) {
    throw new InputError(
      `Invalid ${what} ${JSON.stringify(
        branch,
      )}: letters, digits, '.', '_', '-' and '/' only, without '..' or empty segments`,
    );
  }
}

function checkFilePath(path: string): string {
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (
    segments.length === 0 ||
    path.length > 1024 ||
    // eslint-disable-next-line no-control-regex
    /[\\\u0000-\u001f]/.test(path) ||
    segments.some(
      segment => segment === '' || segment === '.' || segment === '..',
    )
  ) {
    throw new InputError(
      `Invalid file path ${JSON.stringify(
        path,
      )}: a relative path inside the repository is needed`,
    );
  }
  return path;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function githubError(
  status: number,
  headers: Headers,
  data: unknown,
  repo: Repo,
  action: string,
  redact: (text: string) => string,
): Error {
  let detail = '';
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const body = data as {
      message?: unknown;
      errors?: Array<{ message?: unknown; code?: unknown } | string>;
    };
    const messages = [
      typeof body.message === 'string' ? body.message : '',
      ...(Array.isArray(body.errors) ? body.errors.map(errorText) : []),
    ].filter(Boolean);
    detail = redact(messages.join(': ')).slice(0, DETAIL_LENGTH);
  }
  const said = detail ? `: ${detail}` : '';
  const where = `${repo.owner}/${repo.name} on ${repo.host}`;
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = Number(headers.get('x-ratelimit-reset'));
  const retryAfter = headers.get('retry-after');
  if (
    status === 429 ||
    (status === 403 &&
      (remaining === '0' || retryAfter !== null || /rate limit/i.test(detail)))
  ) {
    let when = 'later';
    if (retryAfter !== null) {
      when = `in ${retryAfter} seconds`;
    } else if (Number.isFinite(reset) && reset > 0) {
      when = `after ${new Date(reset * 1000).toISOString()}`;
    }
    return new ServiceUnavailableError(
      `GitHub's rate limit for ${repo.host} was reached while ${action}; try again ${when}`,
    );
  }
  switch (status) {
    case 401:
      return new NotAllowedError(
        `GitHub did not accept the configured credentials for ${repo.host} while ${action} (401${said})`,
      );
    case 403:
      return new NotAllowedError(
        `The configured GitHub credentials may not do this in ${where} (${action}; 403${said})`,
      );
    case 404:
      return new NotFoundError(
        `GitHub found nothing while ${action} in ${where} (404${said}); check the repository, branch and path, and that the credentials can see them`,
      );
    case 409:
      return new ConflictError(
        `GitHub reported a conflict while ${action} in ${where} (409${said}); the branch changed meanwhile, try again`,
      );
    case 422:
      return new ConflictError(
        `GitHub refused ${action} in ${where} (422${said})`,
      );
    default:
      if (status >= 500) {
        return new ServiceUnavailableError(
          `GitHub answered ${status} while ${action} in ${where}; try again later`,
        );
      }
      return new Error(
        `GitHub answered ${status} while ${action} in ${where}${said}`,
      );
  }
}

/** One entry of GitHub's `errors` list in words. */
function errorText(entry: { message?: unknown; code?: unknown } | string) {
  if (typeof entry === 'string') return entry;
  if (typeof entry?.message === 'string') return entry.message;
  if (typeof entry?.code === 'string') return entry.code;
  return '';
}
