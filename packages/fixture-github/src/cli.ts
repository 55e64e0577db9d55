import path from 'node:path';
import {
  DEFAULT_PORT,
  DEFAULT_TOKEN,
  startFixtureGitHub,
} from './startFixtureGitHub';

/** Environment variable naming the repositories folder, like `--repositories`. */
export const REPOSITORIES_ENV = 'FIXTURE_GITHUB_REPOSITORIES';
/** Environment variable with the port, like `--port`. */
export const PORT_ENV = 'FIXTURE_GITHUB_PORT';
/** Environment variable with the accepted token, like `--token`. */
export const TOKEN_ENV = 'FIXTURE_GITHUB_TOKEN';

// This package runs from its sources (bin/fixture-github), never from a build, so
// __dirname is src/ and the examples are three levels up.
const DEFAULT_REPOSITORIES = path.resolve(
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../examples/gitops',
);

const USAGE = `Usage: fixture-github [--repositories <dir>] [--port <n>] [--token <token>]

Serves the GitHub REST endpoints a GitOps promotion uses, from in-memory
repositories seeded from <dir>/<owner>/<repo>/, on 127.0.0.1.
Demo and test infrastructure: not GitHub, not for production.

  --repositories <dir>  folder of <owner>/<repo>/ folders (default: $${REPOSITORIES_ENV} or ${
  path.relative(process.cwd(), DEFAULT_REPOSITORIES) || DEFAULT_REPOSITORIES
})
  --port <n>            port on 127.0.0.1, 0 for a free one (default: $${PORT_ENV} or ${DEFAULT_PORT})
  --token <token>       the token the API accepts (default: $${TOKEN_ENV} or ${DEFAULT_TOKEN})
  --help                show this text
`;

interface CliArgs {
  repositories: string;
  port: number;
  token: string;
  help: boolean;
}

/** Parses the command line; throws with a message for bad arguments. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  let repositories = env[REPOSITORIES_ENV] || DEFAULT_REPOSITORIES;
  let port: string = env[PORT_ENV] || String(DEFAULT_PORT);
  let portSource = env[PORT_ENV] ? PORT_ENV : 'the default';
  let token = env[TOKEN_ENV] || DEFAULT_TOKEN;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--repositories' || flag === '-r') {
      repositories = value();
    } else if (flag === '--port' || flag === '-p') {
      port = value();
      portSource = '--port';
    } else if (flag === '--token') {
      token = value();
    } else if (flag === '--help' || flag === '-h') {
      help = true;
    } else {
      throw new Error(`Unknown argument ${arg}`);
    }
  }
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    throw new Error(
      `${portSource} must be a port from 0 to 65535, got '${port}'`,
    );
  }
  if (!token || /\s/.test(token)) {
    throw new Error('--token must be a non-empty string without spaces');
  }
  return { repositories, port: Number(port), token, help };
}

/** Runs the command line; resolves once the server listens. */
export async function main(argv: string[], env: NodeJS.ProcessEnv) {
  const args = parseArgs(argv, env);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const github = await startFixtureGitHub({
    repositoriesDir: args.repositories,
    port: args.port,
    token: args.token,
  });
  const repositories = github.state().repositories;
  process.stdout.write(
    `fixture-github: demo and test infrastructure, serving ${repositories.length} repositories from ${args.repositories}\n`,
  );
  for (const repo of repositories) {
    process.stdout.write(`  ${repo.htmlUrl}  (${repo.defaultBranch})\n`);
  }
  process.stdout.write(
    [
      `API: ${github.apiBaseUrl} (Authorization: token ${
        args.token === DEFAULT_TOKEN ? DEFAULT_TOKEN : '<--token>'
      })`,
      `integrations.github: [{ host: '${github.host}', apiBaseUrl: '${github.apiBaseUrl}', token: ... }]`,
      `Admin API: ${github.url}/_fixture/state, /_fixture/requests, POST /_fixture/reset, POST /_fixture/pulls/<owner>/<repo>/<n>/{merge,close,approve}. Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    github.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Entry point of `bin/fixture-github`: runs {@link main} and exits 1 on error. */
export function run() {
  main(process.argv.slice(2), process.env).catch(error => {
    process.stderr.write(`fixture-github: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
