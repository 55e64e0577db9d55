import { blobSha, commitSha, githubBase64, treeSha } from './gitObjects';

// Expected values computed with git 2.x (`git hash-object`, `git write-tree`,
// `git commit` with fixed GIT_*_DATE) on the same content.
describe('git object hashes', () => {
  it('hashes blobs as git hash-object does', () => {
    expect(blobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(blobSha(Buffer.alloc(0))).toBe(
      'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
    );
  });

  it('hashes nested trees as git write-tree does, dir-x before dir/', () => {
    const files = new Map([
      ['a.txt', Buffer.from('hello\n')],
      ['dir/b.txt', Buffer.from('x')],
      ['dir-x/c.txt', Buffer.from('y')],
      ['empty', Buffer.alloc(0)],
    ]);
    expect(treeSha(files)).toBe('5d890b75a7bdfe8b15cec8a4509f3450fffcb8a7');
  });

  it('hashes commits as git commit does', () => {
    const author = { name: 'A', email: 'a@b.c' };
    const first = commitSha({
      tree: '5d890b75a7bdfe8b15cec8a4509f3450fffcb8a7',
      parents: [],
      author: { ...author, time: 1748865600 },
      committer: { ...author, time: 1748865660 },
      message: 'first',
    });
    expect(first).toBe('76f903f62963b7c55cbdf8b4954328e28cb5238d');
    const tree = treeSha(
      new Map([
        ['a.txt', Buffer.from('z')],
        ['dir/b.txt', Buffer.from('x')],
        ['dir-x/c.txt', Buffer.from('y')],
        ['empty', Buffer.alloc(0)],
      ]),
    );
    expect(tree).toBe('0dede012c1bdfd4cfc89fd0f2de1b476676afa1c');
    expect(
      commitSha({
        tree,
        parents: [first],
        author: { ...author, time: 1748865720 },
        committer: { ...author, time: 1748865720 },
        message: 'second\n\nbody',
      }),
    ).toBe('a85469238a4c5cc71278062f4f4287f7d55af91b');
  });

  it('wraps base64 at 60 characters with a final newline, like GitHub', () => {
    const text = 'x'.repeat(100);
    const encoded = githubBase64(Buffer.from(text));
    const lines = encoded.split('\n');
    expect(lines[0]).toHaveLength(60);
    expect(encoded.endsWith('\n')).toBe(true);
    expect(Buffer.from(encoded, 'base64').toString()).toBe(text);
    expect(githubBase64(Buffer.alloc(0))).toBe('');
  });
});
