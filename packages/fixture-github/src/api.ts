import { DOCS, GitHubError, notFound, validationFailed } from './errors';
import { FixtureRepository, noreplyEmail } from './FixtureRepository';
import { treeSha } from './gitObjects';
import * as shapes from './shapes';
import type { Urls } from './shapes';

/** What an API handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the handlers need besides the request. */
export interface ApiContext {
  urls: Urls;
  repositories: Map<string, FixtureRepository>;
  /** The login the token belongs to. */
  user: string;
}

/** A request to one repository's endpoints, after the `/repos/{owner}/{repo}` prefix. */
export interface RepoRequest {
  method: string;
  /** Decoded path segments after `/repos/{owner}/{repo}`. */
  rest: string[];
  query: URLSearchParams;
  /** Parsed JSON body (undefined for none). */
  body: unknown;
}

type Handler = {
  route: string;
  doc: string;
  run: (repo: FixtureRepository) => Reply;
};

const NUMBER = /^[1-9]\d{0,8}$/;

function object(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function missing(field: string, doc: string) {
  return new GitHubError(
    422,
    `Invalid request.\n\n"${field}" wasn't supplied.`,
    doc,
  );
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  if (!value.every(item => typeof item === 'string')) return undefined;
  return value as string[];
}

function author(ctx: ApiContext, given: unknown) {
  const person = object(given);
  if (typeof person.name === 'string' && typeof person.email === 'string') {
    return { name: person.name, email: person.email };
  }
  return {
    name: ctx.user,
    email: noreplyEmail(ctx.user, shapes.stableId(`user:${ctx.user}`)),
  };
}

function withPull(
  repo: FixtureRepository,
  number: string,
  doc: string,
  run: (pull: NonNullable<ReturnType<FixtureRepository['pull']>>) => Reply,
): Reply {
  const pull = NUMBER.test(number) ? repo.pull(Number(number)) : undefined;
  if (!pull) throw notFound(doc);
  return run(pull);
}

/** Files and folders directly inside `dir` of a tree, as the contents API lists them. */
function listDirectory(
  tree: ReadonlyMap<string, Buffer>,
  dir: string,
): Array<
  | { type: 'file'; path: string; content: Buffer }
  | { type: 'dir'; path: string; sha: string }
> {
  const prefix = dir === '' ? '' : `${dir}/`;
  const files = new Map<string, Buffer>();
  const dirs = new Map<string, Map<string, Buffer>>();
  for (const [path, content] of tree) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      files.set(rest, content);
    } else {
      const name = rest.slice(0, slash);
      if (!dirs.has(name)) dirs.set(name, new Map());
      dirs.get(name)!.set(rest.slice(slash + 1), content);
    }
  }
  return [
    ...[...files].map(([name, content]) => ({
      type: 'file' as const,
      path: `${prefix}${name}`,
      content,
    })),
    ...[...dirs].map(([name, subtree]) => ({
      type: 'dir' as const,
      path: `${prefix}${name}`,
      sha: treeSha(subtree),
    })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
}

function paginate<T>(
  items: T[],
  query: URLSearchParams,
  selfUrl: string,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(query.get('per_page') ?? 30) || 30),
  );
  const pageNumber = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    return `${selfUrl}?${params}`;
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(`<${link(pageNumber - 1)}>; rel="prev"`);
  if (pageNumber < last) {
    links.push(`<${link(pageNumber + 1)}>; rel="next"`);
    links.push(`<${link(last)}>; rel="last"`);
  }
  if (pageNumber > 1) links.push(`<${link(1)}>; rel="first"`);
  return {
    page: items.slice((pageNumber - 1) * perPage, pageNumber * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

/** Finds the endpoint of a repository request; undefined when GitHub has none (404). */
export function repoHandler(
  ctx: ApiContext,
  req: RepoRequest,
): Handler | undefined {
  const { method, rest, query } = req;
  const body = object(req.body);
  const { urls } = ctx;
  const [first, second, third] = rest;

  // GET /repos/{owner}/{repo}
  if (rest.length === 0 && method === 'GET') {
    return {
      route: 'GET /repos/{owner}/{repo}',
      doc: DOCS.getRepository,
      run: repo => ({ status: 200, body: shapes.repository(urls, repo) }),
    };
  }

  // /git/ref/{ref} and /git/refs[/{ref}]
  if (
    first === 'git' &&
    second === 'ref' &&
    rest.length > 2 &&
    method === 'GET'
  ) {
    const fullRef = `refs/${rest.slice(2).join('/')}`;
    return {
      route: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
      doc: DOCS.getRef,
      run: repo => {
        const sha = repo.ref(fullRef);
        if (!sha) throw notFound(DOCS.getRef);
        return { status: 200, body: shapes.gitRef(urls, repo, fullRef, sha) };
      },
    };
  }
  if (first === 'git' && second === 'refs') {
    const tail = rest.slice(2).join('/');
    const fullRef = tail ? `refs/${tail}` : 'refs';
    if (method === 'GET') {
      return {
        route: tail
          ? 'GET /repos/{owner}/{repo}/git/refs/{ref}'
          : 'GET /repos/{owner}/{repo}/git/refs',
        doc: DOCS.listRefs,
        run: repo => {
          const exact = tail ? repo.ref(fullRef) : undefined;
          if (exact) {
            return {
              status: 200,
              body: shapes.gitRef(urls, repo, fullRef, exact),
            };
          }
          const matching = repo.listRefs(tail ? fullRef : 'refs/');
          if (!matching.length) throw notFound(DOCS.listRefs);
          return {
            status: 200,
            body: matching.map(r => shapes.gitRef(urls, repo, r.ref, r.sha)),
          };
        },
      };
    }
    if (method === 'POST' && !tail) {
      return {
        route: 'POST /repos/{owner}/{repo}/git/refs',
        doc: DOCS.createRef,
        run: repo => {
          repo.createRef(body.ref, body.sha);
          const created = shapes.gitRef(
            urls,
            repo,
            body.ref as string,
            body.sha as string,
          );
          return {
            status: 201,
            body: created,
            headers: { location: created.url },
          };
        },
      };
    }
    if (method === 'PATCH' && tail) {
      return {
        route: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
        doc: DOCS.updateRef,
        run: repo => {
          repo.updateRef(fullRef, body.sha, body.force === true);
          return {
            status: 200,
            body: shapes.gitRef(urls, repo, fullRef, repo.ref(fullRef)!),
          };
        },
      };
    }
    if (method === 'DELETE' && tail) {
      return {
        route: 'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
        doc: DOCS.deleteRef,
        run: repo => {
          repo.deleteRef(fullRef);
          return { status: 204 };
        },
      };
    }
    return undefined;
  }

  // /contents/{path}
  if (first === 'contents') {
    const path = rest.slice(1).join('/');
    if (method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/contents/{path}',
        doc: DOCS.getContent,
        run: repo => {
          const ref = query.get('ref') || repo.defaultBranch;
          const commit = repo.resolve(ref);
          if (!commit) {
            throw notFound(
              DOCS.getContent,
              `No commit found for the ref ${ref}`,
            );
          }
          const file = commit.tree.get(path);
          if (file !== undefined) {
            return {
              status: 200,
              body: shapes.contentFile(urls, repo, path, ref, file),
            };
          }
          if (path === '' || repo.isDirectory(commit.tree, path)) {
            return {
              status: 200,
              body: listDirectory(commit.tree, path).map(entry =>
                shapes.contentEntry(
                  urls,
                  repo,
                  entry.path,
                  ref,
                  entry.type === 'file'
                    ? { type: 'file', content: entry.content }
                    : { type: 'dir', sha: entry.sha },
                ),
              ),
            };
          }
          throw notFound(DOCS.getContent);
        },
      };
    }
    if (method === 'PUT' && path) {
      return {
        route: 'PUT /repos/{owner}/{repo}/contents/{path}',
        doc: DOCS.putContent,
        run: repo => {
          if (typeof body.message !== 'string' || !body.message) {
            throw missing('message', DOCS.putContent);
          }
          if (typeof body.content !== 'string') {
            throw missing('content', DOCS.putContent);
          }
          if (!/^[A-Za-z0-9+/=\s]*$/.test(body.content)) {
            throw new GitHubError(
              422,
              'content is not valid Base64',
              DOCS.putContent,
            );
          }
          if (body.sha !== undefined && typeof body.sha !== 'string') {
            throw validationFailed(DOCS.putContent, {
              resource: 'Contents',
              field: 'sha',
              code: 'invalid',
            });
          }
          const branch =
            typeof body.branch === 'string' && body.branch
              ? body.branch.replace(/^refs\/heads\//, '')
              : repo.defaultBranch;
          const committer = author(ctx, body.committer);
          const { commit, created } = repo.commitFile({
            branch,
            path,
            content: Buffer.from(body.content, 'base64'),
            message: body.message,
            sha: body.sha as string | undefined,
            author: body.author ? author(ctx, body.author) : committer,
            committer,
          });
          const content = shapes.contentEntry(urls, repo, path, branch, {
            type: 'file',
            content: commit.tree.get(path)!,
          });
          return {
            status: created ? 201 : 200,
            body: { content, commit: shapes.commit(urls, repo, commit) },
          };
        },
      };
    }
    return undefined;
  }

  // /commits/{ref}/status and /commits/{ref}/check-runs: the stand-in runs no checks,
  // so it answers as GitHub does for a commit nobody reported on (no statuses, no runs;
  // GitHub's combined state is then `pending` with a total count of 0).
  if (
    first === 'commits' &&
    rest.length === 3 &&
    method === 'GET' &&
    (third === 'status' || third === 'check-runs')
  ) {
    const doc = third === 'status' ? DOCS.combinedStatus : DOCS.listCheckRuns;
    return {
      route: `GET /repos/{owner}/{repo}/commits/{ref}/${third}`,
      doc,
      run: repo => {
        const commit = repo.resolve(second);
        if (!commit) throw notFound(doc);
        return {
          status: 200,
          body:
            third === 'status'
              ? {
                  state: 'pending',
                  sha: commit.sha,
                  total_count: 0,
                  statuses: [],
                }
              : { total_count: 0, check_runs: [] },
        };
      },
    };
  }

  // /pulls
  if (first === 'pulls' && rest.length === 1) {
    const selfUrl = `${urls.api}/repos/{owner}/{repo}/pulls`;
    if (method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/pulls',
        doc: DOCS.listPulls,
        run: repo => {
          const state = query.get('state') ?? 'open';
          if (!['open', 'closed', 'all'].includes(state)) {
            throw validationFailed(DOCS.listPulls, {
              resource: 'Search',
              field: 'state',
              code: 'invalid',
            });
          }
          let head = query.get('head');
          let headOwner = repo.owner;
          if (head?.includes(':')) {
            headOwner = head.slice(0, head.indexOf(':'));
            head = head.slice(head.indexOf(':') + 1);
          }
          const base = query.get('base');
          const sort = query.get('sort') ?? 'created';
          // GitHub: newest first by default, ascending for the other sorts.
          const direction =
            query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
          const key = (p: {
            createdAt: string;
            updatedAt: string;
            number: number;
          }) =>
            `${sort === 'updated' ? p.updatedAt : p.createdAt}#${String(
              p.number,
            ).padStart(10, '0')}`;
          const pulls = repo
            .pulls()
            .filter(p => state === 'all' || p.state === state)
            .filter(
              p =>
                !head ||
                (headOwner.toLowerCase() === repo.owner.toLowerCase() &&
                  p.head === head),
            )
            .filter(p => !base || p.base === base)
            .sort((a, b) => {
              const order = key(a) < key(b) ? -1 : 1;
              return direction === 'asc' ? order : -order;
            });
          const { page, headers } = paginate(
            pulls,
            query,
            selfUrl.replace('{owner}/{repo}', repo.fullName),
          );
          return {
            status: 200,
            body: page.map(p => shapes.pull(urls, repo, p, false)),
            headers,
          };
        },
      };
    }
    if (method === 'POST') {
      return {
        route: 'POST /repos/{owner}/{repo}/pulls',
        doc: DOCS.createPull,
        run: repo => {
          const pull = repo.createPull({
            title: body.title,
            body: body.body,
            head: body.head,
            base: body.base,
            draft: body.draft,
            maintainerCanModify: body.maintainer_can_modify,
            user: ctx.user,
          });
          const answer = shapes.pull(urls, repo, pull, true);
          return {
            status: 201,
            body: answer,
            headers: { location: answer.url },
          };
        },
      };
    }
    return undefined;
  }

  // /pulls/{number}[/...]
  if (first === 'pulls' && second !== undefined) {
    if (rest.length === 2 && method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        doc: DOCS.getPull,
        run: repo =>
          withPull(repo, second, DOCS.getPull, pull => ({
            status: 200,
            body: shapes.pull(urls, repo, pull, true),
          })),
      };
    }
    if (rest.length === 2 && method === 'PATCH') {
      return {
        route: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
        doc: DOCS.updatePull,
        run: repo =>
          withPull(repo, second, DOCS.updatePull, pull => {
            repo.updatePull(pull, body);
            return { status: 200, body: shapes.pull(urls, repo, pull, true) };
          }),
      };
    }
    if (rest.length === 3 && third === 'merge' && method === 'PUT') {
      return {
        route: 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
        doc: DOCS.mergePull,
        run: repo =>
          withPull(repo, second, DOCS.mergePull, pull => {
            const commit = repo.mergePull(pull, {
              user: {
                login: ctx.user,
                email: noreplyEmail(
                  ctx.user,
                  shapes.stableId(`user:${ctx.user}`),
                ),
              },
              sha: body.sha,
              mergeMethod: body.merge_method,
              commitTitle: body.commit_title,
              commitMessage: body.commit_message,
            });
            return {
              status: 200,
              body: {
                sha: commit.sha,
                merged: true,
                message: 'Pull Request successfully merged',
              },
            };
          }),
      };
    }
    if (rest.length === 3 && third === 'merge' && method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/merge',
        doc: DOCS.checkMerged,
        run: repo =>
          withPull(repo, second, DOCS.checkMerged, pull => {
            if (!pull.mergedAt) throw notFound(DOCS.checkMerged);
            return { status: 204 };
          }),
      };
    }
    if (rest.length === 3 && third === 'requested_reviewers') {
      if (method === 'GET') {
        return {
          route:
            'GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
          doc: DOCS.listRequestedReviewers,
          run: repo =>
            withPull(repo, second, DOCS.listRequestedReviewers, pull => ({
              status: 200,
              body: {
                users: pull.requestedReviewers.map(u => shapes.user(urls, u)),
                teams: pull.requestedTeams.map(t =>
                  shapes.team(urls, repo.owner, t),
                ),
              },
            })),
        };
      }
      if (method === 'POST') {
        return {
          route:
            'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
          doc: DOCS.requestReviewers,
          run: repo =>
            withPull(repo, second, DOCS.requestReviewers, pull => {
              const users = stringList(body.reviewers);
              const teams = stringList(body.team_reviewers);
              if (!users || !teams) {
                throw validationFailed(DOCS.requestReviewers, {
                  resource: 'PullRequest',
                  field: users ? 'team_reviewers' : 'reviewers',
                  code: 'invalid',
                });
              }
              if (!users.length && !teams.length) {
                throw new GitHubError(
                  422,
                  'Invalid request.\n\nNo subschema in "anyOf" matched.\n"reviewers" wasn\'t supplied.\n"team_reviewers" wasn\'t supplied.',
                  DOCS.requestReviewers,
                );
              }
              repo.requestReviewers(pull, users, teams);
              return {
                status: 201,
                body: shapes.pull(urls, repo, pull, false),
              };
            }),
        };
      }
      return undefined;
    }
    if (rest.length === 3 && third === 'reviews' && method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        doc: DOCS.listReviews,
        run: repo =>
          withPull(repo, second, DOCS.listReviews, pull => ({
            status: 200,
            body: pull.reviews.map(r => shapes.review(urls, repo, pull, r)),
          })),
      };
    }
    return undefined;
  }

  // /issues/{number}/labels (pull requests are issues)
  if (first === 'issues' && third === 'labels' && rest.length === 3 && second) {
    if (method === 'GET') {
      return {
        route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
        doc: DOCS.listLabels,
        run: repo =>
          withPull(repo, second, DOCS.listLabels, pull => ({
            status: 200,
            body: pull.labels.map(name =>
              shapes.label(urls, repo, repo.label(name)),
            ),
          })),
      };
    }
    if (method === 'POST') {
      return {
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
        doc: DOCS.addLabels,
        run: repo =>
          withPull(repo, second, DOCS.addLabels, pull => {
            // `{ labels: [...] }`, a bare array, or `{ labels: [{ name }] }`.
            const raw = Array.isArray(req.body) ? req.body : body.labels;
            const names = Array.isArray(raw)
              ? raw.map(item =>
                  typeof item === 'string'
                    ? item
                    : (object(item).name as string | undefined),
                )
              : undefined;
            if (
              !names ||
              !names.every(name => typeof name === 'string' && name.trim())
            ) {
              throw validationFailed(DOCS.addLabels, {
                resource: 'Label',
                field: 'labels',
                code: 'invalid',
              });
            }
            repo.addLabels(pull, names as string[]);
            return {
              status: 200,
              body: pull.labels.map(name =>
                shapes.label(urls, repo, repo.label(name)),
              ),
            };
          }),
      };
    }
    return undefined;
  }

  return undefined;
}
