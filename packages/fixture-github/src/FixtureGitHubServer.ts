import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoHandler, type Reply } from './api';
import { DOCS, GitHubError, notFound } from './errors';
import { FixtureRepository } from './FixtureRepository';
import type { RepositorySeed } from './loadRepositories';
import { pullPage, repositoryPage } from './pages';
import { user as userShape, type Urls } from './shapes';
import type {
  FixtureGitHubState,
  FixturePullState,
  FixtureRequestLogEntry,
  MergeMethod,
} from './types';

/** Where the admin API lives. */
export const ADMIN_PREFIX = '/_fixture';
/** Where GitHub Enterprise serves its REST API; requests without it are served too. */
export const API_PREFIX = '/api/v3';
/** Who approves and merges through the admin API unless told otherwise. */
export const DEFAULT_REVIEWER = 'release-manager';

const MAX_BODY = 8 * 1024 * 1024;

/** Options of a {@link FixtureGitHubServer}. */
export interface FixtureGitHubServerOptions {
  seeds: RepositorySeed[];
  host: string;
  port: number;
  token: string;
  user: string;
  defaultBranch: string;
  now: () => Date;
}

class BodyError extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BodyError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter(Boolean)
      .map(segment => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * The fixture GitHub: one HTTP server holding one {@link FixtureRepository} per seed.
 * It answers GitHub's REST API under `/api/v3` (and at the root, like api.github.com),
 * the admin API under `/_fixture`, and bare HTML pages at the web URLs it hands out.
 */
export class FixtureGitHubServer {
  private readonly options: FixtureGitHubServerOptions;
  private readonly server: http.Server;
  private repositories = new Map<string, FixtureRepository>();
  private log: FixtureRequestLogEntry[] = [];
  private served = 0;
  private boundPort = 0;

  constructor(options: FixtureGitHubServerOptions) {
    this.options = options;
    this.reset();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        if (!res.headersSent && !res.destroyed) {
          this.send(res, 500, {
            message: `fixture-github: ${String(error)}`,
            documentation_url: DOCS.rest,
            status: '500',
          });
        } else {
          res.destroy();
        }
      });
    });
  }

  get port() {
    return this.boundPort;
  }

  get urls(): Urls {
    const web = `http://${this.options.host}:${this.boundPort}`;
    return { web, api: `${web}${API_PREFIX}` };
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Back to the seeds; the request log is emptied too. */
  reset() {
    const repositories = new Map<string, FixtureRepository>();
    for (const seed of this.options.seeds) {
      const repo = new FixtureRepository({
        owner: seed.owner,
        name: seed.name,
        files: seed.files,
        defaultBranch: this.options.defaultBranch,
        now: this.options.now,
      });
      repositories.set(repo.fullName.toLowerCase(), repo);
    }
    this.repositories = repositories;
    this.clearRequests();
  }

  requests(): FixtureRequestLogEntry[] {
    return this.log.map(entry => ({ ...entry }));
  }

  clearRequests() {
    this.log = [];
  }

  repository(fullName: string): FixtureRepository {
    const repo = this.repositories.get(fullName.toLowerCase());
    if (!repo) {
      throw new Error(
        `Unknown fixture repository '${fullName}'; known: ${[
          ...this.repositories.values(),
        ]
          .map(r => r.fullName)
          .join(', ')}`,
      );
    }
    return repo;
  }

  state(): FixtureGitHubState {
    return {
      repositories: [...this.repositories.values()].map(repo => ({
        fullName: repo.fullName,
        htmlUrl: `${this.urls.web}/${repo.fullName}`,
        defaultBranch: repo.defaultBranch,
        branches: repo.branches(),
        pulls: repo.pulls().map(pull => this.pullState(repo, pull.number)),
      })),
    };
  }

  pullState(repo: FixtureRepository, number: number): FixturePullState {
    const pull = repo.pull(number);
    if (!pull) {
      throw notFound(DOCS.getPull);
    }
    return {
      number: pull.number,
      title: pull.title,
      state: pull.state,
      merged: pull.mergedAt !== null,
      head: pull.head,
      headSha: pull.headSha,
      base: pull.base,
      baseSha: pull.baseSha,
      htmlUrl: `${this.urls.web}/${repo.fullName}/pull/${pull.number}`,
      labels: [...pull.labels],
      requestedReviewers: [...pull.requestedReviewers],
      requestedTeams: [...pull.requestedTeams],
      approvals: pull.reviews
        .filter(r => r.state === 'APPROVED')
        .map(r => r.user),
      files: repo.changedFiles(pull).map(file => file.path),
      mergeCommitSha: pull.mergeCommitSha,
      createdAt: pull.createdAt,
      closedAt: pull.closedAt,
      mergedAt: pull.mergedAt,
    };
  }

  /** The admin API's merge: as a reviewer, whatever the token's user may do. */
  mergePull(
    fullName: string,
    number: number,
    options: { mergeMethod?: MergeMethod | unknown; user?: string } = {},
  ): FixturePullState {
    const repo = this.repository(fullName);
    const pull = repo.pull(number);
    if (!pull) throw notFound(DOCS.mergePull);
    const login = options.user ?? DEFAULT_REVIEWER;
    repo.mergePull(pull, {
      user: { login, email: `${login}@users.noreply.github.com` },
      mergeMethod: options.mergeMethod,
    });
    return this.pullState(repo, number);
  }

  closePull(fullName: string, number: number): FixturePullState {
    const repo = this.repository(fullName);
    const pull = repo.pull(number);
    if (!pull) throw notFound(DOCS.updatePull);
    repo.closePull(pull);
    return this.pullState(repo, number);
  }

  approvePull(
    fullName: string,
    number: number,
    options: { user?: string; body?: string } = {},
  ): FixturePullState {
    const repo = this.repository(fullName);
    const pull = repo.pull(number);
    if (!pull) throw notFound(DOCS.listReviews);
    if (pull.state !== 'open') {
      throw new GitHubError(
        422,
        'Unprocessable Entity: Can not approve a closed pull request',
        DOCS.listReviews,
      );
    }
    repo.addReview(pull, {
      user: options.user ?? DEFAULT_REVIEWER,
      state: 'APPROVED',
      body: options.body ?? '',
    });
    return this.pullState(repo, number);
  }

  readFile(fullName: string, path: string, ref?: string): string | undefined {
    const repo = this.repository(fullName);
    const commit = repo.resolve(ref ?? repo.defaultBranch);
    return commit?.tree.get(path)?.toString('utf8');
  }

  // ---------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------

  private send(
    res: http.ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = body === undefined ? '' : JSON.stringify(body, null, 2);
    res.writeHead(status, {
      ...(body === undefined
        ? {}
        : {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(text)),
          }),
      ...headers,
    });
    res.end(text);
  }

  private sendText(
    res: http.ServerResponse,
    status: number,
    text: string,
    type = 'text/html; charset=utf-8',
  ) {
    res.writeHead(status, {
      'content-type': type,
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const method = (req.method ?? 'GET').toUpperCase();
    if (
      url.pathname === ADMIN_PREFIX ||
      url.pathname.startsWith(`${ADMIN_PREFIX}/`)
    ) {
      await this.handleAdmin(req, res, method, url);
      return;
    }
    const isApi =
      url.pathname === API_PREFIX ||
      url.pathname.startsWith(`${API_PREFIX}/`) ||
      url.pathname.startsWith('/repos/') ||
      url.pathname === '/user' ||
      url.pathname === '/';
    if (!isApi && (method === 'GET' || method === 'HEAD')) {
      this.handlePage(res, url);
      return;
    }
    await this.handleApi(req, res, method, url);
  }

  private apiHeaders(): Record<string, string> {
    this.served++;
    return {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': createHash('sha1')
        .update(String(this.served))
        .digest('hex')
        .slice(0, 20)
        .toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(1, 5000 - this.served)),
      'x-ratelimit-used': String(Math.min(4999, this.served)),
      'x-ratelimit-resource': 'core',
      'x-ratelimit-reset': String(
        Math.floor(this.options.now().getTime() / 1000) + 3600,
      ),
      'x-oauth-scopes': 'repo',
      'x-accepted-oauth-scopes': '',
    };
  }

  private async handleApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    url: URL,
  ) {
    const path = url.pathname.startsWith(API_PREFIX)
      ? url.pathname.slice(API_PREFIX.length) || '/'
      : url.pathname;
    let route = 'unknown';
    let reply: Reply;
    try {
      const text =
        method === 'GET' || method === 'HEAD' || method === 'DELETE'
          ? ''
          : await readBody(req);
      this.authorize(req.headers.authorization);
      let body: unknown;
      if (text.trim()) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new GitHubError(400, 'Problems parsing JSON', DOCS.rest);
        }
      }
      const segments = decodeSegments(path);
      if (!segments) throw notFound();
      if (segments.length === 1 && segments[0] === 'user' && method === 'GET') {
        route = 'GET /user';
        reply = { status: 200, body: this.apiUser() };
      } else if (segments[0] === 'repos' && segments.length >= 3) {
        const [, owner, name, ...rest] = segments;
        const handler = repoHandler(
          {
            urls: this.urls,
            repositories: this.repositories,
            user: this.options.user,
          },
          { method, rest, query: url.searchParams, body },
        );
        if (!handler) throw notFound();
        route = handler.route;
        const repo = this.repositories.get(`${owner}/${name}`.toLowerCase());
        if (!repo) throw notFound(handler.doc);
        reply = handler.run(repo);
      } else {
        throw notFound();
      }
    } catch (error) {
      if (error instanceof GitHubError) {
        reply = { status: error.status, body: error.body() };
      } else if (error instanceof BodyError) {
        reply = {
          status: 413,
          body: {
            message: error.message,
            documentation_url: DOCS.rest,
            status: '413',
          },
        };
      } else {
        throw error;
      }
    }
    this.log.push({
      method,
      path: `${url.pathname}${url.search}`,
      route,
      status: reply.status,
      at: new Date().toISOString(),
    });
    const headers = { ...this.apiHeaders(), ...(reply.headers ?? {}) };
    if (reply.status === 401) headers['www-authenticate'] = 'token';
    this.send(
      res,
      reply.status,
      method === 'HEAD' ? undefined : reply.body,
      headers,
    );
  }

  private authorize(header: string | undefined) {
    if (!header) {
      throw new GitHubError(401, 'Requires authentication', DOCS.rest);
    }
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    if (!match || match[1] !== this.options.token) {
      throw new GitHubError(401, 'Bad credentials', DOCS.rest);
    }
  }

  private apiUser() {
    // The shape of GET /user, without the private fields.
    return {
      ...userShape(this.urls, this.options.user),
      name: this.options.user,
    };
  }

  private handlePage(res: http.ServerResponse, url: URL) {
    const segments = decodeSegments(url.pathname) ?? [];
    const [owner, name, kind, ...rest] = segments;
    const repo =
      owner && name
        ? this.repositories.get(`${owner}/${name}`.toLowerCase())
        : undefined;
    if (!repo) {
      this.sendText(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
      return;
    }
    if (kind === undefined) {
      this.sendText(res, 200, repositoryPage(repo));
      return;
    }
    if (kind === 'pull' && rest.length === 1 && /^\d+$/.test(rest[0])) {
      const pull = repo.pull(Number(rest[0]));
      if (pull) {
        this.sendText(res, 200, pullPage(repo, pull));
        return;
      }
    }
    if ((kind === 'raw' || kind === 'blob') && rest.length >= 2) {
      // The ref may hold slashes: take the longest prefix that names a commit.
      for (let cut = rest.length - 1; cut >= 1; cut--) {
        const commit = repo.resolve(rest.slice(0, cut).join('/'));
        const file = commit?.tree.get(rest.slice(cut).join('/'));
        if (file !== undefined) {
          this.sendText(
            res,
            200,
            file.toString('utf8'),
            'text/plain; charset=utf-8',
          );
          return;
        }
      }
    }
    this.sendText(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
  }

  private async handleAdmin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    url: URL,
  ) {
    const segments = (decodeSegments(url.pathname) ?? []).slice(1);
    const text = method === 'POST' ? await readBody(req).catch(() => '') : '';
    let body: Record<string, unknown> = {};
    if (text.trim() && /json/i.test(req.headers['content-type'] ?? 'json')) {
      try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          body = parsed;
        }
      } catch {
        this.send(res, 400, { message: 'Problems parsing JSON' });
        return;
      }
    }
    const key = `${method} ${segments[0] ?? ''}`;
    try {
      if (key === 'GET state' && segments.length === 1) {
        this.send(res, 200, this.state());
      } else if (key === 'POST reset' && segments.length === 1) {
        this.reset();
        this.send(res, 200, this.state());
      } else if (key === 'GET requests' && segments.length === 1) {
        this.send(res, 200, this.requests());
      } else if (key === 'DELETE requests' && segments.length === 1) {
        this.clearRequests();
        this.send(res, 200, []);
      } else if (
        key === 'POST pulls' &&
        segments.length === 5 &&
        /^\d+$/.test(segments[3]) &&
        ['merge', 'close', 'approve'].includes(segments[4])
      ) {
        const [, owner, name, number, action] = segments;
        const fullName = `${owner}/${name}`;
        if (!this.repositories.has(fullName.toLowerCase())) throw notFound();
        const user = typeof body.user === 'string' ? body.user : undefined;
        let answer: FixturePullState;
        if (action === 'merge') {
          answer = this.mergePull(fullName, Number(number), {
            mergeMethod: body.merge_method,
            user,
          });
        } else if (action === 'close') {
          answer = this.closePull(fullName, Number(number));
        } else {
          answer = this.approvePull(fullName, Number(number), {
            user,
            body: typeof body.body === 'string' ? body.body : undefined,
          });
        }
        if (url.searchParams.get('redirect')) {
          res.writeHead(303, {
            location: answer.htmlUrl.replace(this.urls.web, ''),
          });
          res.end();
          return;
        }
        this.send(res, 200, answer);
      } else if (key === 'GET files' && segments.length >= 4) {
        const [, owner, name, ...path] = segments;
        const fullName = `${owner}/${name}`;
        if (!this.repositories.has(fullName.toLowerCase())) throw notFound();
        const content = this.readFile(
          fullName,
          path.join('/'),
          url.searchParams.get('ref') ?? undefined,
        );
        if (content === undefined) throw notFound();
        this.sendText(res, 200, content, 'text/plain; charset=utf-8');
      } else {
        throw notFound();
      }
    } catch (error) {
      if (error instanceof GitHubError) {
        this.send(res, error.status, error.body());
      } else {
        throw error;
      }
    }
  }
}
