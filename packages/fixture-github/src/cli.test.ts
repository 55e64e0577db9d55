import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs, PORT_ENV, REPOSITORIES_ENV, TOKEN_ENV } from './cli';

const BIN = path.resolve(__dirname, '../bin/fixture-github');

describe('parseArgs', () => {
  it('defaults to the examples of this repository, port 7110 and the demo token', () => {
    expect(parseArgs([], {})).toEqual({
      repositories: path.resolve(__dirname, '../../../examples/gitops'),
      port: 7110,
      token: 'fixture-github-token',
      help: false,
    });
  });

  it('reads flags in both spellings, and the environment', () => {
    expect(
      parseArgs(['--repositories', 'r', '--port=7111', '--token', 't'], {}),
    ).toEqual({ repositories: 'r', port: 7111, token: 't', help: false });
    const env = {
      [PORT_ENV]: '7300',
      [REPOSITORIES_ENV]: 'e',
      [TOKEN_ENV]: 'x',
    };
    expect(parseArgs([], env)).toMatchObject({
      repositories: 'e',
      port: 7300,
      token: 'x',
    });
    expect(parseArgs(['--port', '0'], env).port).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(() => parseArgs(['--port', 'x'], {})).toThrow(
      "--port must be a port from 0 to 65535, got 'x'",
    );
    expect(() => parseArgs([], { [PORT_ENV]: '70000' })).toThrow(PORT_ENV);
    expect(() => parseArgs(['--port'], {})).toThrow('--port needs a value');
    expect(() => parseArgs(['--nope'], {})).toThrow('Unknown argument --nope');
  });
});

describe('bin/fixture-github', () => {
  it('serves the example repositories until stopped', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(
          () => reject(new Error(`no start-up line in time: ${text}`)),
          30_000,
        );
        child.stdout.on('data', chunk => {
          text += chunk;
          if (text.includes('Ctrl-C stops.')) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.stderr.on('data', chunk => {
          text += chunk;
        });
        child.on('exit', code => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code}: ${text}`));
        });
      });
      expect(output).toContain('demo and test infrastructure');
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/acme\/gitops/.exec(output)![1];
      const response = await fetch(`${url}/api/v3/repos/acme/gitops`, {
        headers: { authorization: 'token fixture-github-token' },
      });
      expect((await response.json()).default_branch).toBe('main');
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);

  it('fails with a message for a folder without repositories', async () => {
    const child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--repositories', path.resolve(__dirname)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    const code = await new Promise(resolve => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^fixture-github: /);
  }, 40_000);
});
