/** What a promotion pull request changes and says. */
export interface OpenPromotionPullRequestOptions {
  /** The GitOps repository, e.g. `https://github.com/acme/gitops`. */
  repoUrl: string;
  /** The branch to merge into; the repository's default branch when omitted. */
  baseBranch?: string;
  /** The manifest to edit, relative to the repository root. */
  filePath: string;
  /** Turns the file's text at the base branch into the promoted text (e.g. `updateImageDigest`). */
  edit: (text: string) => { text: string };
  /** The head branch; deterministic, so that a retry finds its own pull request. */
  branch: string;
  title: string;
  body: string;
  /** The commit message; the title when omitted. */
  commitMessage?: string;
  labels?: string[];
  /** GitHub user logins, or `org/team-slug` for teams. */
  reviewers?: string[];
  /** Read and compute the change, write nothing. */
  dryRun?: boolean;
  /**
   * The change {@link GitOpsRepository.prepareChange} read and computed: the file is not
   * read again (a promotion then costs three writes after its two reads).
   */
  prepared?: PreparedChange;
}

/** What a promotion would change, read and computed before anything is recorded or written. */
export interface PreparedChange {
  repoUrl: string;
  /** The base branch, the repository's default branch when none was configured. */
  baseBranch: string;
  /** The base branch's commit the file was read at; absent for a dry run. */
  baseSha?: string;
  filePath: string;
  /** The file's blob sha at that commit, for the update. */
  fileSha: string;
  /** The file's text with the change made. */
  after: string;
  /** A unified diff of the change; never empty. */
  diff: string;
  /** How many requests reading cost. */
  requests: number;
}

/** The pull request that carries a promotion, or what it would be in a dry run. */
export interface PromotionPullRequestResult {
  /** The pull request's web URL; null in a dry run that found no open pull request. */
  url: string | null;
  /** Null in a dry run that found no open pull request. */
  number: number | null;
  branch: string;
  /** An open pull request from `branch` existed and was returned instead of a new one. */
  reused: boolean;
  /** A unified diff of the file's change; empty when an existing pull request was reused. */
  diff: string;
  dryRun: boolean;
  /** Things that went wrong after the pull request was opened (labels, reviewers). */
  warnings: string[];
  /** How many requests were sent to GitHub. */
  requests: number;
}

/** The state of a pull request as the ledger needs it. */
export interface PullRequestState {
  state: 'open' | 'closed';
  merged: boolean;
}

/** What an attempt to merge a pull request for an `auto-merge` gate came to. */
export type AutoMergeResult =
  | { merged: true; alreadyMerged: boolean }
  | {
      merged: false;
      /** `pending`: checks still run, try again; `failing`: a check failed; `closed`: closed unmerged; `unmergeable`: GitHub refused the merge. */
      why: 'pending' | 'failing' | 'closed' | 'unmergeable';
      message: string;
    };

/** Opens and follows promotion pull requests in a GitOps repository. */
export interface GitOpsRepository {
  /**
   * Throws an InputError when this client cannot work on the repository at all (not a
   * repository URL, no integration for its host), without calling the host, so that a
   * promotion is refused before it is recorded. Optional: a client that cannot tell
   * fails at its first call instead.
   */
  checkRepository?(repoUrl: string): void;
  /**
   * Reads the file at the base branch and makes the change without writing anything, so
   * that a change that cannot be made is refused before the promotion is recorded:
   * InputError when the file is not a regular file (a directory, a symlink, too large)
   * or the edit fails (e.g. a YAML path the file does not have), ConflictError when it
   * already has the change.
   */
  prepareChange(
    options: Pick<
      OpenPromotionPullRequestOptions,
      'repoUrl' | 'baseBranch' | 'filePath' | 'edit' | 'dryRun'
    >,
  ): Promise<PreparedChange>;
  openPromotionPullRequest(
    options: OpenPromotionPullRequestOptions,
  ): Promise<PromotionPullRequestResult>;
  getPullRequestState(options: {
    repoUrl: string;
    number: number;
  }): Promise<PullRequestState>;
  /**
   * Merges an open pull request once the checks on its head commit pass (combined
   * commit status and check runs; a commit with neither counts as passing), pinned to
   * that head so that a commit pushed meanwhile is never merged unchecked. Optional: a
   * client without it leaves `auto-merge` pull requests to be merged by hand.
   */
  mergePullRequest?(options: {
    repoUrl: string;
    number: number;
  }): Promise<AutoMergeResult>;
}
