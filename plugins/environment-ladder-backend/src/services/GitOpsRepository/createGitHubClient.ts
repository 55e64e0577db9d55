import type { LoggerService } from '@backstage/backend-plugin-api';
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

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const DETAIL_LENGTH = 300;

/** A GitHub repository, and where its API is. */
export type GitHubRepo = {
  host: string;
  owner: string;
  name: string;
  apiBaseUrl: string;
  url: string;
};

/** One GitHub call's answer; `error` is set for a status the caller said it accepts. */
export type GitHubAnswer<T> = { status: number; data: T; error?: Error };

/** A GitHub client for one operation on one repository, counting its requests. */
export interface GitHubSession {
  call<T>(
    method: string,
    path: string,
    action: string,
    body?: unknown,
    accept?: number[],
  ): Promise<GitHubAnswer<T>>;
  count(): number;
}

/**
 * The GitHub credentials were refused (401): nothing the user can fix, so the user is told
 * the GitOps integration is unavailable (503) and the platform owner gets an error log.
 */
export class GitOpsCredentialsRejectedError extends ServiceUnavailableError {}

/**
 * The transport of the GitOps repository client: repository URLs to API locations,
 * credentials from `integrations.github`, and GitHub's answers as typed errors that
 * name the step, never the credentials.
 */
export function createGitHubClient(options: {
  integrations: ScmIntegrationRegistry;
  fetch?: typeof fetch;
  credentialsProvider?: GithubCredentialsProvider;
  /** How long one GitHub call may take before it counts as GitHub being unavailable. */
  requestTimeoutMs: number;
  /** Where a rejected credential is reported to the platform owner. */
  logger?: LoggerService;
}) {
  const { integrations, requestTimeoutMs, logger } = options;
  const doFetch: typeof fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const credentialsProvider =
    options.credentialsProvider ??
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);

  function parseRepo(repoUrl: string): GitHubRepo {
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

  async function headersFor(repo: GitHubRepo, write: boolean) {
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

  /** A client for one operation on `repo`, counting its requests. */
  async function session(
    repo: GitHubRepo,
    access: { write: boolean },
  ): Promise<GitHubSession> {
    const headers = await headersFor(repo, access.write);
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
    ): Promise<GitHubAnswer<T>> {
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
        if (error instanceof GitOpsCredentialsRejectedError) {
          // For the platform owner: the user only learns the integration is unavailable.
          logger?.error(
            'GitHub rejected the GitOps credentials: check integrations.github (token or App installation)',
            {
              host: repo.host,
              repository: `${repo.owner}/${repo.name}`,
              action,
            },
          );
        }
        if (!accept.includes(response.status)) throw error;
        return { status: response.status, data: data as T, error };
      }
      return { status: response.status, data: data as T };
    }
    return { call, count: () => requests };
  }

  return { parseRepo, session };
}

function githubError(
  status: number,
  headers: Headers,
  data: unknown,
  repo: GitHubRepo,
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
      return new GitOpsCredentialsRejectedError(
        `The GitOps credentials are rejected: GitHub at ${repo.host} did not accept them while ${action} (401${said}); the platform team has been told, try again later`,
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
