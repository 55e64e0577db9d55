import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors';

/** Where the command runs and what it was started with. */
export interface PathContext {
  /** The process's working directory. */
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * The folders a relative path on the command line is resolved against, in
 * order. Yarn runs a package script in the package's folder and passes the
 * folder it was started from as `INIT_CWD`: that one. But
 * `yarn workspace <package> <script>`, which the root `environment-ladder`
 * script runs, sets `INIT_CWD` to the package's folder itself, and the
 * user's folder is lost. Then (`INIT_CWD` is the process's folder and the
 * script is `environment-ladder`) paths are looked up from the repository
 * root (`PROJECT_CWD`), the documented place to run from, and then from the
 * package's folder, for someone who ran `yarn environment-ladder` there.
 */
export function baseDirs(context: PathContext): string[] {
  const { cwd, env } = context;
  const init = env.INIT_CWD ? path.resolve(cwd, env.INIT_CWD) : undefined;
  if (
    init !== undefined &&
    init === path.resolve(cwd) &&
    env.npm_lifecycle_event === 'environment-ladder' &&
    env.PROJECT_CWD
  ) {
    const root = path.resolve(cwd, env.PROJECT_CWD);
    return root === init ? [init] : [root, init];
  }
  return [init ?? cwd];
}

/**
 * Resolves a path given on the command line to an existing file or folder,
 * or throws a usage error naming it (after `what`, e.g. `--config `) and
 * where it was looked for.
 */
export function resolveExisting(
  given: string,
  what: string,
  context: PathContext,
): string {
  const candidates = path.isAbsolute(given)
    ? [given]
    : baseDirs(context).map(dir => path.resolve(dir, given));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  const where = path.isAbsolute(given)
    ? ''
    : ` (looked in ${baseDirs(context).join(' and ')})`;
  throw new UsageError(`${what}${given}: no such file or folder${where}`);
}
