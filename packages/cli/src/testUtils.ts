import path from 'node:path';
import { main } from './cli';

// Test helpers run from the sources only, where __dirname is src.
/** The CLI package's folder, where yarn runs its scripts. */
// eslint-disable-next-line no-restricted-syntax
export const PACKAGE_DIR = path.resolve(__dirname, '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
export const EXAMPLES = path.join(REPO_ROOT, 'examples/clusters');
export const ARGO_CD_ROLLOUTS = path.join(
  REPO_ROOT,
  'plugins/environment-ladder-common/src/__fixtures__/argo-cd/resource_customizations/argoproj.io/Rollout/testdata',
);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command in-process, by default as if started from the repository root. */
export async function runInspect(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['inspect', ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** Runs the command and parses its JSON, failing with stderr when it did not succeed. */
export async function inspectJson(
  args: string[],
  options?: Parameters<typeof runInspect>[1],
): Promise<any> {
  const result = await runInspect(args, options);
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}
