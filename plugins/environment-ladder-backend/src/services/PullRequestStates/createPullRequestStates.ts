import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type {
  GithubRepository,
  OpenPullRequests,
  PullRequestStates,
} from './types';

const HOST = 'github.com';
/** GitHub's largest page: one call covers all but the busiest repositories. */
const PAGE_SIZE = 100;
const DEFAULT_TTL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5_000;
/** Owner and repository names as GitHub allows them (never `.` or `..`); nothing else reaches a URL path. */
const NAME = /^(?!\.+$)[A-Za-z0-9_.-]{1,100}$/;

const UNKNOWN: OpenPullRequests = { known: false };

/**
 * Lists a GitHub repository's open pull requests in one call
 * (`GET /repos/{owner}/{repo}/pulls?state=open&per_page=100`) with the credentials of
 * `integrations.github` for github.com (a token or a GitHub App), and remembers the answer
 * for each repository for a minute, failures included, so that every viewer of every
 * service page costs at most one call per repository per minute. Without credentials, or
 * when GitHub does not answer, the state is unknown; that is logged at debug level, with
 * the status only.
 */
export function createPullRequestStates(options: {
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  credentialsProvider?: GithubCredentialsProvider;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  ttlMs?: number;
  timeoutMs?: number;
}): PullRequestStates {
  const { integrations, logger } = options;
  const credentialsProvider =
    options.credentialsProvider ??
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cache = new Map<
    string,
    { expiresAt: number; answer: Promise<OpenPullRequests> }
  >();

  async function list(repository: GithubRepository): Promise<OpenPullRequests> {
    const slug = `${repository.owner}/${repository.repo}`;
    const integration = integrations.github.byHost(HOST);
    const apiBaseUrl = integration?.config.apiBaseUrl?.replace(/\/+$/, '');
    if (!apiBaseUrl) {
      logger.debug('No GitHub integration: pull request states are unknown', {
        host: HOST,
      });
      return UNKNOWN;
    }
    let headers: Record<string, string> | undefined;
    try {
      headers = (
        await credentialsProvider.getCredentials({
          url: `https://${HOST}/${slug}`,
        })
      ).headers;
    } catch (error) {
      logger.debug('No GitHub credentials: pull request states are unknown', {
        repository: slug,
        error: (error as Error).name,
      });
      return UNKNOWN;
    }
    if (!headers) {
      logger.debug('No GitHub credentials: pull request states are unknown', {
        repository: slug,
      });
      return UNKNOWN;
    }

    const url = `${apiBaseUrl}/repos/${encodeURIComponent(
      repository.owner,
    )}/${encodeURIComponent(
      repository.repo,
    )}/pulls?state=open&per_page=${PAGE_SIZE}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: {
          ...headers,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      logger.debug('GitHub did not answer: pull request states are unknown', {
        repository: slug,
        error: (error as Error).name,
      });
      return UNKNOWN;
    }
    if (!response.ok) {
      logger.debug('GitHub refused to list pull requests: states are unknown', {
        repository: slug,
        status: response.status,
      });
      return UNKNOWN;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!Array.isArray(body)) {
      logger.debug(
        'GitHub answered something other than a list of pull requests',
        {
          repository: slug,
        },
      );
      return UNKNOWN;
    }
    const open = new Map<number, { title: string }>();
    for (const item of body) {
      const number = (item as { number?: unknown })?.number;
      const title = (item as { title?: unknown })?.title;
      if (typeof number === 'number' && Number.isSafeInteger(number)) {
        open.set(number, { title: typeof title === 'string' ? title : '' });
      }
    }
    const link = response.headers.get('link') ?? '';
    const complete = !/rel="next"/.test(link) && body.length < PAGE_SIZE;
    return { known: true, open, complete };
  }

  return {
    async getOpenPullRequests(repository) {
      if (!NAME.test(repository.owner) || !NAME.test(repository.repo)) {
        return UNKNOWN;
      }
      const key = `${repository.owner}/${repository.repo}`.toLowerCase();
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now()) {
        return cached.answer;
      }
      // The promise is cached, so that concurrent page loads share one call.
      const answer = list(repository).catch(() => UNKNOWN);
      cache.set(key, { expiresAt: now() + ttlMs, answer });
      for (const [other, entry] of cache) {
        if (entry.expiresAt <= now()) cache.delete(other);
      }
      return answer;
    },
  };
}
