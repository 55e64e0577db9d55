import path from 'node:path';
import { readFixtureClustersConfig } from './config';
import { startFixtureClusters } from './startFixtureClusters';

/** Environment variable that shifts every configured port, like `--port-offset`. */
export const PORT_OFFSET_ENV = 'FIXTURE_CLUSTER_PORT_OFFSET';
/** Environment variable naming the clusters file, like `--config`. */
export const CONFIG_ENV = 'FIXTURE_CLUSTER_CONFIG';
/** Environment variable dividing the GitOps sync's delays, like `--gitops-speed`. */
export const GITOPS_SPEED_ENV = 'FIXTURE_CLUSTER_GITOPS_SPEED';
/** Environment variable adding failing digests (comma-separated) to `gitops.failingDigests`. */
export const GITOPS_FAILING_DIGESTS_ENV =
  'FIXTURE_CLUSTER_GITOPS_FAILING_DIGESTS';

// This package runs from its sources (bin/fixture-cluster), never from a
// build, so __dirname is src/ and the examples are three levels up.
const DEFAULT_CONFIG = path.resolve(
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../examples/clusters/clusters.yaml',
);

/** How old the newest fixture timestamp looks: a system that changed a few minutes ago. */
const NEWEST_AGE_MINUTES = 5;

const USAGE = `Usage: fixture-cluster [--config <clusters.yaml>] [--port-offset <n>] [--keep-timestamps]
                       [--gitops-speed <n>] [--no-gitops]

Serves read-only Kubernetes API fixtures, one port per cluster, on 127.0.0.1.
Demo and test infrastructure: not for production.

  --config <file>      clusters file (default: $${CONFIG_ENV} or ${
  path.relative(process.cwd(), DEFAULT_CONFIG) || DEFAULT_CONFIG
})
  --port-offset <n>    add n to every configured port (default: $${PORT_OFFSET_ENV} or 0)
  --keep-timestamps    serve the fixtures' timestamps as written (by default they
                       move so that the newest is ${NEWEST_AGE_MINUTES} minutes old)
  --gitops-speed <n>   divide every delay of the GitOps sync by n (default:
                       $${GITOPS_SPEED_ENV} or 1)
  --no-gitops          do not follow the GitOps repository of the file's gitops: section
  --help               show this text
`;

interface CliArgs {
  config: string;
  portOffset: number;
  help: boolean;
  keepTimestamps?: boolean;
  /** Divides the GitOps sync's delays. */
  gitopsSpeed?: number;
  /** `--no-gitops`: the clusters file's gitops: section is ignored. */
  noGitops?: boolean;
}

/** Parses the command line; throws with a message for bad arguments. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  const args: CliArgs = {
    config: env[CONFIG_ENV] || DEFAULT_CONFIG,
    portOffset: 0,
    help: false,
  };
  let offset: string | undefined = env[PORT_OFFSET_ENV];
  let speed: string | undefined = env[GITOPS_SPEED_ENV];
  let speedSource = GITOPS_SPEED_ENV;
  let offsetSource = PORT_OFFSET_ENV;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) {
        return inline;
      }
      const next = argv[++i];
      if (next === undefined) {
        throw new Error(`${flag} needs a value`);
      }
      return next;
    };
    if (flag === '--config' || flag === '-c') {
      args.config = value();
    } else if (flag === '--port-offset') {
      offset = value();
      offsetSource = '--port-offset';
    } else if (flag === '--gitops-speed') {
      speed = value();
      speedSource = '--gitops-speed';
    } else if (flag === '--no-gitops') {
      args.noGitops = true;
    } else if (flag === '--keep-timestamps') {
      args.keepTimestamps = true;
    } else if (flag === '--help' || flag === '-h') {
      args.help = true;
    } else {
      throw new Error(`Unknown argument ${arg}`);
    }
  }
  if (offset !== undefined && offset !== '') {
    if (!/^-?\d+$/.test(offset)) {
      throw new Error(`${offsetSource} must be an integer, got '${offset}'`);
    }
    args.portOffset = Number(offset);
  }
  if (speed !== undefined && speed !== '') {
    const n = Number(speed);
    if (!/^\d+(\.\d+)?$/.test(speed) || !(n > 0)) {
      throw new Error(`${speedSource} must be a number > 0, got '${speed}'`);
    }
    args.gitopsSpeed = n;
  }
  return args;
}

/** Runs the command line; resolves once the clusters listen. */
export async function main(argv: string[], env: NodeJS.ProcessEnv) {
  const args = parseArgs(argv, env);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = readFixtureClustersConfig(args.config);
  const failing = (env[GITOPS_FAILING_DIGESTS_ENV] ?? '')
    .split(',')
    .map(d => d.trim())
    .filter(Boolean);
  const gitops =
    config.gitops && !args.noGitops
      ? {
          ...config.gitops,
          failingDigests: [...(config.gitops.failingDigests ?? []), ...failing],
          ...(args.gitopsSpeed !== undefined
            ? { speed: args.gitopsSpeed }
            : {}),
          log: (line: string) => process.stdout.write(`${line}\n`),
        }
      : undefined;
  let running;
  try {
    running = await startFixtureClusters({
      clusters: config.clusters,
      baseDir: config.baseDir,
      portOffset: args.portOffset,
      ...(gitops ? { gitops } : {}),
      ...(!args.keepTimestamps && {
        newestTimestamp: new Date(Date.now() - NEWEST_AGE_MINUTES * 60_000),
      }),
    });
  } catch (error) {
    throw new Error(`${args.config}: ${(error as Error).message}`);
  }
  // Before the lines that say it is ready: a signal right after them must stop it cleanly.
  const stop = () => {
    running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(
    `fixture-cluster: demo and test infrastructure, serving ${running.clusters.length} read-only clusters from ${args.config}\n`,
  );
  for (const c of running.clusters) {
    const cfg = config.clusters.find(x => x.name === c.name)!;
    const extras = [
      cfg.fault && cfg.fault !== 'none' ? `fault=${cfg.fault}` : undefined,
      cfg.latencyMs ? `latencyMs=${cfg.latencyMs}` : undefined,
    ].filter(Boolean);
    process.stdout.write(
      `  ${c.name.padEnd(10)} ${c.url}  ${c.objects} objects${
        extras.length ? `  (${extras.join(', ')})` : ''
      }\n`,
    );
  }
  if (gitops) {
    process.stdout.write(
      `GitOps sync: following ${gitops.baseBranch ?? 'main'} of ${
        gitops.repository
      } (${Object.entries(gitops.clusters)
        .map(([cluster, environment]) => `${cluster} ← ${environment}`)
        .join(', ')}), speed ${gitops.speed ?? 1}${
        gitops.failingDigests.length
          ? `, ${gitops.failingDigests.length} failing digest(s)`
          : ''
      }\n`,
    );
  } else if (config.gitops) {
    process.stdout.write('GitOps sync: off (--no-gitops)\n');
  }
  process.stdout.write(
    'Admin API on each port: GET/PUT /_fixture/faults, GET/DELETE /_fixture/stats. Ctrl-C stops.\n',
  );
}

/** Entry point of `bin/fixture-cluster`: runs {@link main} and exits 1 on error. */
export function run() {
  main(process.argv.slice(2), process.env).catch(error => {
    process.stderr.write(`fixture-cluster: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
