import { parsePreviewNameTemplate } from './parsePreviewNameTemplate';
import { slugifyBranch } from './slugifyBranch';
import { validatePreviewNameTemplate } from './validatePreviewNameTemplate';
import { PullRequestGeneratorParams } from './types';

// What each parameter can look like inside a name. Free-text parameters are greedy, so with
// `{{branch_slug}}-{{number}}` the number is the last run of digits and the branch is the rest.
const PATTERNS: Record<string, string> = {
  number: '0|[1-9][0-9]*',
  // At most 50 characters of [a-z0-9], single dashes between them (never first or last).
  branch_slug: '(?:[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,49})?',
  target_branch_slug: '(?:[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,49})?',
  head_sha: '[0-9a-f]+',
  head_short_sha: '[0-9a-f]{1,8}',
  head_short_sha_7: '[0-9a-f]{1,7}',
  branch: '.+',
  target_branch: '.+',
  author: '.+',
  title: '.*',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isConsistent(params: Record<string, string>): boolean {
  const sha = params.head_sha;
  if (sha !== undefined) {
    if (
      (params.head_short_sha !== undefined &&
        params.head_short_sha !== sha.slice(0, 8)) ||
      (params.head_short_sha_7 !== undefined &&
        params.head_short_sha_7 !== sha.slice(0, 7))
    ) {
      return false;
    }
  }
  if (
    params.head_short_sha !== undefined &&
    params.head_short_sha_7 !== undefined &&
    params.head_short_sha_7 !== params.head_short_sha.slice(0, 7)
  ) {
    return false;
  }
  for (const [raw, slug] of [
    ['branch', 'branch_slug'],
    ['target_branch', 'target_branch_slug'],
  ]) {
    if (
      params[raw] !== undefined &&
      params[slug] !== undefined &&
      slugifyBranch(params[raw]) !== params[slug]
    ) {
      return false;
    }
  }
  return true;
}

/**
 * The generator parameters a name was rendered from with a template (the inverse of
 * `renderPreviewName`), or null when the name does not fit the template. Throws on an invalid template.
 */
export function matchPreviewName(
  template: string,
  name: string,
): Partial<PullRequestGeneratorParams> | null {
  validatePreviewNameTemplate(template);
  const parts = parsePreviewNameTemplate(template);
  const groups: string[] = [];
  const source = parts
    .map(part => {
      if (part.kind === 'text') {
        return escapeRegExp(part.text);
      }
      const seen = groups.indexOf(part.name);
      if (seen >= 0) {
        return `(?:\\${seen + 1})`;
      }
      groups.push(part.name);
      return `(${PATTERNS[part.name] ?? '.*'})`;
    })
    .join('');
  const match = new RegExp(`^${source}$`, 'u').exec(name);
  if (!match) {
    return null;
  }
  const params: Record<string, string> = {};
  groups.forEach((param, i) => {
    params[param] = match[i + 1];
  });
  return isConsistent(params)
    ? (params as Partial<PullRequestGeneratorParams>)
    : null;
}
