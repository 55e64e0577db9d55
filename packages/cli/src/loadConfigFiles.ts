import fs from 'node:fs';
import { ConfigReader } from '@backstage/config';
import type { JsonObject, JsonValue } from '@backstage/types';
import { parseDocument } from 'yaml';
import { InspectError } from './errors';
import type { InputPath } from './loadObjects';

const ROOT_KEY = 'environmentLadder';

/**
 * Reads `environmentLadder` from app-config files as the backend would see
 * it: later files override earlier ones, `${VAR}` and `${VAR:-default}` are
 * substituted from `env` (a value naming an unset variable without default
 * is left out, `$${` is a literal `${`), and `$env: VAR` is read. `$file` and
 * `$include` are refused: only this key is read, the rest of each file
 * (kubernetes, auth, ...) is ignored.
 */
export function loadConfigFiles(
  files: InputPath[],
  env: Record<string, string | undefined>,
): ConfigReader {
  return ConfigReader.fromConfigs(
    files.map(file => {
      let text: string;
      try {
        text = fs.readFileSync(file.resolved, 'utf8');
      } catch (error) {
        throw new InspectError(
          `${file.given}: cannot be read: ${(error as Error).message}`,
        );
      }
      const document = parseDocument(text, { prettyErrors: true });
      if (document.errors.length > 0) {
        throw new InspectError(
          `${file.given}: not valid YAML: ${document.errors[0].message}`,
        );
      }
      const data = document.toJS() as unknown;
      if (data === null || data === undefined) {
        return { context: file.given, data: {} };
      }
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new InspectError(
          `${file.given}: not an app-config file: expected a mapping at the top`,
        );
      }
      const ladder = withoutSignatures(
        (data as Record<string, unknown>)[ROOT_KEY],
      );
      const substituted =
        ladder === undefined
          ? undefined
          : substitute(ladder, env, ROOT_KEY, file.given);
      return {
        context: file.given,
        data: substituted === undefined ? {} : { [ROOT_KEY]: substituted },
      };
    }),
  );
}

/**
 * inspect never checks signatures (it reads no registry), so it reads nothing of
 * `environmentLadder.signatures`, whose keys and trusted root are often `$file`s.
 */
function withoutSignatures(ladder: unknown): unknown {
  if (!ladder || typeof ladder !== 'object' || Array.isArray(ladder)) {
    return ladder;
  }
  const { signatures: _ignored, ...rest } = ladder as Record<string, unknown>;
  return rest;
}

const VARIABLE = /\$(\$?)\{([^{}]*)\}/g;
const VARIABLE_NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::-(.*))?$/s;

function substitute(
  value: unknown,
  env: Record<string, string | undefined>,
  key: string,
  file: string,
): JsonValue | undefined {
  if (typeof value === 'string') {
    let missing = false;
    const result = value.replace(VARIABLE, (match, escape, body) => {
      if (escape) {
        return match.slice(1);
      }
      const parsed = VARIABLE_NAME.exec(body);
      if (!parsed) {
        throw new InspectError(
          `${file}: invalid substitution '${match}' at '${key}'`,
        );
      }
      const variable = env[parsed[1]];
      if (variable !== undefined && variable !== '') {
        return variable;
      }
      if (parsed[2] !== undefined) {
        return parsed[2];
      }
      if (variable === undefined) {
        missing = true;
      }
      return '';
    });
    return missing ? undefined : result;
  }
  if (Array.isArray(value)) {
    return value
      .map((item, index) => substitute(item, env, `${key}[${index}]`, file))
      .filter((item): item is JsonValue => item !== undefined);
  }
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const special of ['$file', '$include']) {
      if (special in object) {
        throw new InspectError(
          `${file}: '${key}' uses ${special}, which inspect does not read; write the values into the file`,
        );
      }
    }
    if ('$env' in object) {
      const name = object.$env;
      return typeof name === 'string' ? env[name] : undefined;
    }
    const result: JsonObject = {};
    for (const [child, childValue] of Object.entries(object)) {
      const substituted = substitute(childValue, env, `${key}.${child}`, file);
      if (substituted !== undefined) {
        result[child] = substituted;
      }
    }
    return result;
  }
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  return undefined;
}
