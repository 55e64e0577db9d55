import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONFIG_ENV,
  GITOPS_SPEED_ENV,
  parseArgs,
  PORT_OFFSET_ENV,
} from './cli';
import { readFixtureClustersConfig } from './config';

const BIN = path.resolve(__dirname, '../bin/fixture-cluster');

function tempDir(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-cluster-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('parseArgs', () => {
  it('reads --config and --port-offset, in both spellings', () => {
    expect(
      parseArgs(['--config', 'a.yaml', '--port-offset', '100'], {}),
    ).toEqual({
      config: 'a.yaml',
      portOffset: 100,
      help: false,
    });
    expect(
      parseArgs(['--config=b.yaml', '--port-offset=-5'], {}),
    ).toMatchObject({
      config: 'b.yaml',
      portOffset: -5,
    });
  });

  it('falls back to the environment, and the flag wins over it', () => {
    const env = { [PORT_OFFSET_ENV]: '1000', [CONFIG_ENV]: 'env.yaml' };
    expect(parseArgs([], env)).toMatchObject({
      config: 'env.yaml',
      portOffset: 1000,
    });
    expect(parseArgs(['--port-offset', '3'], env)).toMatchObject({
      portOffset: 3,
    });
  });

  it('reads --gitops-speed (or its variable) and --no-gitops', () => {
    expect(parseArgs(['--gitops-speed', '10', '--no-gitops'], {})).toEqual({
      config: expect.any(String),
      portOffset: 0,
      help: false,
      gitopsSpeed: 10,
      noGitops: true,
    });
    expect(parseArgs([], { [GITOPS_SPEED_ENV]: '2.5' }).gitopsSpeed).toBe(2.5);
    expect(
      parseArgs(['--gitops-speed=4'], { [GITOPS_SPEED_ENV]: '2' }).gitopsSpeed,
    ).toBe(4);
    expect(() => parseArgs(['--gitops-speed', '0'], {})).toThrow(
      "--gitops-speed must be a number > 0, got '0'",
    );
    expect(() => parseArgs([], { [GITOPS_SPEED_ENV]: 'fast' })).toThrow(
      `${GITOPS_SPEED_ENV} must be a number > 0, got 'fast'`,
    );
  });

  it('defaults to the examples config of this repository', () => {
    expect(parseArgs([], {}).config).toBe(
      path.resolve(__dirname, '../../../examples/clusters/clusters.yaml'),
    );
  });

  it('rejects bad arguments', () => {
    expect(() => parseArgs(['--port-offset', 'x'], {})).toThrow(
      "--port-offset must be an integer, got 'x'",
    );
    expect(() => parseArgs([], { [PORT_OFFSET_ENV]: '1.5' })).toThrow(
      `${PORT_OFFSET_ENV} must be an integer`,
    );
    expect(() => parseArgs(['--config'], {})).toThrow('--config needs a value');
    expect(() => parseArgs(['--nope'], {})).toThrow('Unknown argument --nope');
  });
});

describe('readFixtureClustersConfig', () => {
  it('resolves dirs against the config file and reads faults as strings', () => {
    const dir = tempDir({
      'conf/clusters.yaml':
        'clusters:\n  - name: dev\n    port: 7101\n    dir: dev\n    fault: 500\n    latencyMs: 25\n',
    });
    try {
      expect(
        readFixtureClustersConfig(path.join(dir, 'conf/clusters.yaml')),
      ).toEqual({
        baseDir: path.join(dir, 'conf'),
        clusters: [
          { name: 'dev', port: 7101, dir: 'dev', fault: '500', latencyMs: 25 },
        ],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the gitops section of the examples as it is', () => {
    const config = readFixtureClustersConfig(
      path.resolve(__dirname, '../../../examples/clusters/clusters.yaml'),
    );
    expect(config.gitops).toEqual({
      repository: 'http://127.0.0.1:7110/acme/gitops',
      token: 'fixture-github-token',
      baseBranch: 'main',
      clusters: { dev: 'dev', staging: 'staging', prod: 'prod' },
      failingDigests: [],
    });
  });

  it('names an unknown key of the gitops section, or at the top', () => {
    const dir = tempDir({
      'gitops.yaml':
        'clusters:\n  - name: dev\n    port: 0\n    dir: dev\ngitops:\n  repo: x\n',
      'top.yaml':
        'clusters:\n  - name: dev\n    port: 0\n    dir: dev\nsync: {}\n',
    });
    try {
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'gitops.yaml')),
      ).toThrow('gitops.repo is not a known key');
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'top.yaml')),
      ).toThrow('sync is not a known key (known: clusters, gitops)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the key or file that is wrong', () => {
    const dir = tempDir({
      'empty.yaml': 'clusters: []\n',
      'typo.yaml': 'clusters:\n  - name: dev\n    prot: 1\n',
      'broken.yaml': 'clusters: [\n',
    });
    try {
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'empty.yaml')),
      ).toThrow('clusters must be a non-empty list');
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'typo.yaml')),
      ).toThrow('clusters[0].prot is not a known key');
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'broken.yaml')),
      ).toThrow(
        `Invalid YAML in fixture clusters config ${path.join(
          dir,
          'broken.yaml',
        )}`,
      );
      expect(() =>
        readFixtureClustersConfig(path.join(dir, 'missing.yaml')),
      ).toThrow('Cannot read fixture clusters config');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bin/fixture-cluster', () => {
  function run(args: string[], until: RegExp) {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [PORT_OFFSET_ENV]: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', c => (stdout += c));
    child.stderr.on('data', c => (stderr += c));
    const exited = new Promise<number | null>(resolve =>
      child.on('exit', code => resolve(code)),
    );
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => until.test(stdout + stderr) && resolve();
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.on('exit', () =>
        until.test(stdout + stderr)
          ? resolve()
          : reject(new Error(`exited early: ${stdout}${stderr}`)),
      );
    });
    return { child, ready, exited, output: () => ({ stdout, stderr }) };
  }

  it('runs from source, serves the configured clusters and stops on SIGTERM', async () => {
    const dir = tempDir({
      'clusters.yaml': 'clusters:\n  - name: one\n    port: 0\n    dir: one\n',
      'one/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n  namespace: demo\n',
    });
    const proc = run(
      ['--config', path.join(dir, 'clusters.yaml')],
      /Ctrl-C stops/,
    );
    try {
      await proc.ready;
      const { stdout } = proc.output();
      expect(stdout).toContain('demo and test infrastructure');
      const url = /one\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1];
      const res = await fetch(`${url}/api/v1/namespaces/demo/configmaps/hello`);
      expect(await res.json()).toMatchObject({
        kind: 'ConfigMap',
        metadata: { name: 'hello' },
      });
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says whether it follows the GitOps repository, and --no-gitops turns it off', async () => {
    const dir = tempDir({
      'clusters.yaml':
        'clusters:\n  - name: one\n    port: 0\n    dir: one\ngitops:\n  repository: http://127.0.0.1:9/acme/gitops\n  clusters: { one: staging }\n',
      'one/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n  namespace: demo\n',
    });
    try {
      for (const [args, line] of [
        [
          ['--gitops-speed', '10'],
          'GitOps sync: following main of http://127.0.0.1:9/acme/gitops (one ← staging), speed 10',
        ],
        [['--no-gitops'], 'GitOps sync: off (--no-gitops)'],
      ] as const) {
        const proc = run(
          ['--config', path.join(dir, 'clusters.yaml'), ...args],
          /Ctrl-C stops/,
        );
        try {
          await proc.ready;
          expect(proc.output().stdout).toContain(line);
          proc.child.kill('SIGTERM');
          const code = await proc.exited;
          expect({ code, ...proc.output() }).toMatchObject({ code: 0 });
        } finally {
          proc.child.kill('SIGKILL');
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 naming the bad file when a fixture does not parse', async () => {
    const dir = tempDir({
      'clusters.yaml': 'clusters:\n  - name: one\n    port: 0\n    dir: one\n',
      'one/bad.yaml': 'kind: Pod\nmetadata: {name: x\n',
    });
    const proc = run(
      ['--config', path.join(dir, 'clusters.yaml')],
      /fixture-cluster: /,
    );
    try {
      expect(await proc.exited).toBe(1);
      expect(proc.output().stderr).toContain(path.join(dir, 'one/bad.yaml'));
      expect(proc.output().stderr).toContain('Invalid YAML');
    } finally {
      proc.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
