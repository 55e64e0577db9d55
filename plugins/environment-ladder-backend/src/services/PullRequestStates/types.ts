/** A GitHub repository, as the entity's `github.com/project-slug` names it. */
export interface GithubRepository {
  owner: string;
  repo: string;
}

/**
 * What is known about a repository's open pull requests. `known: false` when it cannot be
 * known (no credentials, GitHub did not answer): only the ApplicationSet's evidence applies then.
 */
export type OpenPullRequests =
  | {
      known: true;
      /** The open pull requests by number. */
      open: Map<number, { title: string }>;
      /**
       * False when GitHub had more open pull requests than one page holds: a number that
       * is not listed may still be open.
       */
      complete: boolean;
    }
  | { known: false };

/** Tells which pull requests of a repository are open, for the preview rung. */
export interface PullRequestStates {
  getOpenPullRequests(repository: GithubRepository): Promise<OpenPullRequests>;
}
