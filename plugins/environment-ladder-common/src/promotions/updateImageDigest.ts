import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  type Document,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { isCanonicalDigest } from './isCanonicalDigest';
import { quoteValue } from './internal';

/**
 * Which value of a manifest holds the digest.
 *
 * @public
 */
export type ImageDigestEdit =
  | {
      /** A `kustomization.yaml`: the `images[]` entry whose `name` is `image`. */
      format: 'kustomize';
      /** The image repository, without tag or digest, e.g. `ghcr.io/acme/shop`. */
      image: string;
      digest: string;
    }
  | {
      /** Any YAML file (e.g. Helm values): the scalar at `path`, e.g. `image.digest` or `images[0].digest`. */
      format: 'yamlPath';
      path: string;
      digest: string;
    };

type ParsedDocument = Document.Parsed;
type Splice = { at: number; remove: number; insert: string };
type Plan = { splice: Splice; previous: string | null };

// Far above any real manifest; the GitHub contents API serves at most 1 MB anyway.
const MAX_FILE_LENGTH = 1024 * 1024;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PATH_SEGMENT = /^([A-Za-z0-9_-]*)((?:\[\d{1,6}\])*)$/;
// A repository as kustomize's `images[].name` holds it: registry host (with port), path.
const IMAGE_NAME =
  /^[A-Za-z0-9][A-Za-z0-9._-]*(?::\d{1,5})?(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * Sets the image digest in a manifest's text, changing only that one value.
 *
 * @remarks
 * The file is parsed with the `yaml` Document API to find the value, then the edit is
 * made in the original text at the value's position, so that comments, quoting,
 * indentation, key order and line endings stay exactly as they were. The result is
 * parsed again and must mean exactly what the Document API edit means, else nothing is
 * returned (an error is thrown).
 *
 * - `kustomize`: the `images[]` entry whose `name` equals `image` gets `digest` set
 *   (replaced when present, added as the entry's last key otherwise); when no entry names
 *   the image, one is appended to `images` (created at the end of the file when missing).
 *   A `newTag` in the entry is kept as is: kustomize then renders `name:tag@digest`, and
 *   container runtimes pull by the digest, so the tag only labels the image. Removing it
 *   would be a second change in the file and loses what the team wrote.
 * - `yamlPath`: the path must exist and end at a scalar holding a string or nothing
 *   (`digest: ""`, `digest:`); its quoting style is kept.
 *
 * Refused, with an error saying why: a digest that is not `sha256:` + 64 lowercase hex
 * (so no YAML can be injected through it), unparsable YAML, a path with empty or odd
 * segments (`__proto__`, `constructor`, `prototype`), a missing path, aliases, block
 * scalars, a kustomization with several documents, several `images[]` entries naming the
 * image, and a multi-document file where the path is in none or in several documents.
 *
 * @returns the new text, and the value the digest replaced (null when there was none).
 *
 * @public
 */
export function updateImageDigest(
  fileText: string,
  options: ImageDigestEdit,
): { text: string; previous: string | null } {
  if (!isCanonicalDigest(options.digest)) {
    throw new Error(
      `Refusing digest ${quoteValue(
        options.digest,
      )}: a digest must be sha256: followed by 64 lowercase hex characters`,
    );
  }
  if (typeof fileText !== 'string') {
    throw new Error('The file has no text to edit');
  }
  if (fileText.length > MAX_FILE_LENGTH) {
    throw new Error(
      `The file is ${fileText.length} characters long; files over ${MAX_FILE_LENGTH} are not edited`,
    );
  }
  const docs = parseDocuments(fileText, 'The file');
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';

  // Planning also applies the same change to `docs` through the Document API; the
  // spliced text must then parse to exactly that.
  const plan =
    options.format === 'kustomize'
      ? planKustomize(fileText, docs, options.image, options.digest, eol)
      : planYamlPath(fileText, docs, options.path, options.digest);

  const { at, remove, insert } = plan.splice;
  const text = fileText.slice(0, at) + insert + fileText.slice(at + remove);
  verify(docs, text);
  return { text, previous: plan.previous };
}

function parseDocuments(text: string, what: string): ParsedDocument[] {
  const docs = parseAllDocuments(text) as ParsedDocument[];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new Error(
        `${what} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      );
    }
  }
  return [...docs];
}

function planYamlPath(
  text: string,
  docs: ParsedDocument[],
  path: string,
  digest: string,
): Plan {
  const segments = parseYamlPath(path);
  if (docs.length === 0) {
    throw new Error(`The file is empty, so ${quoteValue(path)} does not exist`);
  }
  const found = docs.map(doc => {
    try {
      return { node: findNode(doc, segments, path), error: null };
    } catch (error) {
      return { node: null, error: error as Error };
    }
  });
  let chosen: unknown;
  if (docs.length === 1) {
    if (found[0].error) throw found[0].error;
    chosen = found[0].node;
  } else {
    const hits = found
      .map((result, index) => ({ ...result, index }))
      .filter(result => !result.error);
    if (hits.length === 0) {
      throw new Error(
        `${quoteValue(path)} does not exist in any of the file's ${
          docs.length
        } YAML documents (first: ${found[0].error?.message})`,
      );
    }
    if (hits.length > 1) {
      throw new Error(
        `${quoteValue(path)} is ambiguous: documents ${hits
          .map(hit => hit.index + 1)
          .join(' and ')} of the file's ${docs.length} YAML documents have it`,
      );
    }
    chosen = hits[0].node;
  }
  return replaceScalar(text, chosen, digest, quoteValue(path));
}

function planKustomize(
  text: string,
  docs: ParsedDocument[],
  image: string,
  digest: string,
  eol: string,
): Plan {
  if (
    typeof image !== 'string' ||
    image.length > 255 ||
    !IMAGE_NAME.test(image)
  ) {
    throw new Error(
      `Refusing image name ${quoteValue(
        image,
      )}: it must be a repository such as ghcr.io/acme/shop, without tag or digest`,
    );
  }
  if (docs.length !== 1) {
    throw new Error(
      `A kustomization is one YAML document; this file holds ${docs.length}`,
    );
  }
  const doc = docs[0];
  const root = doc.contents;
  if (!isMap(root)) {
    throw new Error(
      `This is not a kustomization: the file's top level is ${describe(
        root,
      )}, not a map`,
    );
  }
  const imagesPair = findPair(root, 'images');
  const entryText = `name: ${image}`;

  if (!imagesPair) {
    if (root.flow) {
      throw new Error(
        'The kustomization is written as a flow map ({...}); add an images entry by hand',
      );
    }
    const keyColumn = column(text, nodeRange(root.items[0].key)[0]);
    const seqIndent = keyColumn + detectSequenceIndent(text, root);
    const pad = ' '.repeat(seqIndent);
    const at = lineEnd(text, contentEnd(root));
    (root as YAMLMap).set('images', doc.createNode([{ name: image, digest }]));
    return {
      splice: {
        at,
        remove: 0,
        insert: `${eol}${' '.repeat(
          keyColumn,
        )}images:${eol}${pad}- ${entryText}${eol}${pad}  digest: ${digest}`,
      },
      previous: null,
    };
  }

  const images = imagesPair.value;
  if (!isSeq(images)) {
    throw new Error(
      `'images' in the kustomization is ${describe(images)}, not a list`,
    );
  }
  const matches: Array<{ entry: YAMLMap; index: number }> = [];
  images.items.forEach((item, index) => {
    if (!isMap(item)) {
      throw new Error(
        `images[${index}] in the kustomization is ${describe(item)}, not a map`,
      );
    }
    const name = item.get('name', true);
    if (isScalar(name) && name.value === image) {
      matches.push({ entry: item, index });
    }
  });
  if (matches.length > 1) {
    throw new Error(
      `The kustomization is ambiguous: ${matches
        .map(match => `images[${match.index}]`)
        .join(' and ')} all name ${image}`,
    );
  }

  if (matches.length === 1) {
    const { entry, index } = matches[0];
    const digestPair = findPair(entry, 'digest');
    if (digestPair) {
      return replaceScalar(
        text,
        digestPair.value,
        digest,
        `images[${index}].digest`,
      );
    }
    const last = entry.items[entry.items.length - 1] as Pair;
    entry.set('digest', digest);
    if (entry.flow) {
      return {
        splice: {
          at: contentEnd(last),
          remove: 0,
          insert: `, digest: ${digest}`,
        },
        previous: null,
      };
    }
    const first = entry.items[0] as Pair;
    const indent = ' '.repeat(column(text, nodeRange(first.key)[0]));
    return {
      splice: {
        at: lineEnd(text, contentEnd(last)),
        remove: 0,
        insert: `${eol}${indent}digest: ${digest}`,
      },
      previous: null,
    };
  }

  // No entry names the image yet: append one.
  images.add(doc.createNode({ name: image, digest }));
  const [seqStart, seqValueEnd] = nodeRange(images);
  if (images.flow) {
    const items = images.items.slice(0, -1);
    if (items.length === 0) {
      if (text[seqValueEnd - 1] !== ']') {
        throw new Error("Cannot find the end of the 'images' list");
      }
      return {
        splice: {
          at: seqValueEnd - 1,
          remove: 0,
          insert: `{ ${entryText}, digest: ${digest} }`,
        },
        previous: null,
      };
    }
    return {
      splice: {
        at: contentEnd(items[items.length - 1]),
        remove: 0,
        insert: `, { ${entryText}, digest: ${digest} }`,
      },
      previous: null,
    };
  }
  const existing = images.items.slice(0, -1);
  const dashColumn = column(text, seqStart);
  const gap = Math.max(
    1,
    existing.length
      ? column(text, nodeRange(existing[0])[0]) - dashColumn - 1
      : 1,
  );
  const pad = ' '.repeat(dashColumn);
  return {
    splice: {
      at: lineEnd(text, contentEnd(existing[existing.length - 1])),
      remove: 0,
      insert: `${eol}${pad}-${' '.repeat(
        gap,
      )}${entryText}${eol}${pad}${' '.repeat(gap + 1)}digest: ${digest}`,
    },
    previous: null,
  };
}

/** Replaces one scalar's text, in the quoting style it had, and applies the same change to its node. */
function replaceScalar(
  text: string,
  node: unknown,
  digest: string,
  where: string,
): Plan {
  if (!isScalar(node)) {
    throw new Error(`${where} is ${describe(node)}, not a single value`);
  }
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    throw new Error(
      `${where} is a block scalar (| or >); write the digest on one line first`,
    );
  }
  if (node.value !== null && typeof node.value !== 'string') {
    throw new Error(
      `${where} holds a ${typeof node.value}, not a string; a digest is a string`,
    );
  }
  const previous = node.value === null ? null : (node.value as string);
  const [start, end] = nodeRange(node);
  let rendered = digest;
  if (node.type === Scalar.QUOTE_DOUBLE) rendered = `"${digest}"`;
  if (node.type === Scalar.QUOTE_SINGLE) rendered = `'${digest}'`;
  if (start === end) {
    // An empty value sits between `key:` and a comment; keep both separated by a space.
    if (!/\s/.test(text[start - 1] ?? '')) rendered = ` ${rendered}`;
    if (end < text.length && !/\s/.test(text[end])) rendered = `${rendered} `;
  }
  node.value = digest;
  return {
    splice: { at: start, remove: end - start, insert: rendered },
    previous,
  };
}

/** Parses `image.digest`, `images[0].digest`, `[1].image.digest` into keys and indexes. */
function parseYamlPath(path: string): Array<string | number> {
  if (typeof path !== 'string' || path.length === 0 || path.length > 256) {
    throw new Error(
      `Refusing path ${quoteValue(
        path,
      )}: a path such as image.digest or images[0].digest is needed`,
    );
  }
  const segments: Array<string | number> = [];
  path.split('.').forEach((part, index) => {
    const match = PATH_SEGMENT.exec(part);
    if (part === '' || !match || (!match[1] && !match[2])) {
      throw new Error(
        `Refusing path ${quoteValue(path)}: segment ${index + 1} ${
          part === ''
            ? 'is empty'
            : `${quoteValue(
                part,
              )} is not a key (letters, digits, _ and -) optionally followed by [index]`
        }`,
      );
    }
    if (!match[1] && index > 0) {
      throw new Error(
        `Refusing path ${quoteValue(
          path,
        )}: write an index after its key, as images[0]`,
      );
    }
    if (RESERVED_KEYS.has(match[1])) {
      throw new Error(
        `Refusing path ${quoteValue(path)}: the key ${quoteValue(
          match[1],
        )} is not allowed`,
      );
    }
    if (match[1]) segments.push(match[1]);
    for (const indexMatch of match[2].matchAll(/\[(\d+)\]/g)) {
      segments.push(Number(indexMatch[1]));
    }
  });
  return segments;
}

function findNode(
  doc: ParsedDocument,
  segments: Array<string | number>,
  path: string,
): unknown {
  let node: unknown = doc.contents;
  let walked = '';
  for (const segment of segments) {
    const here = walked ? quoteValue(walked) : 'the top level';
    if (isAlias(node)) {
      throw new Error(
        `${here} is an alias (*${node.source}); edit the anchored value instead`,
      );
    }
    if (typeof segment === 'number') {
      if (!isSeq(node)) {
        throw new Error(
          `${quoteValue(path)} does not exist: ${here} is ${describe(
            node,
          )}, not a list`,
        );
      }
      if (segment >= node.items.length) {
        throw new Error(
          `${quoteValue(path)} does not exist: ${here} has ${
            node.items.length
          } item(s)`,
        );
      }
      node = node.items[segment];
      walked = `${walked}[${segment}]`;
    } else {
      if (!isMap(node)) {
        throw new Error(
          `${quoteValue(path)} does not exist: ${here} is ${describe(
            node,
          )}, not a map`,
        );
      }
      const pair = findPair(node, segment);
      if (!pair) {
        throw new Error(
          `${quoteValue(path)} does not exist: no key ${quoteValue(
            segment,
          )} in ${here}`,
        );
      }
      node = pair.value;
      walked = walked ? `${walked}.${segment}` : segment;
    }
  }
  if (isAlias(node)) {
    throw new Error(
      `${quoteValue(path)} is an alias (*${
        node.source
      }); edit the anchored value instead`,
    );
  }
  return node;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find(
    pair => isScalar(pair.key) && String(pair.key.value) === key,
  );
}

/** How far the file indents a block list under its key (0 for `key:\n- a`, 2 for `key:\n  - a`). */
function detectSequenceIndent(text: string, root: YAMLMap): number {
  for (const pair of root.items) {
    if (isSeq(pair.value) && !pair.value.flow && isScalar(pair.key)) {
      return Math.max(
        0,
        column(text, nodeRange(pair.value)[0]) -
          column(text, nodeRange(pair.key)[0]),
      );
    }
  }
  return 0;
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return 'empty';
  if (isAlias(node)) return 'an alias';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    return node.value === null ? 'empty' : `a ${typeof node.value} value`;
  }
  return 'an unexpected node';
}

function nodeRange(node: unknown): [number, number, number] {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) {
    throw new Error('Cannot locate a value in the file');
  }
  return range;
}

/** Where a node's own text ends (before trailing comments and line breaks). */
function contentEnd(node: unknown): number {
  if (isPair(node)) {
    return node.value ? contentEnd(node.value) : nodeRange(node.key)[1];
  }
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    const items = (node as YAMLMap | YAMLSeq).items;
    if (items.length) return contentEnd(items[items.length - 1]);
  }
  return nodeRange(node)[1];
}

/** The end of the line that holds `position` (before `\r\n` or `\n`), stepping back over line breaks it ends on. */
function lineEnd(text: string, position: number): number {
  let at = position;
  while (at > 0 && (text[at - 1] === '\n' || text[at - 1] === '\r')) at--;
  const newline = text.indexOf('\n', at);
  if (newline < 0) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

function column(text: string, position: number): number {
  return position - (text.lastIndexOf('\n', position - 1) + 1);
}

/** The edited text must mean exactly what the Document API edit of the original means. */
function verify(expected: ParsedDocument[], text: string) {
  let actual: ParsedDocument[];
  try {
    actual = parseDocuments(text, 'The edited file');
  } catch (error) {
    throw new Error(
      `Internal error: the edit would break the file (${
        (error as Error).message
      }); nothing was changed`,
    );
  }
  const same =
    actual.length === expected.length &&
    actual.every(
      (doc, index) => canonical(toJS(doc)) === canonical(toJS(expected[index])),
    );
  if (!same) {
    throw new Error(
      'Internal error: the edit would change more than the digest; nothing was changed',
    );
  }
}

function toJS(doc: ParsedDocument): unknown {
  // Maps keep non-string keys and never turn a `__proto__` key into a prototype.
  return doc.toJS({ mapAsMap: true, maxAliasCount: 100 });
}

function canonical(value: unknown): string {
  const walk = (item: unknown): unknown => {
    if (item instanceof Map) {
      return ['map', [...item.entries()].map(([k, v]) => [walk(k), walk(v)])];
    }
    if (item instanceof Set) return ['set', [...item].map(walk)];
    if (Array.isArray(item)) return ['list', item.map(walk)];
    if (item instanceof Date) return ['date', item.toISOString()];
    if (typeof item === 'bigint') return ['bigint', item.toString()];
    if (typeof item === 'number' && !Number.isFinite(item)) {
      return ['number', String(item)];
    }
    if (item instanceof Uint8Array) return ['binary', [...item]];
    return [typeof item, item ?? null];
  };
  return JSON.stringify(walk(value));
}
