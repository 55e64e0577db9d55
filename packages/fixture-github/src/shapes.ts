import { createHash } from 'node:crypto';
import type {
  Commit,
  FixtureRepository,
  LabelRecord,
  PullRecord,
  Review,
} from './FixtureRepository';
import { blobSha, githubBase64 } from './gitObjects';
import { countChanges } from './lineDiff';

/**
 * JSON in the shapes GitHub's REST API answers with (compare the recorded responses in
 * plugins/environment-ladder-backend/src/__fixtures__/github), built from the fixture's
 * state. Ids and node ids are derived from names, so they are stable across runs.
 */

/** Where the fixture is reached: the API base (`…/api/v3`) and the web base. */
export interface Urls {
  api: string;
  web: string;
}

/** The largest file the contents API serves inline, as on GitHub. */
export const MAX_INLINE_CONTENT = 1024 * 1024;

/** A positive 31-bit integer derived from a string. */
export function stableId(seed: string): number {
  const value = createHash('sha1').update(seed).digest().readUInt32BE(0);
  return (value % 2_000_000_000) + 1;
}

function nodeId(prefix: string, seed: string): string {
  return `${prefix}_kw${createHash('sha1')
    .update(seed)
    .digest('base64url')
    .slice(0, 14)}`;
}

/** The time a logical-clock commit carries, as GitHub writes times. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function user(
  urls: Urls,
  login: string,
  type: 'User' | 'Organization' = 'User',
) {
  const id = stableId(`user:${login}`);
  return {
    login,
    id,
    node_id: nodeId(type === 'User' ? 'U' : 'O', login),
    avatar_url: `${urls.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: `${urls.api}/users/${login}`,
    html_url: `${urls.web}/${login}`,
    followers_url: `${urls.api}/users/${login}/followers`,
    following_url: `${urls.api}/users/${login}/following{/other_user}`,
    gists_url: `${urls.api}/users/${login}/gists{/gist_id}`,
    starred_url: `${urls.api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${urls.api}/users/${login}/subscriptions`,
    organizations_url: `${urls.api}/users/${login}/orgs`,
    repos_url: `${urls.api}/users/${login}/repos`,
    events_url: `${urls.api}/users/${login}/events{/privacy}`,
    received_events_url: `${urls.api}/users/${login}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repository(urls: Urls, repo: FixtureRepository, full = true) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const head = repo.commit(repo.branch(repo.defaultBranch) ?? '');
  const pushedAt = head ? isoSeconds(head.committer.time) : null;
  const base = {
    id: stableId(`repo:${repo.fullName}`),
    node_id: nodeId('R', repo.fullName),
    name: repo.name,
    full_name: repo.fullName,
    private: true,
    owner: user(urls, repo.owner, 'Organization'),
    html_url: `${urls.web}/${repo.fullName}`,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: '2024-11-04T10:00:00Z',
    updated_at: pushedAt,
    pushed_at: pushedAt,
    git_url: `git://${new URL(urls.web).host}/${repo.fullName}.git`,
    ssh_url: `git@${new URL(urls.web).hostname}:${repo.fullName}.git`,
    clone_url: `${urls.web}/${repo.fullName}.git`,
    svn_url: `${urls.web}/${repo.fullName}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: repo.pulls().filter(p => p.state === 'open').length,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'private',
    forks: 0,
    open_issues: repo.pulls().filter(p => p.state === 'open').length,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
  if (!full) return base;
  return {
    ...base,
    permissions: {
      admin: false,
      maintain: false,
      push: true,
      triage: true,
      pull: true,
    },
    temp_clone_token: '',
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: true,
    squash_merge_commit_message: 'COMMIT_MESSAGES',
    squash_merge_commit_title: 'COMMIT_OR_PR_TITLE',
    merge_commit_message: 'PR_TITLE',
    merge_commit_title: 'MERGE_MESSAGE',
    network_count: 0,
    subscribers_count: 0,
  };
}

export function gitRef(
  urls: Urls,
  repo: FixtureRepository,
  fullRef: string,
  sha: string,
) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    ref: fullRef,
    node_id: nodeId('REF', `${repo.fullName}:${fullRef}`),
    url: `${api}/git/${encodePath(fullRef)}`,
    object: {
      sha,
      type: 'commit',
      url: `${api}/git/commits/${sha}`,
    },
  };
}

/** A file or directory entry of the contents API, without its content. */
export function contentEntry(
  urls: Urls,
  repo: FixtureRepository,
  path: string,
  ref: string,
  entry: { type: 'file'; content: Buffer } | { type: 'dir'; sha: string },
) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const self = `${api}/contents/${encodePath(path)}?ref=${encodeURIComponent(
    ref,
  )}`;
  const sha = entry.type === 'file' ? blobSha(entry.content) : entry.sha;
  const kind = entry.type === 'file' ? 'blob' : 'tree';
  const git = `${api}/git/${kind}s/${sha}`;
  const html = `${urls.web}/${repo.fullName}/${kind}/${ref}/${encodePath(
    path,
  )}`;
  return {
    name: path.split('/').pop()!,
    path,
    sha,
    size: entry.type === 'file' ? entry.content.length : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url:
      entry.type === 'file'
        ? `${urls.web}/${repo.fullName}/raw/${ref}/${encodePath(path)}`
        : null,
    type: entry.type,
    _links: { self, git, html },
  };
}

/** One file with its content, base64 as GitHub wraps it; larger than 1 MB: no content. */
export function contentFile(
  urls: Urls,
  repo: FixtureRepository,
  path: string,
  ref: string,
  content: Buffer,
) {
  const entry = contentEntry(urls, repo, path, ref, { type: 'file', content });
  const inline = content.length <= MAX_INLINE_CONTENT;
  const { _links, ...rest } = entry;
  return {
    ...rest,
    content: inline ? githubBase64(content) : '',
    encoding: inline ? 'base64' : 'none',
    _links,
  };
}

export function commit(urls: Urls, repo: FixtureRepository, c: Commit) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    sha: c.sha,
    node_id: nodeId('C', `${repo.fullName}:${c.sha}`),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${urls.web}/${repo.fullName}/commit/${c.sha}`,
    author: {
      name: c.author.name,
      email: c.author.email,
      date: isoSeconds(c.author.time),
    },
    committer: {
      name: c.committer.name,
      email: c.committer.email,
      date: isoSeconds(c.committer.time),
    },
    tree: { sha: c.treeSha, url: `${api}/git/trees/${c.treeSha}` },
    message: c.message,
    parents: c.parents.map(parent => ({
      url: `${api}/git/commits/${parent}`,
      html_url: `${urls.web}/${repo.fullName}/commit/${parent}`,
      sha: parent,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

export function label(urls: Urls, repo: FixtureRepository, l: LabelRecord) {
  return {
    id: stableId(`label:${repo.fullName}:${l.name.toLowerCase()}`),
    node_id: nodeId('LA', `${repo.fullName}:${l.name.toLowerCase()}`),
    url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(
      l.name,
    )}`,
    name: l.name,
    color: l.color,
    default: l.isDefault,
    description: l.description,
  };
}

export function team(urls: Urls, org: string, slug: string) {
  const id = stableId(`team:${org}/${slug}`);
  return {
    name: slug,
    id,
    node_id: nodeId('T', `${org}/${slug}`),
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    url: `${urls.api}/organizations/${stableId(`user:${org}`)}/team/${id}`,
    html_url: `${urls.web}/orgs/${org}/teams/${slug}`,
    members_url: `${urls.api}/organizations/${stableId(
      `user:${org}`,
    )}/team/${id}/members{/member}`,
    repositories_url: `${urls.api}/organizations/${stableId(
      `user:${org}`,
    )}/team/${id}/repos`,
    permission: 'pull',
    parent: null,
  };
}

function branchEnd(
  urls: Urls,
  repo: FixtureRepository,
  branch: string,
  sha: string,
) {
  return {
    label: `${repo.owner}:${branch}`,
    ref: branch,
    sha,
    user: user(urls, repo.owner, 'Organization'),
    repo: repository(urls, repo, false),
  };
}

/**
 * A pull request. `full` adds what only the single-pull-request endpoints answer
 * (merged, mergeable, counts), as GitHub's list endpoint leaves them out.
 */
export function pull(
  urls: Urls,
  repo: FixtureRepository,
  p: PullRecord,
  full: boolean,
) {
  repo.refresh(p);
  const api = `${urls.api}/repos/${repo.fullName}`;
  const html = `${urls.web}/${repo.fullName}/pull/${p.number}`;
  const base = {
    url: `${api}/pulls/${p.number}`,
    id: stableId(`pull:${repo.fullName}#${p.number}`),
    node_id: nodeId('PR', `${repo.fullName}#${p.number}`),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user(urls, p.user),
    body: p.body,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: p.requestedReviewers.map(login => user(urls, login)),
    requested_teams: p.requestedTeams.map(slug => team(urls, repo.owner, slug)),
    labels: p.labels.map(name => label(urls, repo, repo.label(name))),
    milestone: null,
    draft: p.draft,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.headSha}`,
    head: branchEnd(urls, repo, p.head, p.headSha),
    base: branchEnd(urls, repo, p.base, p.baseSha),
    _links: {
      self: { href: `${api}/pulls/${p.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${p.number}` },
      comments: { href: `${api}/issues/${p.number}/comments` },
      review_comments: { href: `${api}/pulls/${p.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${p.number}/commits` },
      statuses: { href: `${api}/statuses/${p.headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
  };
  if (!full) return base;
  const files = repo.changedFiles(p);
  let additions = 0;
  let deletions = 0;
  for (const file of files) {
    const counted = countChanges(
      file.before?.toString('utf8') ?? '',
      file.after?.toString('utf8') ?? '',
    );
    additions += counted.additions;
    deletions += counted.deletions;
  }
  const mergeable = repo.mergeable(p);
  let mergeableState = 'unknown';
  if (mergeable === true) mergeableState = 'clean';
  if (mergeable === false) mergeableState = 'dirty';
  return {
    ...base,
    merged: p.mergedAt !== null,
    mergeable,
    rebaseable: mergeable,
    mergeable_state: mergeableState,
    merged_by: p.mergedBy ? user(urls, p.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: countCommits(repo, p),
    additions,
    deletions,
    changed_files: files.length,
  };
}

function countCommits(repo: FixtureRepository, p: PullRecord): number {
  const mergeBase = repo.mergeBase(p.baseSha, p.headSha);
  let count = 0;
  const seen = new Set<string>();
  const queue = [p.headSha];
  while (queue.length) {
    const sha = queue.shift()!;
    if (seen.has(sha) || sha === mergeBase) continue;
    seen.add(sha);
    if (mergeBase && repo.isAncestor(sha, mergeBase)) continue;
    count++;
    queue.push(...(repo.commit(sha)?.parents ?? []));
  }
  return count;
}

export function review(
  urls: Urls,
  repo: FixtureRepository,
  p: PullRecord,
  r: Review,
) {
  const html = `${urls.web}/${repo.fullName}/pull/${p.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId('PRR', `${repo.fullName}#${p.number}/${r.id}`),
    user: user(urls, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${urls.api}/repos/${repo.fullName}/pulls/${p.number}`,
    author_association: 'MEMBER',
    _links: {
      html: { href: html },
      pull_request: {
        href: `${urls.api}/repos/${repo.fullName}/pulls/${p.number}`,
      },
    },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
  };
}
