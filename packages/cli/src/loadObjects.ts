import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InspectError } from './errors';

/** A Kubernetes object read from a file, with where it came from for messages. */
export interface SourcedObject {
  object: Record<string, unknown>;
  /** e.g. `dump/prod.yaml (document 2) items[3]`. */
  source: string;
}

/** A path from the command line: as the user wrote it and as found on disk. */
export interface InputPath {
  given: string;
  resolved: string;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * Reads the Kubernetes objects of files and folders (recursively: `.yaml`,
 * `.yml` and `.json`, in name order, hidden entries skipped). Files may hold
 * several YAML documents; `kind: List` and typed lists (`PodList`, ...) are
 * expanded into their items. Anything that is not a Kubernetes object (no
 * `apiVersion`, `kind` or `metadata.name`, a scalar, unparsable text) throws
 * an {@link InspectError} naming the file and the document. A file reached
 * twice (a folder and a file inside it) is read once.
 */
export function loadObjects(inputs: InputPath[]): SourcedObject[] {
  const seen = new Set<string>();
  const objects: SourcedObject[] = [];
  for (const input of inputs) {
    for (const file of listFiles(input)) {
      const real = fs.realpathSync(file.resolved);
      if (seen.has(real)) {
        continue;
      }
      seen.add(real);
      objects.push(...readFile(file));
    }
  }
  return objects;
}

function listFiles(input: InputPath): InputPath[] {
  const stat = fs.statSync(input.resolved);
  if (!stat.isDirectory()) {
    // A file named on the command line is read whatever its extension.
    return [input];
  }
  const files: InputPath[] = [];
  const walk = (dir: string, shown: string) => {
    const entries = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(entry => !entry.name.startsWith('.'))
      .sort((a, b) => compareNames(a.name, b.name));
    for (const entry of entries) {
      const resolved = path.join(dir, entry.name);
      const given = path.join(shown, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = fs.statSync(resolved, { throwIfNoEntry: false });
        isDirectory = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDirectory) {
        walk(resolved, given);
      } else if (isFile && EXTENSIONS.test(entry.name)) {
        files.push({ given, resolved });
      }
    }
  };
  walk(input.resolved, input.given);
  if (files.length === 0) {
    throw new InspectError(
      `${input.given}: the folder holds no .yaml, .yml or .json files`,
    );
  }
  return files;
}

/** Code-unit order, the same in every locale. */
function compareNames(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function readFile(file: InputPath): SourcedObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file.resolved, 'utf8');
  } catch (error) {
    throw new InspectError(
      `${file.given}: cannot be read: ${(error as Error).message}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  if (/\.json$/i.test(file.resolved)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InspectError(
        `${file.given}: not valid JSON: ${(error as Error).message}`,
      );
    }
    return toObjects(value, file.given);
  }
  const documents = Array.from(parseAllDocuments(text, { prettyErrors: true }));
  const objects: SourcedObject[] = [];
  documents.forEach((document, index) => {
    const source =
      documents.length > 1
        ? `${file.given} (document ${index + 1})`
        : file.given;
    if (document.errors.length > 0) {
      throw new InspectError(
        `${source}: not valid YAML: ${document.errors[0].message}`,
      );
    }
    let value: unknown;
    try {
      value = document.toJS();
    } catch (error) {
      throw new InspectError(
        `${source}: not valid YAML: ${(error as Error).message}`,
      );
    }
    if (value === null || value === undefined) {
      return; // an empty document, e.g. after a trailing `---`
    }
    objects.push(...toObjects(value, source));
  });
  return objects;
}

function toObjects(value: unknown, source: string): SourcedObject[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value)
      ? 'a sequence'
      : `the ${typeof value} ${JSON.stringify(value)}`;
    throw new InspectError(
      `${source}: not a Kubernetes object: expected a mapping with apiVersion, kind and metadata, found ${found}`,
    );
  }
  const object = value as Record<string, unknown>;
  const missing = ['apiVersion', 'kind'].filter(
    key => typeof object[key] !== 'string' || object[key] === '',
  );
  if (missing.length > 0) {
    throw new InspectError(
      `${source}: not a Kubernetes object: no ${missing.join(' and no ')}`,
    );
  }
  const kind = object.kind as string;
  if (
    kind.endsWith('List') &&
    (Array.isArray(object.items) ||
      object.items === undefined ||
      object.items === null)
  ) {
    const items = (object.items as unknown[] | undefined | null) ?? [];
    return items.flatMap((item, index) =>
      toObjects(item, `${source} items[${index}]`),
    );
  }
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (
    !metadata ||
    typeof metadata !== 'object' ||
    Array.isArray(metadata) ||
    typeof metadata.name !== 'string' ||
    metadata.name === ''
  ) {
    throw new InspectError(
      `${source}: not a Kubernetes object: ${kind} without metadata.name`,
    );
  }
  return [{ object, source }];
}
