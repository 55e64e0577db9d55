import path from 'node:path';

export interface Options {
  /** CI's mode: seconds of load per scenario, fewer services, no build, no targets enforced. */
  quick: boolean;
  skipBuild: boolean;
  skipGithub: boolean;
  port: number;
  clusterPorts: number[];
  latencyMs: number;
  slowLatencyMs: number;
  /** Generated services (catalog components with workloads in every cluster). */
  services: number;
  connections: number[];
  durationMs: number;
  idleMs: number;
  /** Open tabs (signal subscriptions) while idle requests are counted. */
  tabs: number;
  liveSamples: number;
  kubernetesSamples: number;
  readyTimeoutMs: number;
  logLevel?: string;
  outDir: string;
}

export const USAGE = `Usage: yarn bench [options]

  --quick                 CI's mode: ~2 s of load per scenario, 100 services, 10 s idle,
                          no app build, no GitHub test; results in bench/results/quick
  --skip-build            reuse packages/app/dist (no app build)
  --skip-github           do not run the GitOps repository test
  --port <n>              backend port (default 7407; a free one if taken)
  --cluster-ports <list>  ports of dev,previews,staging,prod (default 7501,7502,7503,7504)
  --latency <ms>          latency of every cluster but prod (default 50)
  --slow-latency <ms>     latency of prod, the slowest cluster (default 200)
  --services <n>          generated services (default 1000; quick 100)
  --connections <list>    load generator connections, one run each (default 1,10)
  --duration <s>          seconds per load run (default 5; quick 2)
  --idle <s>              seconds of counting cluster requests while idle (default 60; quick 10)
  --tabs <n>              open tabs (signal subscriptions) while idle (default 100)
  --live-samples <n>      cluster changes timed until a tab sees them (default 5; quick 3)
  --k8s-samples <n>       Kubernetes plugin entity reads (default 5; quick 2)
  --ready-timeout <s>     how long the backend may take to start (default 240)
  --log-level <level>     backend LOG_LEVEL (default: the demo's, info)
  --out <dir>             results folder (default bench/results; quick bench/results/quick)
`;

function parseList(value: string, flag: string): number[] {
  const list = value.split(',').map(item => Number(item.trim()));
  if (list.length === 0 || list.some(n => !Number.isInteger(n) || n < 0)) {
    throw new Error(
      `${flag} takes a comma-separated list of whole numbers, got '${value}'`,
    );
  }
  return list;
}

function parseNumber(value: string | undefined, flag: string, min = 0): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < min) {
    throw new Error(`${flag} takes a number ≥ ${min}, got '${value}'`);
  }
  return n;
}

export function parseOptions(argv: string[], root: string): Options | 'help' {
  const quick = argv.includes('--quick');
  const options: Options = {
    quick,
    skipBuild: quick,
    skipGithub: quick,
    port: 7407,
    clusterPorts: [7501, 7502, 7503, 7504],
    latencyMs: 50,
    slowLatencyMs: 200,
    services: quick ? 100 : 1000,
    connections: [1, 10],
    durationMs: quick ? 2000 : 5000,
    idleMs: quick ? 10_000 : 60_000,
    tabs: 100,
    liveSamples: quick ? 3 : 5,
    kubernetesSamples: quick ? 2 : 5,
    readyTimeoutMs: 240_000,
    outDir: path.join(root, quick ? 'bench/results/quick' : 'bench/results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        break;
      case '--skip-build':
        options.skipBuild = true;
        break;
      case '--skip-github':
        options.skipGithub = true;
        break;
      case '--port':
        options.port = parseNumber(value(), flag, 1);
        break;
      case '--cluster-ports':
        options.clusterPorts = parseList(value() ?? '', flag);
        if (options.clusterPorts.length !== 4) {
          throw new Error(
            `${flag} takes four ports: dev,previews,staging,prod`,
          );
        }
        break;
      case '--latency':
        options.latencyMs = parseNumber(value(), flag);
        break;
      case '--slow-latency':
        options.slowLatencyMs = parseNumber(value(), flag);
        break;
      case '--services':
        options.services = parseNumber(value(), flag, 1);
        break;
      case '--connections':
        options.connections = parseList(value() ?? '', flag).filter(n => n > 0);
        break;
      case '--duration':
        options.durationMs = parseNumber(value(), flag, 0.1) * 1000;
        break;
      case '--idle':
        options.idleMs = parseNumber(value(), flag, 1) * 1000;
        break;
      case '--tabs':
        options.tabs = parseNumber(value(), flag, 0);
        break;
      case '--live-samples':
        options.liveSamples = parseNumber(value(), flag, 1);
        break;
      case '--k8s-samples':
        options.kubernetesSamples = parseNumber(value(), flag, 1);
        break;
      case '--ready-timeout':
        options.readyTimeoutMs = parseNumber(value(), flag, 1) * 1000;
        break;
      case '--log-level':
        options.logLevel = value();
        break;
      case '--out':
        options.outDir = path.resolve(value() ?? '');
        break;
      default:
        throw new Error(`Unknown option '${flag}'\n\n${USAGE}`);
    }
  }
  return options;
}
