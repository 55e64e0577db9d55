import {
  blobSha,
  commitSha,
  treeSha,
  type FileTree,
  type GitSignature,
} from './gitObjects';
import { DOCS, GitHubError, notFound, validationFailed } from './errors';

/** When the fixture's history starts: the moment the demo's clusters are captured at. */
export const SEED_TIME = Date.parse('2025-06-02T12:00:00Z') / 1000;

/** A commit held in memory: its files are the whole tree, shared with other commits. */
export interface Commit {
  sha: string;
  tree: FileTree;
  treeSha: string;
  parents: string[];
  message: string;
  author: GitSignature;
  committer: GitSignature;
}

/** A review left on a pull request (only approvals, added through the admin API). */
export interface Review {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  body: string;
  submittedAt: string;
  commitId: string;
}

/** A pull request as the fixture keeps it. */
export interface PullRecord {
  number: number;
  title: string;
  body: string | null;
  user: string;
  /** The head branch (same repository; forks are not modelled). */
  head: string;
  base: string;
  state: 'open' | 'closed';
  draft: boolean;
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** The head and base commits; followed live while open, frozen once closed. */
  headSha: string;
  baseSha: string;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  reviews: Review[];
}

/** A label of the repository, created on first use as GitHub does. */
export interface LabelRecord {
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
}

/** GitHub's default labels, present in every new repository. */
const DEFAULT_LABELS: Array<[string, string, string]> = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"],
  ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'],
];

/** Who committed the repository's seed content. */
const SEED_AUTHOR = {
  name: 'BitVault Platform',
  email: 'platform@bitvault.io',
};

/** The commit author GitHub records for a user acting through the API. */
export function noreplyEmail(login: string, id: number) {
  return `${id}+${login}@users.noreply.github.com`;
}

// What git accepts as a ref name, minus what would need quoting.
const REF_NAME =
  /^refs\/(?!.*\/\/|.*\.\.|.*@\{|.*\.lock(?:\/|$)|.*\/$|.*\.$|.*\/\.)[A-Za-z0-9._\-/+]+\/[A-Za-z0-9._\-/+]+$/;
const SHA = /^[0-9a-f]{40}$/;

function sameContent(a: Buffer | undefined, b: Buffer | undefined) {
  if (a === undefined || b === undefined) return a === b;
  return a.equals(b);
}

/**
 * One in-memory git repository with GitHub's pull requests on top: commits with real
 * git sha-1s (blob, tree and commit objects hashed as git does), refs, pull requests,
 * labels, review requests and reviews. Commit times come from a logical clock, so the
 * same operations give the same commit shas on every run.
 */
export class FixtureRepository {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  private readonly commits = new Map<string, Commit>();
  private readonly refs = new Map<string, string>();
  private readonly pullRecords: PullRecord[] = [];
  private readonly labelRecords = new Map<string, LabelRecord>();
  private nextNumber = 1;
  private nextReviewId = 1;
  private tick = 0;
  private readonly now: () => Date;

  constructor(options: {
    owner: string;
    name: string;
    files: FileTree;
    defaultBranch: string;
    now: () => Date;
  }) {
    this.owner = options.owner;
    this.name = options.name;
    this.defaultBranch = options.defaultBranch;
    this.now = options.now;
    for (const [name, color, description] of DEFAULT_LABELS) {
      this.labelRecords.set(name.toLowerCase(), {
        name,
        color,
        description,
        isDefault: true,
      });
    }
    const seed = this.createCommit({
      tree: new Map(options.files),
      parents: [],
      message: 'Initial commit',
      author: SEED_AUTHOR,
    });
    this.refs.set(`refs/heads/${options.defaultBranch}`, seed.sha);
  }

  get fullName() {
    return `${this.owner}/${this.name}`;
  }

  private timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** Stores a commit; its time is the repository's logical clock. */
  createCommit(input: {
    tree: FileTree;
    parents: string[];
    message: string;
    author: { name: string; email: string };
    committer?: { name: string; email: string };
  }): Commit {
    const time = SEED_TIME + 60 * this.tick++;
    const author = { ...input.author, time };
    const committer = { ...(input.committer ?? input.author), time };
    const tree = input.tree;
    const treeHash = treeSha(tree);
    const sha = commitSha({
      tree: treeHash,
      parents: input.parents,
      author,
      committer,
      message: input.message,
    });
    const commit: Commit = {
      sha,
      tree,
      treeSha: treeHash,
      parents: input.parents,
      message: input.message,
      author,
      committer,
    };
    this.commits.set(sha, commit);
    return commit;
  }

  commit(sha: string): Commit | undefined {
    return this.commits.get(sha);
  }

  // ---------------------------------------------------------------------------
  // Refs
  // ---------------------------------------------------------------------------

  /** The commit a full ref name (`refs/heads/main`) points at. */
  ref(fullRef: string): string | undefined {
    return this.refs.get(fullRef);
  }

  branch(name: string): string | undefined {
    return this.refs.get(`refs/heads/${name}`);
  }

  /** All refs whose full name starts with `prefix`, sorted by name. */
  listRefs(prefix = 'refs/'): Array<{ ref: string; sha: string }> {
    return [...this.refs]
      .filter(([ref]) => ref.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ref, sha]) => ({ ref, sha }));
  }

  branches(): Record<string, string> {
    return Object.fromEntries(
      this.listRefs('refs/heads/').map(({ ref, sha }) => [
        ref.slice('refs/heads/'.length),
        sha,
      ]),
    );
  }

  /**
   * The commit a `ref` query parameter names: a branch, `heads/x`, `refs/heads/x`, a
   * tag, or a full commit sha.
   */
  resolve(ref: string): Commit | undefined {
    const candidates = ref.startsWith('refs/')
      ? [ref]
      : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const candidate of candidates) {
      const sha = this.refs.get(candidate);
      if (sha) return this.commits.get(sha);
    }
    if (SHA.test(ref)) return this.commits.get(ref);
    return undefined;
  }

  createRef(ref: unknown, sha: unknown) {
    if (typeof ref !== 'string' || !ref) {
      throw new GitHubError(
        422,
        'Invalid request.\n\n"ref" wasn\'t supplied.',
        DOCS.createRef,
      );
    }
    if (typeof sha !== 'string' || !sha) {
      throw new GitHubError(
        422,
        'Invalid request.\n\n"sha" wasn\'t supplied.',
        DOCS.createRef,
      );
    }
    if (!REF_NAME.test(ref)) {
      throw new GitHubError(
        422,
        `${ref} is not a valid ref name.`,
        DOCS.createRef,
      );
    }
    if (!this.commits.has(sha)) {
      throw new GitHubError(422, 'Object does not exist', DOCS.createRef);
    }
    if (this.refs.has(ref) || this.conflictsWithExistingRef(ref)) {
      throw new GitHubError(422, 'Reference already exists', DOCS.createRef);
    }
    this.refs.set(ref, sha);
  }

  /** `refs/heads/a` and `refs/heads/a/b` cannot both exist (a file and a folder in .git). */
  private conflictsWithExistingRef(ref: string) {
    for (const existing of this.refs.keys()) {
      if (existing.startsWith(`${ref}/`) || ref.startsWith(`${existing}/`)) {
        return true;
      }
    }
    return false;
  }

  updateRef(ref: string, sha: unknown, force: boolean) {
    const current = this.refs.get(ref);
    if (!current) {
      throw new GitHubError(422, 'Reference does not exist', DOCS.updateRef);
    }
    if (typeof sha !== 'string' || !sha) {
      throw new GitHubError(
        422,
        'Invalid request.\n\n"sha" wasn\'t supplied.',
        DOCS.updateRef,
      );
    }
    if (!this.commits.has(sha)) {
      throw new GitHubError(422, 'Object does not exist', DOCS.updateRef);
    }
    if (!force && !this.isAncestor(current, sha)) {
      throw new GitHubError(
        422,
        'Update is not a fast forward',
        DOCS.updateRef,
      );
    }
    this.refs.set(ref, sha);
  }

  deleteRef(ref: string) {
    if (!this.refs.has(ref)) {
      throw new GitHubError(422, 'Reference does not exist', DOCS.deleteRef);
    }
    if (ref === `refs/heads/${this.defaultBranch}`) {
      throw new GitHubError(
        422,
        'Cannot delete the default branch',
        DOCS.deleteRef,
      );
    }
    const sha = this.refs.get(ref)!;
    this.refs.delete(ref);
    // GitHub closes the open pull requests whose head branch disappears.
    if (ref.startsWith('refs/heads/')) {
      const branch = ref.slice('refs/heads/'.length);
      for (const pull of this.pullRecords) {
        if (pull.state === 'open' && pull.head === branch) {
          pull.headSha = sha;
          this.close(pull);
        }
      }
    }
  }

  /** Whether `ancestor` is `descendant` or one of its ancestors. */
  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).has(ancestor);
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** The nearest common ancestor of two commits (breadth first from `b`). */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = this.ancestors(a);
    const seen = new Set<string>();
    const queue = [b];
    while (queue.length) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      if (ofA.has(next)) return next;
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------
  // Contents
  // ---------------------------------------------------------------------------

  /**
   * Writes one file on a branch as a new commit, as `PUT /contents/{path}` does: an
   * existing file needs its current blob sha (`409` when it does not match).
   */
  commitFile(input: {
    branch: string;
    path: string;
    content: Buffer;
    message: string;
    sha?: string;
    author: { name: string; email: string };
    committer?: { name: string; email: string };
  }): { commit: Commit; created: boolean } {
    const head = this.branch(input.branch);
    if (!head) {
      throw notFound(DOCS.putContent, `Branch ${input.branch} not found`);
    }
    const parent = this.commits.get(head)!;
    const existing = parent.tree.get(input.path);
    if (existing === undefined && this.isDirectory(parent.tree, input.path)) {
      throw new GitHubError(
        422,
        `Invalid request.\n\n${input.path} is a directory.`,
        DOCS.putContent,
      );
    }
    if (existing !== undefined) {
      if (!input.sha) {
        throw new GitHubError(
          422,
          'Invalid request.\n\n"sha" wasn\'t supplied.',
          DOCS.putContent,
        );
      }
      if (input.sha !== blobSha(existing)) {
        throw new GitHubError(
          409,
          `${input.path} does not match ${input.sha}`,
          DOCS.putContent,
        );
      }
    }
    const tree = new Map(parent.tree);
    tree.set(input.path, input.content);
    const commit = this.createCommit({
      tree,
      parents: [head],
      message: input.message,
      author: input.author,
      committer: input.committer,
    });
    this.refs.set(`refs/heads/${input.branch}`, commit.sha);
    return { commit, created: existing === undefined };
  }

  isDirectory(tree: FileTree, path: string): boolean {
    const prefix = path === '' ? '' : `${path}/`;
    for (const file of tree.keys()) {
      if (file.startsWith(prefix)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------------------
  // Pull requests
  // ---------------------------------------------------------------------------

  pulls(): readonly PullRecord[] {
    return this.pullRecords;
  }

  pull(number: number): PullRecord | undefined {
    const pull = this.pullRecords.find(p => p.number === number);
    if (pull) this.refresh(pull);
    return pull;
  }

  /** An open pull request follows its branches. */
  refresh(pull: PullRecord) {
    if (pull.state !== 'open') return;
    pull.headSha = this.branch(pull.head) ?? pull.headSha;
    pull.baseSha = this.branch(pull.base) ?? pull.baseSha;
  }

  createPull(input: {
    title: unknown;
    body: unknown;
    head: unknown;
    base: unknown;
    draft: unknown;
    maintainerCanModify: unknown;
    user: string;
  }): PullRecord {
    const validation = (field: string, code = 'invalid') =>
      validationFailed(DOCS.createPull, {
        resource: 'PullRequest',
        field,
        code,
      });
    if (typeof input.title !== 'string' || !input.title.trim()) {
      throw validation('title', 'missing_field');
    }
    if (typeof input.head !== 'string' || !input.head) {
      throw validation('head', 'missing_field');
    }
    if (typeof input.base !== 'string' || !input.base) {
      throw validation('base', 'missing_field');
    }
    let head = input.head;
    const colon = head.indexOf(':');
    if (colon >= 0) {
      if (head.slice(0, colon) !== this.owner) throw validation('head');
      head = head.slice(colon + 1);
    }
    const headSha = this.branch(head);
    if (!headSha) throw validation('head');
    const baseSha = this.branch(input.base);
    if (!baseSha) throw validation('base');
    const existing = this.pullRecords.find(
      p => p.state === 'open' && p.head === head && p.base === input.base,
    );
    if (existing) {
      throw validationFailed(DOCS.createPull, {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${this.owner}:${head}.`,
      });
    }
    if (this.isAncestor(headSha, baseSha)) {
      throw validationFailed(DOCS.createPull, {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${input.base} and ${head}`,
      });
    }
    const at = this.timestamp();
    const pull: PullRecord = {
      number: this.nextNumber++,
      title: input.title,
      body: typeof input.body === 'string' ? input.body : null,
      user: input.user,
      head,
      base: input.base,
      state: 'open',
      draft: input.draft === true,
      maintainerCanModify: input.maintainerCanModify !== false,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      headSha,
      baseSha,
      labels: [],
      requestedReviewers: [],
      requestedTeams: [],
      reviews: [],
    };
    this.pullRecords.push(pull);
    return pull;
  }

  private close(pull: PullRecord) {
    this.refresh(pull);
    const at = this.timestamp();
    pull.state = 'closed';
    pull.closedAt = at;
    pull.updatedAt = at;
  }

  updatePull(
    pull: PullRecord,
    changes: {
      title?: unknown;
      body?: unknown;
      state?: unknown;
      base?: unknown;
    },
  ) {
    const invalid = (field: string) =>
      validationFailed(DOCS.updatePull, {
        resource: 'PullRequest',
        field,
        code: 'invalid',
      });
    if (changes.title !== undefined && typeof changes.title !== 'string') {
      throw invalid('title');
    }
    if (
      changes.body !== undefined &&
      changes.body !== null &&
      typeof changes.body !== 'string'
    ) {
      throw invalid('body');
    }
    if (
      changes.state !== undefined &&
      changes.state !== 'open' &&
      changes.state !== 'closed'
    ) {
      throw invalid('state');
    }
    if (changes.base !== undefined) {
      if (typeof changes.base !== 'string' || !this.branch(changes.base)) {
        throw invalid('base');
      }
      if (pull.state !== 'open') {
        throw new GitHubError(
          422,
          'Cannot change the base branch of a closed pull request.',
          DOCS.updatePull,
        );
      }
    }
    if (changes.state === 'open' && pull.state === 'closed') {
      if (pull.mergedAt) {
        throw new GitHubError(
          422,
          'state cannot be changed. The pull request has been merged.',
          DOCS.updatePull,
        );
      }
      if (!this.branch(pull.head)) {
        throw new GitHubError(
          422,
          `state cannot be changed. The ${pull.head} branch has been deleted.`,
          DOCS.updatePull,
        );
      }
    }
    if (typeof changes.title === 'string') pull.title = changes.title;
    if (changes.body !== undefined) pull.body = changes.body as string | null;
    if (typeof changes.base === 'string') pull.base = changes.base;
    if (changes.state === 'closed' && pull.state === 'open') {
      this.close(pull);
    } else if (changes.state === 'open' && pull.state === 'closed') {
      pull.state = 'open';
      pull.closedAt = null;
      this.refresh(pull);
    }
    pull.updatedAt = this.timestamp();
  }

  closePull(pull: PullRecord) {
    if (pull.state === 'open') this.close(pull);
  }

  /** The files the pull request changes: its head against the merge base with its base. */
  changedFiles(pull: PullRecord): Array<{
    path: string;
    status: 'added' | 'removed' | 'modified';
    before: Buffer | undefined;
    after: Buffer | undefined;
  }> {
    this.refresh(pull);
    const head = this.commits.get(pull.headSha)!;
    const baseSha = this.mergeBase(pull.baseSha, pull.headSha);
    const base = baseSha ? this.commits.get(baseSha)!.tree : new Map();
    const paths = new Set([...base.keys(), ...head.tree.keys()]);
    return [...paths]
      .sort()
      .filter(path => !sameContent(base.get(path), head.tree.get(path)))
      .map(path => {
        const before = base.get(path);
        const after = head.tree.get(path);
        let status: 'added' | 'removed' | 'modified' = 'modified';
        if (before === undefined) status = 'added';
        if (after === undefined) status = 'removed';
        return { path, status, before, after };
      });
  }

  /** The base branch's files with the head's changes applied, or the conflicting paths. */
  private mergedTree(pull: PullRecord): {
    tree: Map<string, Buffer>;
    conflicts: string[];
  } {
    const base = this.commits.get(pull.baseSha)!.tree;
    const head = this.commits.get(pull.headSha)!.tree;
    const ancestorSha = this.mergeBase(pull.baseSha, pull.headSha);
    const ancestor = ancestorSha
      ? this.commits.get(ancestorSha)!.tree
      : new Map<string, Buffer>();
    const tree = new Map<string, Buffer>();
    const conflicts: string[] = [];
    const paths = new Set([...ancestor.keys(), ...base.keys(), ...head.keys()]);
    for (const path of [...paths].sort()) {
      const was = ancestor.get(path);
      const ours = base.get(path);
      const theirs = head.get(path);
      let result: Buffer | undefined;
      if (sameContent(theirs, was) || sameContent(ours, theirs)) {
        result = ours;
      } else if (sameContent(ours, was)) {
        result = theirs;
      } else {
        conflicts.push(path);
        result = ours;
      }
      if (result !== undefined) tree.set(path, result);
    }
    return { tree, conflicts };
  }

  /** Whether the pull request could be merged now (null once it is closed). */
  mergeable(pull: PullRecord): boolean | null {
    this.refresh(pull);
    if (pull.state !== 'open') return null;
    return this.mergedTree(pull).conflicts.length === 0;
  }

  /**
   * Merges a pull request: the base branch gets the head's changes, as a merge commit
   * (`merge`, two parents) or one new commit (`squash`, `rebase`).
   */
  mergePull(
    pull: PullRecord,
    options: {
      user: { login: string; email: string };
      sha?: unknown;
      mergeMethod?: unknown;
      commitTitle?: unknown;
      commitMessage?: unknown;
    },
  ): Commit {
    this.refresh(pull);
    const method = options.mergeMethod ?? 'merge';
    if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
      throw validationFailed(DOCS.mergePull, {
        resource: 'PullRequest',
        field: 'merge_method',
        code: 'invalid',
      });
    }
    if (pull.state !== 'open') {
      throw new GitHubError(
        405,
        'Pull Request is not mergeable',
        DOCS.mergePull,
      );
    }
    if (options.sha !== undefined && options.sha !== pull.headSha) {
      throw new GitHubError(
        409,
        'Head branch was modified. Review and try the merge again.',
        DOCS.mergePull,
      );
    }
    const { tree, conflicts } = this.mergedTree(pull);
    if (conflicts.length) {
      throw new GitHubError(
        405,
        'Pull Request is not mergeable',
        DOCS.mergePull,
      );
    }
    const title =
      typeof options.commitTitle === 'string' && options.commitTitle
        ? options.commitTitle
        : undefined;
    const extra =
      typeof options.commitMessage === 'string'
        ? options.commitMessage
        : undefined;
    let message: string;
    if (method === 'merge') {
      message = `${
        title ??
        `Merge pull request #${pull.number} from ${this.owner}/${pull.head}`
      }\n\n${extra ?? pull.title}`;
    } else if (method === 'squash') {
      message = `${title ?? `${pull.title} (#${pull.number})`}${
        extra ? `\n\n${extra}` : ''
      }`;
    } else {
      message = this.commits.get(pull.headSha)!.message;
    }
    const author = { name: options.user.login, email: options.user.email };
    const commit = this.createCommit({
      tree,
      parents:
        method === 'merge' ? [pull.baseSha, pull.headSha] : [pull.baseSha],
      message,
      author,
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    });
    this.refs.set(`refs/heads/${pull.base}`, commit.sha);
    const at = this.timestamp();
    pull.state = 'closed';
    pull.closedAt = at;
    pull.mergedAt = at;
    pull.updatedAt = at;
    pull.mergedBy = options.user.login;
    pull.mergeCommitSha = commit.sha;
    return commit;
  }

  // ---------------------------------------------------------------------------
  // Labels, review requests, reviews
  // ---------------------------------------------------------------------------

  label(name: string): LabelRecord {
    const key = name.toLowerCase();
    let label = this.labelRecords.get(key);
    if (!label) {
      label = { name, color: 'ededed', description: null, isDefault: false };
      this.labelRecords.set(key, label);
    }
    return label;
  }

  addLabels(pull: PullRecord, names: string[]) {
    for (const name of names) {
      const label = this.label(name);
      if (
        !pull.labels.some(l => l.toLowerCase() === label.name.toLowerCase())
      ) {
        pull.labels.push(label.name);
      }
    }
    pull.updatedAt = this.timestamp();
  }

  requestReviewers(pull: PullRecord, users: string[], teams: string[]) {
    if (users.some(user => user.toLowerCase() === pull.user.toLowerCase())) {
      throw new GitHubError(
        422,
        'Review cannot be requested from pull request author.',
        DOCS.requestReviewers,
      );
    }
    for (const user of users) {
      if (!pull.requestedReviewers.includes(user)) {
        pull.requestedReviewers.push(user);
      }
    }
    for (const team of teams) {
      if (!pull.requestedTeams.includes(team)) pull.requestedTeams.push(team);
    }
    pull.updatedAt = this.timestamp();
  }

  addReview(
    pull: PullRecord,
    review: { user: string; state: Review['state']; body: string },
  ): Review {
    this.refresh(pull);
    const record: Review = {
      id: this.nextReviewId++,
      user: review.user,
      state: review.state,
      body: review.body,
      submittedAt: this.timestamp(),
      commitId: pull.headSha,
    };
    pull.reviews.push(record);
    pull.requestedReviewers = pull.requestedReviewers.filter(
      user => user !== review.user,
    );
    pull.updatedAt = record.submittedAt;
    return record;
  }
}
