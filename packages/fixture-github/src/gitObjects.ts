import { createHash } from 'node:crypto';

/** A tree as the fixture keeps it: file path (`a/b.yaml`) → content. */
export type FileTree = ReadonlyMap<string, Buffer>;

/** Who wrote a commit, as git records it. */
export interface GitSignature {
  name: string;
  email: string;
  /** Seconds since the epoch (UTC). */
  time: number;
}

function gitObjectSha(type: string, body: Buffer): string {
  return createHash('sha1')
    .update(`${type} ${body.length}\0`)
    .update(body)
    .digest('hex');
}

/** The git blob sha-1 of a file's content, as `git hash-object` computes it. */
export function blobSha(content: Buffer | string): string {
  return gitObjectSha(
    'blob',
    typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
  );
}

type TreeNode = { files: Map<string, Buffer>; dirs: Map<string, TreeNode> };

function nest(files: FileTree): TreeNode {
  const root: TreeNode = { files: new Map(), dirs: new Map() };
  for (const [path, content] of files) {
    const parts = path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir);
      if (!next) {
        next = { files: new Map(), dirs: new Map() };
        node.dirs.set(dir, next);
      }
      node = next;
    }
    node.files.set(parts[parts.length - 1], content);
  }
  return root;
}

function nodeSha(node: TreeNode): string {
  // git sorts tree entries by name, comparing a directory as `name/`.
  const entries = [
    ...[...node.files].map(([name, content]) => ({
      sortKey: name,
      mode: '100644',
      name,
      sha: blobSha(content),
    })),
    ...[...node.dirs].map(([name, dir]) => ({
      sortKey: `${name}/`,
      mode: '40000',
      name,
      sha: nodeSha(dir),
    })),
  ].sort((a, b) =>
    Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)),
  );
  const body = Buffer.concat(
    entries.map(entry =>
      Buffer.concat([
        Buffer.from(`${entry.mode} ${entry.name}\0`),
        Buffer.from(entry.sha, 'hex'),
      ]),
    ),
  );
  return gitObjectSha('tree', body);
}

/** The git tree sha-1 of a set of files (all mode 100644), as `git write-tree` computes it. */
export function treeSha(files: FileTree): string {
  return nodeSha(nest(files));
}

/** The git commit sha-1 of a commit object with these fields. */
export function commitSha(commit: {
  tree: string;
  parents: string[];
  author: GitSignature;
  committer: GitSignature;
  message: string;
}): string {
  const signature = (s: GitSignature) =>
    `${s.name} <${s.email}> ${s.time} +0000`;
  const message = commit.message.endsWith('\n')
    ? commit.message
    : `${commit.message}\n`;
  const text = [
    `tree ${commit.tree}`,
    ...commit.parents.map(parent => `parent ${parent}`),
    `author ${signature(commit.author)}`,
    `committer ${signature(commit.committer)}`,
    '',
    message,
  ].join('\n');
  return gitObjectSha('commit', Buffer.from(text, 'utf8'));
}

/** Base64 the way GitHub's contents API writes it: lines of 60 characters, each ending in `\n`. */
export function githubBase64(content: Buffer): string {
  const encoded = content.toString('base64');
  if (!encoded) return '';
  return `${encoded.match(/.{1,60}/g)!.join('\n')}\n`;
}
