/*
 * Kubernetes label selectors in the string syntax of the API
 * (`?labelSelector=` and the `backstage.io/kubernetes-label-selector`
 * annotation): parsed into requirements and matched against labels. Pure and
 * isomorphic: the fixture cluster filters with it as an API server would, and
 * the `inspect` command filters files with it as a cluster would.
 */

/**
 * Thrown for a selector the Kubernetes API server would refuse (it answers 400).
 *
 * @public
 */
export class LabelSelectorError extends Error {
  name = 'LabelSelectorError';
}

/**
 * One requirement of a label selector; a selector is their conjunction.
 *
 * @public
 */
export type LabelRequirement =
  | { key: string; operator: 'exists' | 'doesNotExist' }
  | { key: string; operator: '=' | '!='; value: string }
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'gt' | 'lt'; value: number };

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
      throw new LabelSelectorError(
        `unable to parse requirement: key: Invalid value: "${key}": prefix part must be no more than 253 characters and not empty`,
      );
    }
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
      throw new LabelSelectorError(
        `unable to parse requirement: key: Invalid value: "${key}": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      );
    }
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) {
    throw new LabelSelectorError(
      `unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`,
    );
  }
}

function validateLabelValue(key: string, value: string) {
  if (value === '') {
    return;
  }
  if (value.length > 63 || !NAME_RE.test(value)) {
    throw new LabelSelectorError(
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
 * (`a=b,c!=d,e in (f,g),h notin (i),j,!k`, and `l>1`, `m<2`). An empty
 * selector has no requirements and so matches every object.
 * Throws {@link LabelSelectorError} where the API server answers 400.
 *
 * @public
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
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
      throw new LabelSelectorError(
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
        throw new LabelSelectorError(
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
        throw new LabelSelectorError(
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
        throw new LabelSelectorError(
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
          throw new LabelSelectorError(
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
          throw new LabelSelectorError(
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
        throw new LabelSelectorError(
          `unable to parse requirement: for 'gt', 'lt' operators, the value must be an integer`,
        );
      }
      requirements.push({
        key,
        operator: following.text === '>' ? 'gt' : 'lt',
        value: Number(v.text),
      });
    } else {
      throw new LabelSelectorError(
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
      throw new LabelSelectorError(
        `found ${describe(sep)}, expected: ',' or 'end of string'`,
      );
    }
  }
}

/**
 * Whether an object's labels (`metadata.labels`) satisfy every requirement
 * of a parsed selector. Missing or malformed labels count as no labels, so
 * `!=`, `notin` and `!key` still match, as on an API server.
 *
 * @public
 */
export function matchesLabelSelector(
  labels: Readonly<Record<string, string>> | null | undefined,
  requirements: readonly LabelRequirement[],
): boolean {
  const l: Readonly<Record<string, unknown>> =
    labels && typeof labels === 'object' && !Array.isArray(labels)
      ? labels
      : {};
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
