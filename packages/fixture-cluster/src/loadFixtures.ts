import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from './types';

/** An object read from a fixture, with where it came from for error messages. */
export interface SourcedObject {
  object: unknown;
  /** `file.yaml` or `file.yaml (document 2)`, or `options.objects[3]`. */
  source: string;
}

function listYamlFiles(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...listYamlFiles(full));
    } else if (/\.ya?ml$/i.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/** Expands `kind: List` (and typed lists such as `PodList`) into their items. */
export function flattenLists(object: unknown, source: string): SourcedObject[] {
  if (
    object &&
    typeof object === 'object' &&
    !Array.isArray(object) &&
    typeof (object as { kind?: unknown }).kind === 'string' &&
    (object as { kind: string }).kind.endsWith('List') &&
    Array.isArray((object as { items?: unknown }).items)
  ) {
    return ((object as { items: unknown[] }).items ?? []).flatMap((item, i) =>
      flattenLists(item, `${source} items[${i}]`),
    );
  }
  return [{ object, source }];
}

/**
 * Parses one YAML file of one or more documents. Throws an error that names
 * the file and carries the parser's message (with line and column).
 */
export function parseYamlFile(file: string): SourcedObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read fixture file ${file}: ${String(error)}`);
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const docs = Array.isArray(documents) ? documents : [];
  const result: SourcedObject[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(
        `Invalid YAML in fixture file ${file}: ${doc.errors[0].message}`,
      );
    }
    const value = doc.toJS();
    if (value === null || value === undefined) {
      return; // an empty document, e.g. after a trailing `---`
    }
    const source = docs.length > 1 ? `${file} (document ${index + 1})` : file;
    result.push(...flattenLists(value, source));
  });
  return result;
}

/** Reads every `.yaml`/`.yml` file under a folder, recursively, in name order. */
export function loadFixtureDir(dir: string): {
  files: string[];
  objects: SourcedObject[];
} {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new Error(`Fixture folder ${dir} does not exist`);
  }
  if (!stat.isDirectory()) {
    throw new Error(`Fixture folder ${dir} is not a folder`);
  }
  const files = listYamlFiles(dir);
  return { files, objects: files.flatMap(parseYamlFile) };
}

/** Narrows an unknown value to a Kubernetes object, or throws naming the source. */
export function asKubeObject(value: unknown, source: string): KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${source}: expected a Kubernetes object (a mapping)`);
  }
  const o = value as Record<string, unknown>;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) {
    throw new Error(`${source}: missing apiVersion`);
  }
  if (typeof o.kind !== 'string' || !o.kind) {
    throw new Error(`${source}: missing kind`);
  }
  const metadata = o.metadata as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== 'object') {
    throw new Error(`${source}: missing metadata`);
  }
  if (typeof metadata.name !== 'string' || !metadata.name) {
    throw new Error(`${source}: missing metadata.name`);
  }
  for (const key of ['labels', 'annotations'] as const) {
    const map = metadata[key];
    if (map === undefined || map === null) {
      continue;
    }
    if (typeof map !== 'object' || Array.isArray(map)) {
      throw new Error(`${source}: metadata.${key} must be a mapping`);
    }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') {
        throw new Error(
          `${source}: metadata.${key}.${k} must be a string (quote it in YAML)`,
        );
      }
    }
  }
  return value as KubeObject;
}
