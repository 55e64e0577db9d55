/** Options of {@link startFixtureGitHub}. */
export interface StartFixtureGitHubOptions {
  /** Port on `host`; 0 picks a free one. Default 7110. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * A folder of `<owner>/<repo>/` folders; each repository's files become its default
   * branch. Either this or `repositories`, or both.
   */
  repositoriesDir?: string;
  /** Repositories given inline: `'owner/repo'` → path → text. */
  repositories?: Record<string, Record<string, string>>;
  /** The token the API accepts (`Authorization: token …` or `Bearer …`). Default `fixture-github-token`. */
  token?: string;
  /** The login the token belongs to: it opens the pull requests. Default `environment-ladder-bot`. */
  user?: string;
  /** The default branch of every repository. Default `main`. */
  defaultBranch?: string;
  /**
   * The clock for pull request times (`created_at`, `merged_at`, …). Default: real time.
   * Commit times come from a logical clock whatever this is, so commit shas are the same
   * on every run.
   */
  now?: () => Date;
}

/** A pull request in {@link FixtureGitHubState}. */
export interface FixturePullState {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  htmlUrl: string;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  /** Logins of those who approved it. */
  approvals: string[];
  /** Paths the pull request changes. */
  files: string[];
  mergeCommitSha: string | null;
  createdAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

/** A repository in {@link FixtureGitHubState}. */
export interface FixtureRepositoryState {
  fullName: string;
  htmlUrl: string;
  defaultBranch: string;
  /** Branch name → head commit sha. */
  branches: Record<string, string>;
  pulls: FixturePullState[];
}

/** Everything the fixture holds, as `GET /_fixture/state` answers it. */
export interface FixtureGitHubState {
  repositories: FixtureRepositoryState[];
}

/** One API request the fixture answered, as `GET /_fixture/requests` lists it. */
export interface FixtureRequestLogEntry {
  method: string;
  /** The path as requested, query string included (e.g. `/api/v3/repos/acme/gitops/pulls?state=open`). */
  path: string;
  /** The endpoint, e.g. `GET /repos/{owner}/{repo}/pulls`; `unknown` when none matched. */
  route: string;
  status: number;
  /** ISO 8601. */
  at: string;
}

/** How a pull request is merged. */
export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** A running fixture GitHub. */
export interface FixtureGitHub {
  /** `http://127.0.0.1:<port>`: the web base (repository and pull request URLs). */
  url: string;
  /** `http://127.0.0.1:<port>/api/v3`, as for GitHub Enterprise. */
  apiBaseUrl: string;
  /** `127.0.0.1:<port>`: the `host` of the `integrations.github` entry. */
  host: string;
  port: number;
  /** The `integrations.github` entry that points `@backstage/integration` here. */
  integrationConfig: { host: string; apiBaseUrl: string; token: string };
  /** `http://127.0.0.1:<port>/<owner>/<repo>`. */
  repositoryUrl(fullName: string): string;
  state(): FixtureGitHubState;
  /** Back to the seed: every repository as loaded at start, no pull requests, empty request log. */
  reset(): void;
  requests(): FixtureRequestLogEntry[];
  clearRequests(): void;
  /** A file's text on a branch (default: the default branch) or commit; undefined when absent. */
  readFile(fullName: string, path: string, ref?: string): string | undefined;
  /** As the admin API: merge, close, or approve (as `user`) a pull request. */
  mergePull(
    fullName: string,
    number: number,
    options?: { mergeMethod?: MergeMethod; user?: string },
  ): FixturePullState;
  closePull(fullName: string, number: number): FixturePullState;
  approvePull(
    fullName: string,
    number: number,
    options?: { user?: string; body?: string },
  ): FixturePullState;
  close(): Promise<void>;
}
