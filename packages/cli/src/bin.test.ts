import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARGO_CD_ROLLOUTS,
  inspectJson,
  PACKAGE_DIR,
  REPO_ROOT,
} from './testUtils';

const BIN = path.join(PACKAGE_DIR, 'bin/environment-ladder');

/** Runs bin/environment-ladder as yarn runs the package script: in the package folder, with INIT_CWD. */
function runBin(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
  }
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: PACKAGE_DIR, env: childEnv, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const exit = (error as { code?: unknown }).code;
          code = typeof exit === 'number' ? exit : -1;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const fromRoot = { INIT_CWD: REPO_ROOT, npm_lifecycle_event: undefined };

describe('bin/environment-ladder', () => {
  jest.setTimeout(60_000);

  it('runs inspect as a real process, paths relative to INIT_CWD', async () => {
    const result = await runBin(
      ['inspect', 'examples/clusters/prod'],
      fromRoot,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toEqual(await inspectJson(['examples/clusters/prod']));
    expect(
      output.rollouts.find((r: any) => r.name === 'payments'),
    ).toMatchObject({
      step: '3/8',
      setWeight: 20,
    });
  });

  it('prints the ladder with --config and --entity', async () => {
    const args = [
      'inspect',
      '--config',
      'app-config.yaml',
      '--entity',
      'component:default/payments',
      '--now',
      '2025-06-02T12:00:00Z',
      'examples/clusters/prod',
    ];
    const result = await runBin(args, fromRoot);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(await inspectJson(args.slice(1)));
  });

  it('finds paths from the repository root when yarn workspace replaced INIT_CWD', async () => {
    const result = await runBin(
      [
        'inspect',
        path.relative(REPO_ROOT, path.join(ARGO_CD_ROLLOUTS, 'canary')),
      ],
      {
        INIT_CWD: PACKAGE_DIR,
        PROJECT_CWD: REPO_ROOT,
        npm_lifecycle_event: 'environment-ladder',
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rollouts.length).toBeGreaterThan(0);
  });

  it('exits 1 with the file named for a file that is not a Kubernetes object', async () => {
    const dir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'environment-ladder-bin-'),
    );
    try {
      fs.writeFileSync(path.join(dir, 'values.yaml'), 'replicaCount: 3\n');
      const result = await runBin(['inspect', 'values.yaml'], {
        INIT_CWD: dir,
      });
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'environment-ladder inspect: values.yaml: not a Kubernetes object: no apiVersion and no kind\n',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for a bad command line', async () => {
    const result = await runBin(
      ['inspect', '--config', 'app-config.yaml', 'examples/clusters/prod'],
      fromRoot,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--config needs --entity/);
  });
});
