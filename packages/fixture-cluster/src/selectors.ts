/** Thrown for a selector the API server would refuse; becomes a 400 Status. */
export class SelectorError extends Error {
  name = 'SelectorError';
}

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; operator: 'exists' | 'doesNotExist' }
  | { key: string; operator: '=' | '!='; value: string }
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'gt' | 'lt'; value: number };

/** One requirement of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

type Token =
  | { type: 'ident'; text: string }
  | { type: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' }
  | { type: '(' | ')' | ',' };

const SPECIAL = new Set(['(', ')', ',', '!', '=', '>', '<']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c });
      i++;
    } else if (c === '=' || c === '!') {
      if (input[i + 1] === '=') {
        tokens.push({ type: 'op', text: c === '=' ? '==' : '!=' });
        i += 2;
      } else {
        tokens.push({ type: 'op', text: c });
        i++;
      }
    } else if (c === '>' || c === '<') {
      tokens.push({ type: 'op', text: c });
      i++;
    } else {
      let j = i;
      while (
        j < input.length &&
        !SPECIAL.has(input[j]) &&
        !/\s/.test(input[j])
      ) {
        j++;
      }
      tokens.push({ type: 'ident', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateLabelKey(key: string) {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253) {
      throw new SelectorError(
        `unable to parse requirement: key: Invalid value: "${key}": prefix part must be no more than 253 characters and not empty`,
      );
    }
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
      throw new SelectorError(
        `unable to parse requirement: key: Invalid value: "${key}": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      );
    }
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) {
    throw new SelectorError(
      `unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`,
    );
  }
}

function validateLabelValue(key: string, value: string) {
  if (value === '') {
    return;
  }
  if (value.length > 63 || !NAME_RE.test(value)) {
    throw new SelectorError(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`,
    );
  }
}

function describe(token: Token | undefined): string {
  if (!token) {
    return 'end of string';
  }
  return token.type === 'ident' || token.type === 'op'
    ? `'${token.text}'`
    : `'${token.type}'`;
}

/**
 * Parses a label selector in the syntax of the Kubernetes API
 * (`a=b,c!=d,e in (f,g),h notin (i),j,!k`, and `l>1`, `m<2`).
 * Throws {@link SelectorError} where the API server answers 400.
 */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const tokens = tokenize(input);
  const requirements: LabelRequirement[] = [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  if (tokens.length === 0) {
    return requirements;
  }

  for (;;) {
    let token = next();
    let negated = false;
    if (token?.type === 'op' && token.text === '!') {
      negated = true;
      token = next();
    }
    if (token?.type !== 'ident') {
      throw new SelectorError(
        `unable to parse requirement: found ${describe(
          token,
        )}, expected: identifier`,
      );
    }
    const key = token.text;
    validateLabelKey(key);

    const following = peek();
    if (negated) {
      if (following !== undefined && following.type !== ',') {
        throw new SelectorError(
          `unable to parse requirement: found ${describe(
            following,
          )}, expected: ',' or 'end of string'`,
        );
      }
      requirements.push({ key, operator: 'doesNotExist' });
    } else if (following === undefined || following.type === ',') {
      requirements.push({ key, operator: 'exists' });
    } else if (
      following.type === 'op' &&
      (following.text === '=' ||
        following.text === '==' ||
        following.text === '!=')
    ) {
      next();
      const valueToken = peek();
      let value = '';
      if (valueToken?.type === 'ident') {
        value = valueToken.text;
        next();
      } else if (valueToken !== undefined && valueToken.type !== ',') {
        throw new SelectorError(
          `unable to parse requirement: found ${describe(
            valueToken,
          )}, expected: identifier`,
        );
      }
      validateLabelValue(key, value);
      requirements.push({
        key,
        operator: following.text === '!=' ? '!=' : '=',
        value,
      });
    } else if (
      following.type === 'ident' &&
      (following.text === 'in' || following.text === 'notin')
    ) {
      next();
      if (next()?.type !== '(') {
        throw new SelectorError(
          `unable to parse requirement: found ${describe(
            tokens[pos - 1],
          )}, expected: '('`,
        );
      }
      const values: string[] = [];
      for (;;) {
        const v = peek();
        if (v?.type === 'ident') {
          validateLabelValue(key, v.text);
          values.push(v.text);
          next();
        } else if (v?.type === ',' || v?.type === ')') {
          // An empty element, as in `in (a,,b)` or `in ()`, is the empty value.
          values.push('');
        } else {
          throw new SelectorError(
            `unable to parse requirement: found ${describe(
              v,
            )}, expected: ',', ')' or identifier`,
          );
        }
        const sep = next();
        if (sep?.type === ')') {
          break;
        }
        if (sep?.type !== ',') {
          throw new SelectorError(
            `unable to parse requirement: found ${describe(
              sep,
            )}, expected: ',' or ')'`,
          );
        }
      }
      requirements.push({
        key,
        operator: following.text === 'in' ? 'in' : 'notin',
        values,
      });
    } else if (
      following.type === 'op' &&
      (following.text === '>' || following.text === '<')
    ) {
      next();
      const v = next();
      if (v?.type !== 'ident' || !/^-?\d+$/.test(v.text)) {
        throw new SelectorError(
          `unable to parse requirement: for 'gt', 'lt' operators, the value must be an integer`,
        );
      }
      requirements.push({
        key,
        operator: following.text === '>' ? 'gt' : 'lt',
        value: Number(v.text),
      });
    } else {
      throw new SelectorError(
        `unable to parse requirement: found ${describe(
          following,
        )}, expected: '=', '!=', '==', 'in', 'notin'`,
      );
    }

    const sep = next();
    if (sep === undefined) {
      return requirements;
    }
    if (sep.type !== ',') {
      throw new SelectorError(
        `found ${describe(sep)}, expected: ',' or 'end of string'`,
      );
    }
  }
}

/** Whether a set of labels satisfies every requirement. */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const actual = has ? String(l[r.key]) : undefined;
    switch (r.operator) {
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
      case '=':
        return has && actual === r.value;
      case '!=':
        return !has || actual !== r.value;
      case 'in':
        return has && r.values.includes(actual!);
      case 'notin':
        return !has || !r.values.includes(actual!);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(actual!)) {
          return false;
        }
        const n = Number(actual);
        return r.operator === 'gt' ? n > r.value : n < r.value;
      }
      default:
        return false;
    }
  });
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
