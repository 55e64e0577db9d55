import { quoteValue } from './internal';

/**
 * The values a GitOps path template may use.
 *
 * @public
 */
export interface PathTemplateValues {
  /** The entity's name, e.g. `shop`. */
  name: string;
  /** The rung, e.g. `prod`. */
  environment: string;
  /** The rung's namespace, when the template uses it. */
  namespace?: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SAFE_VALUE = /^[A-Za-z0-9._-]+$/;
const MAX_LENGTH = 1024;

/**
 * Fills a repository path template such as `apps/{{name}}/overlays/{{environment}}/kustomization.yaml`.
 *
 * @remarks
 * The result is a relative path inside the repository, always. Refused with an error
 * naming the problem: absolute templates, backslashes, empty, `.` or `..` segments,
 * control characters, unknown or unbalanced placeholders, and values that are empty,
 * contain `/`, `\` or `..`, or any character other than letters, digits, `.`, `_`, `-`.
 *
 * @public
 */
export function renderPathTemplate(
  template: string,
  values: PathTemplateValues,
): string {
  checkPath(template, 'template');
  const rendered = template.replace(PLACEHOLDER, (_match, rawName: string) => {
    const name = rawName.trim();
    if (name !== 'name' && name !== 'environment' && name !== 'namespace') {
      throw new Error(
        `Path template ${quoteValue(
          template,
        )} uses the unknown placeholder {{${name}}}; known: {{name}}, {{environment}}, {{namespace}}`,
      );
    }
    return checkValue(template, name, values[name]);
  });
  if (/[{}]/.test(rendered)) {
    throw new Error(
      `Path template ${quoteValue(template)} has an unbalanced or stray { or }`,
    );
  }
  checkPath(rendered, 'rendered path');
  return rendered;
}

function checkValue(template: string, name: string, value: unknown): string {
  const problem = valueProblem(value);
  if (problem) {
    throw new Error(
      `Cannot fill {{${name}}} in path template ${quoteValue(
        template,
      )}: the value ${
        typeof value === 'string' && value ? `${quoteValue(value)} ` : ''
      }${problem}`,
    );
  }
  return value as string;
}

function valueProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'is missing';
  if (value.includes('/') || value.includes('\\')) {
    return 'contains a path separator';
  }
  if (value.includes('..')) return 'contains ..';
  if (!SAFE_VALUE.test(value)) {
    return 'contains characters other than letters, digits, ".", "_" and "-"';
  }
  return null;
}

function checkPath(path: unknown, what: string) {
  const fail = (problem: string): never => {
    throw new Error(`Refusing path ${what} ${quoteValue(path)}: ${problem}`);
  };
  if (typeof path !== 'string' || path.length === 0) {
    fail('it is empty');
  }
  const text = path as string;
  if (text.length > MAX_LENGTH)
    fail(`it is longer than ${MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text))
    fail('it contains control characters');
  if (text.includes('\\')) fail('it contains a backslash');
  if (text.startsWith('/'))
    fail('it is absolute; paths are relative to the repository root');
  if (/^[A-Za-z]:/.test(text)) fail('it starts with a drive letter');
  const segments = text.split('/');
  segments.forEach((segment, index) => {
    if (segment === '') fail(`segment ${index + 1} is empty`);
    if (segment === '..') fail('it contains a .. segment');
    if (segment === '.') fail('it contains a . segment');
  });
}
