import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  repositoryPathProblem,
  unifiedDiff,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  createGitHubClient,
  type GitHubRepo,
  type GitHubSession,
} from './createGitHubClient';
import type {
  AutoMergeResult,
  GitOpsRepository,
  OpenPromotionPullRequestOptions,
  PreparedChange,
  PromotionPullRequestResult,
  PullRequestState,
} from './types';

// What git and GitHub accept in a branch name, minus what would need quoting anywhere.
const BRANCH =
  /^(?!\/|.*\/\/|.*\.\.|.*\.lock(?:\/|$)|.*\/$|.*\.$)[A-Za-z0-9._/-]{1,200}$/;

type GitHubPull = {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
  head?: { sha?: string; ref?: string };
};

type GitHubCombinedStatus = { state: string; total_count: number };

type GitHubCheckRuns = {
  total_count: number;
  check_runs: Array<{
    name: string;
    status: string;
    conclusion: string | null;
  }>;
};

/** Conclusions of a completed check run that do not hold a merge back. */
const PASSING_CONCLUSIONS = ['success', 'neutral', 'skipped'];

type GitHubContent = {
  type?: string;
  path?: string;
  sha: string;
  content?: string;
  encoding?: string;
};

/**
 * Creates a GitOps repository client for GitHub and GitHub Enterprise, over plain REST
 * (the transport is {@link createGitHubClient}).
 *
 * @remarks
 * A promotion costs 5 requests when the base branch is configured: the base branch's
 * commit and the file at it (read before the promotion is recorded, see `prepareChange`),
 * then the branch, the file update on it and the pull request. +1 to look up the default
 * branch when no base branch is configured, +1 each for labels and reviewers. A branch
 * that already exists is this promotion's (its name is deterministic): its open pull
 * request is reused (+1), or, left by a closed attempt, it is reset (+2). A dry run reads
 * the file and looks for an open pull request. When the commit or the pull request cannot
 * be made after the branch was created, the branch is deleted again, unless opening the
 * pull request failed in a way that may hide success (a 5xx, a timeout, a reset) and it is
 * found open: then it is kept and answered. Errors name the step and GitHub's answer,
 * never the credentials.
 */
export function createGitHubGitOpsRepository(options: {
  integrations: ScmIntegrationRegistry;
  fetch?: typeof fetch;
  credentialsProvider?: GithubCredentialsProvider;
  /** How long one GitHub call may take before it counts as GitHub being unavailable. Default 30 s. */
  requestTimeoutMs?: number;
  /** Told when GitHub rejects the configured credentials. */
  logger?: LoggerService;
}): GitOpsRepository {
  const client = createGitHubClient({
    ...options,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });

  async function prepare(
    repo: GitHubRepo,
    github: GitHubSession,
    request: Parameters<GitOpsRepository['prepareChange']>[0],
  ): Promise<PreparedChange> {
    if (request.baseBranch !== undefined) {
      checkBranch(request.baseBranch, 'base branch');
    }
    const filePath = checkFilePath(request.filePath);
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
    if (!request.dryRun) {
      const { data: ref } = await github.call<{ object: { sha: string } }>(
        'GET',
        `/git/ref/heads/${encodePath(baseBranch)}`,
        `reading the branch ${baseBranch}`,
      );
      baseSha = ref.object.sha;
    }
    const { data: file } = await github.call<GitHubContent>(
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
        `Rule gitops-file-is-regular: ${filePath} on ${baseBranch} in ${repo.url} is not a file GitHub serves inline (a directory, a symlink, a submodule, or larger than 1 MB)`,
      );
    }
    // GitHub answers a symlink to a file with the target's content and path: the change
    // would land in another file than the one the promotion was allowed to change.
    if (file.path !== undefined && file.path !== filePath) {
      throw new InputError(
        `Rule gitops-file-is-regular: ${filePath} on ${baseBranch} in ${
          repo.url
        } is a link to ${String(file.path).slice(
          0,
          200,
        )}; a promotion changes only the file itself`,
      );
    }
    const before = Buffer.from(file.content, 'base64').toString('utf8');
    let after: string;
    try {
      after = request.edit(before).text;
    } catch (error) {
      throw new InputError(
        `Cannot edit ${filePath} on ${baseBranch}: ${(error as Error).message}`,
      );
    }
    const diff = unifiedDiff(before, after, { path: filePath });
    if (!diff && !request.dryRun) {
      throw new ConflictError(
        `${filePath} on ${baseBranch} already has this change; there is nothing to promote through a pull request`,
      );
    }
    return {
      repoUrl: request.repoUrl,
      baseBranch,
      ...(baseSha ? { baseSha } : {}),
      filePath,
      fileSha: file.sha,
      after,
      diff,
      requests: github.count(),
    };
  }

  return {
    checkRepository(repoUrl: string) {
      client.parseRepo(repoUrl);
    },

    async prepareChange(request) {
      const repo = client.parseRepo(request.repoUrl);
      const github = await client.session(repo, { write: false });
      return prepare(repo, github, request);
    },

    async openPromotionPullRequest(
      request: OpenPromotionPullRequestOptions,
    ): Promise<PromotionPullRequestResult> {
      const repo = client.parseRepo(request.repoUrl);
      checkBranch(request.branch, 'head branch');
      const dryRun = request.dryRun === true;
      const github = await client.session(repo, { write: !dryRun });
      const prepared =
        request.prepared && request.prepared.filePath === request.filePath
          ? request.prepared
          : undefined;
      const readCost = prepared?.requests ?? 0;
      const result = (
        fields: Omit<
          PromotionPullRequestResult,
          'branch' | 'dryRun' | 'requests'
        >,
      ): PromotionPullRequestResult => ({
        ...fields,
        branch: request.branch,
        dryRun,
        requests: readCost + github.count(),
      });
      const query = new URLSearchParams({
        head: `${repo.owner}:${request.branch}`,
        state: 'open',
        per_page: '1',
      });
      const findOpenPull = async (action: string) => {
        const { data } = await github.call<GitHubPull[]>(
          'GET',
          `/pulls?${query}`,
          action,
        );
        return Array.isArray(data) ? data[0] : undefined;
      };

      if (dryRun) {
        const existing = await findOpenPull(
          `looking for an open pull request from ${request.branch}`,
        );
        const change = await prepare(repo, github, request);
        return result({
          url: existing?.html_url ?? null,
          number: existing?.number ?? null,
          reused: Boolean(existing),
          diff: change.diff,
          warnings: [],
        });
      }
      const change = prepared ?? (await prepare(repo, github, request));
      const { baseBranch, baseSha, diff } = change;

      // The branch, the commit on it, the pull request; undone if it fails half-way.
      const created = await github.call<unknown>(
        'POST',
        '/git/refs',
        `creating the branch ${request.branch}`,
        { ref: `refs/heads/${request.branch}`, sha: baseSha },
        [422],
      );
      if (created.error) {
        if (!/reference already exists/i.test(created.error.message)) {
          throw created.error;
        }
        // The branch is ours (deterministic name): an earlier attempt opened its pull
        // request (reused), or left it behind when that was closed (started again).
        const open = await findOpenPull(
          `looking for an open pull request from ${request.branch}`,
        );
        if (open) {
          return result({
            url: open.html_url,
            number: open.number,
            reused: true,
            diff: '',
            warnings: [],
          });
        }
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
          `/contents/${encodePath(change.filePath)}`,
          `committing ${change.filePath} to ${request.branch}`,
          {
            message: request.commitMessage ?? request.title,
            content: Buffer.from(change.after, 'utf8').toString('base64'),
            sha: change.fileSha,
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
            const raced = await findOpenPull(
              `looking for the pull request from ${request.branch} again`,
            );
            if (raced) {
              return result({
                url: raced.html_url,
                number: raced.number,
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
            ? await findOpenPull(
                `looking for the pull request from ${request.branch} again`,
              ).catch(() => undefined)
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

      // Labels and reviewers: the pull request exists, so failures are warnings.
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
      const repo = client.parseRepo(repoUrl);
      if (!Number.isInteger(number) || number < 1) {
        throw new InputError(`Invalid pull request number ${number}`);
      }
      const github = await client.session(repo, { write: false });
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

    async mergePullRequest({ repoUrl, number }): Promise<AutoMergeResult> {
      const repo = client.parseRepo(repoUrl);
      if (!Number.isInteger(number) || number < 1) {
        throw new InputError(`Invalid pull request number ${number}`);
      }
      const github = await client.session(repo, { write: true });
      const { data: pull } = await github.call<GitHubPull>(
        'GET',
        `/pulls/${number}`,
        `reading pull request #${number}`,
      );
      if (pull.merged === true || pull.merged_at) {
        return { merged: true, alreadyMerged: true };
      }
      if (pull.state === 'closed') {
        return {
          merged: false,
          why: 'closed',
          message: `pull request #${number} is closed`,
        };
      }
      const sha = pull.head?.sha;
      if (!sha || !/^[0-9a-f]{40}$/.test(sha)) {
        throw new ServiceUnavailableError(
          `GitHub at ${repo.host} answered reading pull request #${number} without its head commit`,
        );
      }
      // Both kinds of checks GitHub has: commit statuses and check runs (Actions).
      const [{ data: status }, { data: runs }] = await Promise.all([
        github.call<GitHubCombinedStatus>(
          'GET',
          `/commits/${sha}/status`,
          `reading the status of pull request #${number}`,
        ),
        github.call<GitHubCheckRuns>(
          'GET',
          `/commits/${sha}/check-runs?per_page=100`,
          `reading the check runs of pull request #${number}`,
        ),
      ]);
      const pending: string[] = [];
      const failing: string[] = [];
      // GitHub says `pending` for a commit without statuses; only real ones count.
      if (status.total_count > 0 && status.state !== 'success') {
        (status.state === 'pending' ? pending : failing).push(
          `commit status ${status.state}`,
        );
      }
      for (const run of runs.check_runs ?? []) {
        if (run.status !== 'completed') {
          pending.push(`${run.name} ${run.status}`);
        } else if (!PASSING_CONCLUSIONS.includes(run.conclusion ?? '')) {
          failing.push(`${run.name} ${run.conclusion}`);
        }
      }
      if (failing.length) {
        return {
          merged: false,
          why: 'failing',
          message: `checks of pull request #${number} failed: ${failing.join(
            ', ',
          )}`,
        };
      }
      if (pending.length) {
        return {
          merged: false,
          why: 'pending',
          message: `checks of pull request #${number} still run: ${pending.join(
            ', ',
          )}`,
        };
      }
      // Pinned to the head just checked: GitHub refuses (409) if it moved meanwhile.
      const merge = await github.call<{ merged?: boolean; message?: string }>(
        'PUT',
        `/pulls/${number}/merge`,
        `merging pull request #${number}`,
        { sha },
        [405, 409],
      );
      if (merge.error) {
        return {
          merged: false,
          why: 'unmergeable',
          message: merge.error.message,
        };
      }
      // The branch has served its purpose; only the suite's own branches are deleted.
      const branch = pull.head?.ref;
      if (
        branch &&
        branch.startsWith('environment-ladder/') &&
        BRANCH.test(branch)
      ) {
        await github
          .call(
            'DELETE',
            `/git/refs/heads/${encodePath(branch)}`,
            `deleting the merged branch ${branch}`,
            undefined,
            [404, 422],
          )
          .catch(() => undefined);
      }
      return { merged: true, alreadyMerged: false };
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
  const problem = repositoryPathProblem(path);
  if (problem) {
    throw new InputError(
      `Invalid file path ${JSON.stringify(
        typeof path === 'string' ? path.slice(0, 200) : path,
      )}: a relative path inside the repository is needed; ${problem}`,
    );
  }
  return path;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
