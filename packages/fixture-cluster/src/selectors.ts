import {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector as parseCommonLabelSelector,
  type LabelRequirement,
} from '@environment-ladder/plugin-environment-ladder-common';

/*
 * Label selectors are parsed and matched by the common package, which the
 * `inspect` command shares; field selectors, which only an API server needs,
 * live here.
 */

export type { LabelRequirement };

/** Thrown for a selector the API server would refuse; becomes a 400 Status. */
export class SelectorError extends Error {
  name = 'SelectorError';
}

/** One requirement of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/**
 * Parses a label selector in the syntax of the Kubernetes API with the common
 * package's parser, throwing {@link SelectorError} where the API server answers 400.
 */
export function parseLabelSelector(input: string): LabelRequirement[] {
  try {
    return parseCommonLabelSelector(input);
  } catch (error) {
    if (error instanceof LabelSelectorError) {
      throw new SelectorError(error.message);
    }
    throw error;
  }
}

/** Whether a set of labels satisfies every requirement. */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return matchesLabelSelector(labels, requirements);
}

/** Splits on unescaped separators, keeping escapes for the next step. */
function splitUnescaped(input: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      current += c + input[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string, term: string): string {
  let result = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        result += n;
        i++;
        continue;
      }
      throw new SelectorError(
        `invalid field selector: invalid escape sequence in '${term}'`,
      );
    }
    if (c === ',' || c === '=') {
      throw new SelectorError(
        `invalid field selector: unescaped '${c}' in value of '${term}'`,
      );
    }
    result += c;
  }
  return result;
}

/**
 * Parses a field selector (`metadata.name=x,metadata.namespace!=y`).
 * Every field must be in `supportedFields`, as on a real API server.
 */
export function parseFieldSelector(
  input: string,
  supportedFields: readonly string[],
): FieldRequirement[] {
  if (input.trim() === '') {
    return [];
  }
  return splitUnescaped(input, ',').map(term => {
    const match = /^([^=!\\]+?)\s*(!=|==|=)(.*)$/.exec(term);
    if (!match) {
      throw new SelectorError(
        `invalid selector: '${input}'; can't understand '${term}'`,
      );
    }
    const field = match[1].trim();
    if (!supportedFields.includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return {
      field,
      operator: match[2] === '!=' ? '!=' : '=',
      value: unescapeFieldValue(match[3], term),
    };
  });
}

function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current && typeof current === 'object') {
      current = (current as Record<string, unknown>)[part];
    } else {
      return '';
    }
  }
  if (current === undefined || current === null) {
    return '';
  }
  return typeof current === 'object'
    ? JSON.stringify(current)
    : String(current);
}

/** Whether an object satisfies every field requirement. */
export function matchesFields(
  requirements: FieldRequirement[],
  object: unknown,
): boolean {
  return requirements.every(r => {
    const actual = fieldValue(object, r.field);
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}
