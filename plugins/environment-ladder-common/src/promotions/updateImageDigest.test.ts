import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parseDocument } from 'yaml';
import { updateImageDigest } from './updateImageDigest';

const fixture = (name: string) =>
  readFileSync(resolve(__dirname, '__fixtures__', name), 'utf8');

const NEW = `sha256:${'ab'.repeat(32)}`;
const OLD_PROD = `sha256:${'1'.repeat(64)}`;
const OLD_STAGING = `sha256:${'2'.repeat(64)}`;

/** The lines that differ, as [line number, before, after]; both texts must have as many lines. */
function changedLines(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a
    .map((line, index) => [index + 1, line, b[index]] as const)
    .filter(([, x, y]) => x !== y);
}

/** Lines added by the edit: `after` must be `before` with lines inserted, nothing else changed. */
function insertedLines(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
  const added = b.length - a.length;
  expect(b.slice(prefix + added)).toEqual(a.slice(prefix));
  return b.slice(prefix, prefix + added);
}

describe('updateImageDigest', () => {
  describe('kustomize', () => {
    const kustomization = fixture('kustomization.yaml');

    it('replaces the digest of the named image and changes no other line', () => {
      const { text, previous } = updateImageDigest(kustomization, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: NEW,
      });
      expect(previous).toBe(OLD_PROD);
      expect(changedLines(kustomization, text)).toEqual([
        [
          22,
          `    digest: ${OLD_PROD} # promoted 2026-11-20`,
          `    digest: ${NEW} # promoted 2026-11-20`,
        ],
      ]);
    });

    it('adds digest as the last key of an entry that has only a tag, keeping newTag', () => {
      const { text, previous } = updateImageDigest(kustomization, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop-metrics-exporter',
        digest: NEW,
      });
      expect(previous).toBeNull();
      expect(insertedLines(kustomization, text)).toEqual([
        `    digest: ${NEW}`,
      ]);
      expect(text).toContain(
        `  - name: ghcr.io/acme/shop-metrics-exporter\n    newTag: '2.4.1'\n    digest: ${NEW}\n`,
      );
      const images = parseDocument(text).toJS().images;
      expect(images[1]).toEqual({
        name: 'ghcr.io/acme/shop-metrics-exporter',
        newTag: '2.4.1',
        digest: NEW,
      });
    });

    it('appends an entry for an image the kustomization does not name yet, in the list style of the file', () => {
      const { text, previous } = updateImageDigest(kustomization, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop-worker',
        digest: NEW,
      });
      expect(previous).toBeNull();
      expect(insertedLines(kustomization, text)).toEqual([
        '  - name: ghcr.io/acme/shop-worker',
        `    digest: ${NEW}`,
      ]);
    });

    it('creates images at the end when the kustomization has none, indented like its other lists', () => {
      const original =
        '# dev overlay\nresources:\n  - ../../base\nnamespace: shop-dev # dev\n';
      const { text } = updateImageDigest(original, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: NEW,
      });
      expect(text).toBe(
        `${original}images:\n  - name: ghcr.io/acme/shop\n    digest: ${NEW}\n`,
      );
    });

    it('follows the unindented list style and CRLF line endings', () => {
      const original =
        'resources:\r\n- base\r\nimages:\r\n- name: ghcr.io/acme/other\r\n  newTag: v1\r\n';
      const { text } = updateImageDigest(original, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: NEW,
      });
      expect(text).toBe(
        `${original}- name: ghcr.io/acme/shop\r\n  digest: ${NEW}\r\n`,
      );
    });

    it('handles flow-style images lists and entries', () => {
      expect(
        updateImageDigest('images: []\n', {
          format: 'kustomize',
          image: 'ghcr.io/acme/shop',
          digest: NEW,
        }).text,
      ).toBe(`images: [{ name: ghcr.io/acme/shop, digest: ${NEW} }]\n`);
      expect(
        updateImageDigest('images: [{name: ghcr.io/acme/shop, newTag: v1}]\n', {
          format: 'kustomize',
          image: 'ghcr.io/acme/shop',
          digest: NEW,
        }).text,
      ).toBe(
        `images: [{name: ghcr.io/acme/shop, newTag: v1, digest: ${NEW}}]\n`,
      );
      expect(
        updateImageDigest('images: [{name: a}]\n', {
          format: 'kustomize',
          image: 'ghcr.io/acme/shop',
          digest: NEW,
        }).text,
      ).toBe(
        `images: [{name: a}, { name: ghcr.io/acme/shop, digest: ${NEW} }]\n`,
      );
    });

    it('keeps the quoting of an existing digest and works without a final newline', () => {
      const original = `images:\n- name: ghcr.io/acme/shop\n  digest: '${OLD_PROD}'`;
      expect(
        updateImageDigest(original, {
          format: 'kustomize',
          image: 'ghcr.io/acme/shop',
          digest: NEW,
        }).text,
      ).toBe(`images:\n- name: ghcr.io/acme/shop\n  digest: '${NEW}'`);
    });

    it('returns the text unchanged when the digest is already set', () => {
      const once = updateImageDigest(kustomization, {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: OLD_PROD,
      });
      expect(once).toEqual({ text: kustomization, previous: OLD_PROD });
    });

    it.each([
      ['ghcr.io/acme/shop:1.2', 'a tag'],
      ['ghcr.io/acme/shop@sha256:abc', 'a digest'],
      ['', 'nothing'],
      ['ghcr.io/acme/shop\nfoo: bar', 'a line break'],
      ['-shop', 'a leading dash'],
    ])('refuses the image name %j (%s)', image => {
      expect(() =>
        updateImageDigest(kustomization, {
          format: 'kustomize',
          image,
          digest: NEW,
        }),
      ).toThrow(/Refusing image name/);
    });

    it('accepts a registry with a port', () => {
      const { text } = updateImageDigest('images: []\n', {
        format: 'kustomize',
        image: 'localhost:5000/acme/shop',
        digest: NEW,
      });
      expect(parseDocument(text).toJS().images[0].name).toBe(
        'localhost:5000/acme/shop',
      );
    });

    it('refuses what is not one kustomization map with one list of images', () => {
      const edit = {
        format: 'kustomize',
        image: 'ghcr.io/acme/shop',
        digest: NEW,
      } as const;
      expect(() => updateImageDigest('a: 1\n---\nb: 2\n', edit)).toThrow(
        'A kustomization is one YAML document; this file holds 2',
      );
      expect(() => updateImageDigest('', edit)).toThrow(
        'A kustomization is one YAML document; this file holds 0',
      );
      expect(() => updateImageDigest('- a\n', edit)).toThrow(
        "the file's top level is a list, not a map",
      );
      expect(() => updateImageDigest('images: yes\n', edit)).toThrow(
        "'images' in the kustomization is a string value, not a list",
      );
      expect(() =>
        updateImageDigest('images:\n- just-a-string\n', edit),
      ).toThrow('images[0] in the kustomization is a string value, not a map');
      expect(() =>
        updateImageDigest(
          'images:\n- name: ghcr.io/acme/shop\n- name: ghcr.io/acme/shop\n',
          edit,
        ),
      ).toThrow('images[0] and images[1] all name ghcr.io/acme/shop');
      expect(() =>
        updateImageDigest(
          'images:\n- name: ghcr.io/acme/shop\n  digest: 5\n',
          edit,
        ),
      ).toThrow('images[0].digest holds a number, not a string');
      expect(() => updateImageDigest('{resources: [a]}\n', edit)).toThrow(
        'flow map',
      );
      expect(() => updateImageDigest('images: [\n', edit)).toThrow(
        'The file is not valid YAML',
      );
    });
  });

  describe('yamlPath', () => {
    const values = fixture('values.yaml');

    it('replaces image.digest in Helm values, keeping its quotes, and changes no other line', () => {
      const { text, previous } = updateImageDigest(values, {
        format: 'yamlPath',
        path: 'image.digest',
        digest: NEW,
      });
      expect(previous).toBe(OLD_STAGING);
      expect(changedLines(values, text)).toEqual([
        [12, `  digest: '${OLD_STAGING}'`, `  digest: '${NEW}'`],
      ]);
    });

    it('fills an empty single-quoted value inside a list, keeping the comment beside it', () => {
      const { text, previous } = updateImageDigest(values, {
        format: 'yamlPath',
        path: 'sidecars[0].image.digest',
        digest: NEW,
      });
      expect(previous).toBe('');
      expect(changedLines(values, text)).toEqual([
        [
          19,
          "      digest: '' # not pinned yet",
          `      digest: '${NEW}' # not pinned yet`,
        ],
      ]);
    });

    it('fills a key that has no value at all', () => {
      const { text, previous } = updateImageDigest(values, {
        format: 'yamlPath',
        path: 'sidecars[1].image.digest',
        digest: NEW,
      });
      expect(previous).toBeNull();
      expect(changedLines(values, text)).toEqual([
        [23, '      digest:', `      digest: ${NEW}`],
      ]);
    });

    it('keeps double quotes and spacing before a comment', () => {
      expect(
        updateImageDigest(`image:\n  digest: "${OLD_STAGING}"    # pinned\n`, {
          format: 'yamlPath',
          path: 'image.digest',
          digest: NEW,
        }).text,
      ).toBe(`image:\n  digest: "${NEW}"    # pinned\n`);
    });

    it('fills an empty value followed by a comment', () => {
      expect(
        updateImageDigest(
          'image:\n  digest: # set by promotions\n  tag: ""\n',
          {
            format: 'yamlPath',
            path: 'image.digest',
            digest: NEW,
          },
        ).text,
      ).toBe(`image:\n  digest: ${NEW} # set by promotions\n  tag: ""\n`);
    });

    it('refuses rather than returns a file whose meaning would change beyond the digest', () => {
      // Appending after a keep-chomped block scalar would add lines to that scalar.
      expect(() =>
        updateImageDigest(
          'images:\n- name: ghcr.io/acme/shop\n  note: |+\n    hi\n\nother: 1\n',
          {
            format: 'kustomize',
            image: 'ghcr.io/acme/shop',
            digest: NEW,
          },
        ),
      ).toThrow(
        'Internal error: the edit would change more than the digest; nothing was changed',
      );
    });

    it('keeps anchors and tags on the value', () => {
      const original = `a: &pinned !!str ${OLD_PROD}\nb: *pinned\n`;
      const { text } = updateImageDigest(original, {
        format: 'yamlPath',
        path: 'a',
        digest: NEW,
      });
      expect(text).toBe(`a: &pinned !!str ${NEW}\nb: *pinned\n`);
    });

    it('edits the one document of a multi-document file that has the path', () => {
      const original = `kind: ConfigMap\ndata: {}\n---\nimage:\n  digest: ${OLD_PROD}\n`;
      const { text } = updateImageDigest(original, {
        format: 'yamlPath',
        path: 'image.digest',
        digest: NEW,
      });
      expect(text).toBe(
        `kind: ConfigMap\ndata: {}\n---\nimage:\n  digest: ${NEW}\n`,
      );
    });

    it('refuses a multi-document file where the path is ambiguous or missing', () => {
      const edit = {
        format: 'yamlPath',
        path: 'image.digest',
        digest: NEW,
      } as const;
      expect(() =>
        updateImageDigest(
          `image:\n  digest: a\n---\nimage:\n  digest: b\n`,
          edit,
        ),
      ).toThrow('"image.digest" is ambiguous: documents 1 and 2');
      expect(() => updateImageDigest(`a: 1\n---\nb: 2\n`, edit)).toThrow(
        `"image.digest" does not exist in any of the file's 2 YAML documents`,
      );
    });

    it.each([
      ['image.tagg', '"image.tagg" does not exist: no key "tagg" in "image"'],
      [
        'missing.digest',
        '"missing.digest" does not exist: no key "missing" in the top level',
      ],
      [
        'sidecars[5].image',
        '"sidecars[5].image" does not exist: "sidecars" has 2 item(s)',
      ],
      ['image[0]', '"image[0]" does not exist: "image" is a map, not a list'],
      [
        'replicaCount.x',
        '"replicaCount.x" does not exist: "replicaCount" is a number value, not a map',
      ],
      ['image', '"image" is a map, not a single value'],
      ['replicaCount', '"replicaCount" holds a number, not a string'],
    ])('refuses the path %s with a message naming it', (path, message) => {
      expect(() =>
        updateImageDigest(values, { format: 'yamlPath', path, digest: NEW }),
      ).toThrow(message);
    });

    it.each([
      ['', 'a path such as image.digest'],
      ['image..digest', 'segment 2 is empty'],
      ['.image', 'segment 1 is empty'],
      ['__proto__.digest', 'the key "__proto__" is not allowed'],
      ['image.constructor', 'the key "constructor" is not allowed'],
      ['image.prototype', 'the key "prototype" is not allowed'],
      ['image.di gest', 'is not a key'],
      ['image["digest"]', 'is not a key'],
      ['image.[0]', 'write an index after its key'],
    ])('refuses the odd path %j', (path, message) => {
      expect(() =>
        updateImageDigest(values, { format: 'yamlPath', path, digest: NEW }),
      ).toThrow(message);
    });

    it('refuses aliases and block scalars', () => {
      expect(() =>
        updateImageDigest('a: &x {digest: d}\nb: *x\n', {
          format: 'yamlPath',
          path: 'b.digest',
          digest: NEW,
        }),
      ).toThrow('"b" is an alias (*x); edit the anchored value instead');
      expect(() =>
        updateImageDigest('a: &x d\nb: *x\n', {
          format: 'yamlPath',
          path: 'b',
          digest: NEW,
        }),
      ).toThrow('"b" is an alias');
      expect(() =>
        updateImageDigest('digest: |\n  sha256:x\n', {
          format: 'yamlPath',
          path: 'digest',
          digest: NEW,
        }),
      ).toThrow('block scalar');
    });
  });

  describe('digests', () => {
    it.each([
      [`sha256:${'AB'.repeat(32)}`, 'upper case'],
      [`sha256:${'ab'.repeat(16)}`, 'short'],
      [`sha256:${'ab'.repeat(33)}`, 'long'],
      [`sha512:${'ab'.repeat(64)}`, 'another algorithm'],
      ['1.4.2', 'a tag'],
      [`${NEW}\nfoo: bar`, 'YAML injection with a new line'],
      [`${NEW}\n  newName: evil.example/shop`, 'YAML injection into the entry'],
      [`"${NEW}"`, 'quotes'],
      [` ${NEW}`, 'leading space'],
      [`${NEW} # comment`, 'a comment'],
    ])('refuses %j (%s) and leaves the file alone', (digest, _what) => {
      const values = fixture('values.yaml');
      expect(() =>
        updateImageDigest(values, {
          format: 'yamlPath',
          path: 'image.digest',
          digest,
        }),
      ).toThrow(
        /^Refusing digest ".*": a digest must be sha256: followed by 64 lowercase hex characters$/s,
      );
      expect(() =>
        updateImageDigest(values, {
          format: 'kustomize',
          image: 'ghcr.io/acme/shop',
          digest,
        }),
      ).toThrow(/^Refusing digest/);
    });
  });
});
