/**
 * A small in-memory stand-in for the GitHub REST endpoints a GitOps promotion uses
 * (refs, contents, pull requests, labels, review requests and reviews), with GitHub's
 * response shapes, seeded from a folder of repositories. Demo and test infrastructure
 * for the Environment Ladder; not for production.
 *
 * @packageDocumentation
 */
export {
  startFixtureGitHub,
  DEFAULT_PORT,
  DEFAULT_TOKEN,
  DEFAULT_USER,
} from './startFixtureGitHub';
export { DEFAULT_REVIEWER } from './FixtureGitHubServer';
export { blobSha, treeSha, commitSha, githubBase64 } from './gitObjects';
export type {
  FixtureGitHub,
  FixtureGitHubState,
  FixturePullState,
  FixtureRepositoryState,
  FixtureRequestLogEntry,
  MergeMethod,
  StartFixtureGitHubOptions,
} from './types';
