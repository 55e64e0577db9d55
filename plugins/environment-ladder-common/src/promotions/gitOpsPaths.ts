// What a GitOps file path may be: the only paths a promotion writes. Stricter than git
// or GitHub need, on purpose: a path that passes here means one file, spelled one way.

/** Characters a repository file path may use once rendered. */
const PATH_CHARACTERS = /^[A-Za-z0-9._/-]+$/;
/** Characters a path glob may use: a path's, plus `*` and the placeholders' braces. */
const GLOB_CHARACTERS = /^[A-Za-z0-9._/*{}\s-]+$/;
const MAX_PATH_LENGTH = 1024;

/**
 * Why `path` is not a normalised relative path inside a repository, or null when it is.
 *
 * @remarks
 * Refused: empty or over 1024 characters; anything but ASCII letters, digits, `.`, `_`, `-`
 * and `/` (so no `%`-encoded separators or dots, no backslashes, no spaces or control
 * characters, no Unicode look-alikes of `/` or `.`); a leading `/` (absolute); empty, `.`
 * or `..` segments (traversal, `a//b`, a trailing `/`); and a `.git` segment (git's own
 * files).
 *
 * @public
 */
export function repositoryPathProblem(path: unknown): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'it is empty';
  if (path.length > MAX_PATH_LENGTH) {
    return `it is longer than ${MAX_PATH_LENGTH} characters`;
  }
  if (path.includes('%')) return 'it contains a percent-encoded character';
  if (path.includes('\\')) return 'it contains a backslash';
  if (!PATH_CHARACTERS.test(path)) {
    return 'it contains characters other than ASCII letters, digits, ".", "_", "-" and "/"';
  }
  if (path.startsWith('/')) {
    return 'it is absolute; paths are relative to the repository root';
  }
  const segments = path.split('/');
  for (const [index, segment] of segments.entries()) {
    if (segment === '') return `segment ${index + 1} is empty`;
    if (segment === '..') return 'it contains a .. segment';
    if (segment === '.') return 'it contains a . segment';
    if (segment.toLowerCase() === '.git') return 'it points into .git';
  }
  return null;
}

/**
 * The placeholders (`{{name}}`, `{{ environment }}`) a template or glob uses, trimmed.
 *
 * @public
 */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map(m => m[1]);
}

/**
 * Why `glob` cannot be a GitOps path glob, or null. A glob is a relative path whose
 * segments may hold `*` (any characters in one segment, but never a leading `.`) or be
 * `**` (any number of segments), and the placeholders of a path template.
 *
 * @public
 */
export function pathGlobProblem(glob: unknown): string | null {
  if (typeof glob !== 'string' || glob.trim() === '') return 'it is empty';
  if (!GLOB_CHARACTERS.test(glob)) {
    return 'it may use only ASCII letters, digits, ".", "_", "-", "/", "*" and {{placeholders}}';
  }
  if (glob.startsWith('/')) return 'it is absolute';
  for (const segment of glob.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      return 'it has an empty, . or .. segment';
    }
    if (segment.includes('**') && segment !== '**') {
      return '** must be a whole segment';
    }
  }
  return null;
}

/**
 * Whether `path` matches `glob` (both already rendered). `*` matches within one segment
 * and never a segment starting with `.` unless the glob's segment does; `**` matches any
 * number of whole segments, also none.
 *
 * @public
 */
export function matchesPathGlob(glob: string, path: string): boolean {
  const globSegments = glob.split('/');
  const pathSegments = path.split('/');
  const segmentPattern = (segment: string) =>
    new RegExp(
      `^${segment
        .split('*')
        .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join(segment.startsWith('.') ? '[^/]*' : '(?!\\.)[^/]*')}$`,
    );
  const match = (g: number, p: number): boolean => {
    if (g === globSegments.length) return p === pathSegments.length;
    if (globSegments[g] === '**') {
      // `**` crosses no hidden folder (`.github`, `.git`): those must be named.
      for (let skip = p; skip <= pathSegments.length; skip++) {
        if (match(g + 1, skip)) return true;
        if (skip < pathSegments.length && pathSegments[skip].startsWith('.')) {
          return false;
        }
      }
      return false;
    }
    if (p === pathSegments.length) return false;
    const segment = globSegments[g];
    const fits = segment.includes('*')
      ? segmentPattern(segment).test(pathSegments[p])
      : segment === pathSegments[p];
    return fits && match(g + 1, p + 1);
  };
  return match(0, 0);
}
