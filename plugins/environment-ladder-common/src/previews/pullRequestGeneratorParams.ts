import { slugifyBranch } from './slugifyBranch';
import {
  PullRequestGeneratorInput,
  PullRequestGeneratorOptions,
  PullRequestGeneratorParams,
} from './types';

type ParamMap = Record<string, unknown>;

// Argo CD renders generator values with fasttemplate unless the ApplicationSet opts into Go
// templates: a `{{ tag }}` naming a string parameter is replaced, anything else is left as written.
function renderFasttemplate(template: string, params: ParamMap): string {
  if (!/\{\{.*\}\}/.test(template)) {
    return template;
  }
  let out = '';
  let at = 0;
  for (;;) {
    const start = template.indexOf('{{', at);
    if (start < 0) {
      return out + template.slice(at);
    }
    const end = template.indexOf('}}', start + 2);
    if (end < 0) {
      throw new Error(
        `Invalid template "${template}": cannot find the end tag '}}'`,
      );
    }
    const tag = template.slice(start + 2, end);
    const value = Object.prototype.hasOwnProperty.call(params, tag.trim())
      ? params[tag.trim()]
      : undefined;
    out += template.slice(at, start);
    out +=
      tag.trim() !== '' && typeof value === 'string' ? value : `{{${tag}}}`;
    at = end + 2;
  }
}

function printGoValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(printGoValue).join(' ')}]`;
  }
  return String(value);
}

// The part of Go's text/template that a generator value can sensibly use: `{{ .param }}`,
// with trim markers. Functions and pipelines are refused rather than guessed at.
function renderGoTemplate(
  template: string,
  params: ParamMap,
  options: string[],
): string {
  const missingKeyError = options.includes('missingkey=error');
  let out = '';
  let at = 0;
  for (;;) {
    const start = template.indexOf('{{', at);
    if (start < 0) {
      return out + template.slice(at);
    }
    const end = template.indexOf('}}', start + 2);
    if (end < 0) {
      throw new Error(`Invalid template "${template}": unclosed action`);
    }
    let inner = template.slice(start + 2, end);
    let text = template.slice(at, start);
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    let trimNext = false;
    if (/\s-$/.test(inner)) {
      trimNext = true;
      inner = inner.slice(0, -1);
    }
    const path = /^\s*\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*$/.exec(inner);
    if (!path) {
      throw new Error(
        `Unsupported Go template expression "{{${inner}}}" in "${template}"`,
      );
    }
    const field = (object: unknown, key: string): unknown =>
      typeof object === 'object' &&
      object !== null &&
      Object.prototype.hasOwnProperty.call(object, key)
        ? (object as ParamMap)[key]
        : undefined;
    let value = field(params, path[1]);
    if (path[2] !== undefined) {
      value = field(value, path[2]);
    }
    if (value === undefined) {
      if (missingKeyError) {
        throw new Error(
          `Template "${template}": map has no entry for key "${
            path[2] ?? path[1]
          }"`,
        );
      }
      value = '<no value>';
    }
    out += text + printGoValue(value);
    at = end + 2;
    if (trimNext) {
      while (at < template.length && /\s/.test(template[at])) {
        at++;
      }
    }
  }
}

/** The template parameters Argo CD's pull-request generator produces for one pull request. */
export function pullRequestGeneratorParams(
  pr: PullRequestGeneratorInput,
  options: PullRequestGeneratorOptions = {},
): PullRequestGeneratorParams {
  const params: PullRequestGeneratorParams = {
    number: String(pr.number),
    title: pr.title ?? '',
    branch: pr.branch,
    branch_slug: slugifyBranch(pr.branch),
    target_branch: pr.targetBranch,
    target_branch_slug: slugifyBranch(pr.targetBranch),
    head_sha: pr.headSha,
    head_short_sha: pr.headSha.slice(0, 8),
    head_short_sha_7: pr.headSha.slice(0, 7),
    author: pr.author ?? '',
  };
  // Argo CD gives labels to Go-template ApplicationSets only (fasttemplate is deprecated).
  if (options.goTemplate) {
    params.labels = [...(pr.labels ?? [])];
  }
  // Values are rendered against the parameters above only, so one value cannot use another.
  const base: ParamMap = { ...params };
  const rendered: Record<string, string> = {};
  for (const key of Object.keys(options.values ?? {}).sort()) {
    const template = options.values![key];
    rendered[key] = options.goTemplate
      ? renderGoTemplate(template, base, options.goTemplateOptions ?? [])
      : renderFasttemplate(template, base);
  }
  if (Object.keys(rendered).length > 0) {
    if (options.goTemplate) {
      params.values = rendered;
    } else {
      for (const [key, value] of Object.entries(rendered)) {
        params[`values.${key}`] = value;
      }
    }
  }
  return params;
}
