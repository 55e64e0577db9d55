/** Where GitHub's error bodies point, per endpoint (`documentation_url`). */
export const DOCS = {
  rest: 'https://docs.github.com/rest',
  getRepository: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  getRef: 'https://docs.github.com/rest/git/refs#get-a-reference',
  listRefs: 'https://docs.github.com/rest/git/refs#list-matching-references',
  createRef: 'https://docs.github.com/rest/git/refs#create-a-reference',
  updateRef: 'https://docs.github.com/rest/git/refs#update-a-reference',
  deleteRef: 'https://docs.github.com/rest/git/refs#delete-a-reference',
  getContent:
    'https://docs.github.com/rest/repos/contents#get-repository-content',
  putContent:
    'https://docs.github.com/rest/repos/contents#create-or-update-file-contents',
  listPulls: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
  createPull: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
  getPull: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
  updatePull: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request',
  mergePull: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
  combinedStatus:
    'https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference',
  listCheckRuns:
    'https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference',
  checkMerged:
    'https://docs.github.com/rest/pulls/pulls#check-if-a-pull-request-has-been-merged',
  addLabels:
    'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
  listLabels:
    'https://docs.github.com/rest/issues/labels#list-labels-for-an-issue',
  requestReviewers:
    'https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request',
  listRequestedReviewers:
    'https://docs.github.com/rest/pulls/review-requests#get-all-requested-reviewers-for-a-pull-request',
  listReviews:
    'https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request',
} as const;

/** One entry of a `422 Validation Failed` body's `errors`. */
export type ValidationError = {
  resource: string;
  code: string;
  field?: string;
  message?: string;
};

/**
 * An error GitHub answers with: the status and the JSON body in GitHub's shape
 * (`message`, `documentation_url`, `status` as a string, and `errors` for validation).
 */
export class GitHubError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors?: ValidationError[];

  constructor(
    status: number,
    message: string,
    documentationUrl: string = DOCS.rest,
    errors?: ValidationError[],
  ) {
    super(message);
    this.name = 'GitHubError';
    this.status = status;
    this.documentationUrl = documentationUrl;
    this.errors = errors;
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
  }
}

/** `404 Not Found`, GitHub's answer for anything unknown or invisible. */
export function notFound(
  documentationUrl: string = DOCS.rest,
  message = 'Not Found',
) {
  return new GitHubError(404, message, documentationUrl);
}

/** `422 Validation Failed` with one error entry. */
export function validationFailed(
  documentationUrl: string,
  error: ValidationError,
) {
  return new GitHubError(422, 'Validation Failed', documentationUrl, [error]);
}
