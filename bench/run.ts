/*
 * The Environment Ladder benchmark (issue #7): `yarn bench`.
 *
 * Starts four fixture clusters with injected latency and the demo backend
 * against them (its own ports, beside a running demo), then measures, side by
 * side in one run, the ladder and the Kubernetes plugin's own tab query:
 *   1. cold ladder vs. the slowest cluster's round trip and vs. the plugin's
 *      workloads query;
 *   2. warm ladder: p50/p99 and requests per second under load on loopback;
 *   3. requests reaching the clusters for 1, 10 and 100 viewers of a service;
 *   4. GitHub calls per promotion (from the GitOps repository test);
 *   5. the Environments tab's lazy chunk, gzip bytes.
 * It writes bench/results/latest.json and latest.md and prints the table.
 * A benchmark, not a test: it asserts nothing about time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import YAML from 'yaml';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import { load, median, percentile, request, type LoadResult } from './http';

const ROOT = path.resolve(__dirname, '..');
const BACKEND_DIR = path.join(ROOT, 'packages/backend');
const APP_DIST = path.join(ROOT, 'packages/app/dist');
const SERVICE = 'checkout';
const ENTITY = `component/default/${SERVICE}`;
/** A string only the Environments tab's component code holds (EnvironmentsContent.tsx). */
const TAB_MARKER = 'broken ladder rule';

// ---------------------------------------------------------------- options

interface Options {
  skipBuild: boolean;
  skipGithub: boolean;
  port: number;
  clusterPorts: number[];
  latencyMs: number;
  slowLatencyMs: number;
  freshnessSeconds: number;
  windowWaitMs: number;
  coldSamples: number;
  kubernetesSamples: number;
  viewers: number[];
  connections: number[];
  durationMs: number;
  logLevel?: string;
  outDir: string;
}

const USAGE = `Usage: yarn bench [options]

  --skip-build            reuse packages/app/dist (no app build)
  --skip-github           do not run the GitOps repository test
  --port <n>              backend port (default 7407; a free one if taken)
  --cluster-ports <list>  ports of dev,previews,staging,prod (default 7501,7502,7503,7504)
  --latency <ms>          latency of every cluster but prod (default 50)
  --slow-latency <ms>     latency of prod, the slowest cluster (default 200)
  --freshness <s>         environmentLadder.cache.freshness for the run (default 10)
  --window-wait <ms>      wait that outlasts the cache window (default freshness + 1000)
  --cold-samples <n>      cold ladder samples, each after a window wait (default 3)
  --k8s-samples <n>       Kubernetes workloads query samples (default 5)
  --viewers <list>        simultaneous viewers (default 1,10,100)
  --connections <list>    load generator connections, one run each (default 1,10)
  --duration <s>          seconds per load run (default 5)
  --log-level <level>     backend LOG_LEVEL (default: the demo's, info)
  --out <dir>             results folder (default bench/results)
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

export function parseOptions(argv: string[]): Options | 'help' {
  const options: Options = {
    skipBuild: false,
    skipGithub: false,
    port: 7407,
    clusterPorts: [7501, 7502, 7503, 7504],
    latencyMs: 50,
    slowLatencyMs: 200,
    freshnessSeconds: 10,
    windowWaitMs: -1,
    coldSamples: 3,
    kubernetesSamples: 5,
    viewers: [1, 10, 100],
    connections: [1, 10],
    durationMs: 5000,
    outDir: path.join(ROOT, 'bench/results'),
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
      case '--freshness':
        options.freshnessSeconds = parseNumber(value(), flag, 1);
        break;
      case '--window-wait':
        options.windowWaitMs = parseNumber(value(), flag);
        break;
      case '--cold-samples':
        options.coldSamples = parseNumber(value(), flag, 1);
        break;
      case '--k8s-samples':
        options.kubernetesSamples = parseNumber(value(), flag, 1);
        break;
      case '--viewers':
        options.viewers = parseList(value() ?? '', flag).filter(n => n > 0);
        break;
      case '--connections':
        options.connections = parseList(value() ?? '', flag).filter(n => n > 0);
        break;
      case '--duration':
        options.durationMs = parseNumber(value(), flag, 1) * 1000;
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
  if (options.windowWaitMs < 0) {
    options.windowWaitMs = options.freshnessSeconds * 1000 + 1000;
  }
  return options;
}

// ---------------------------------------------------------------- processes

const children = new Set<ChildProcess>();

function log(message: string) {
  // eslint-disable-next-line no-console
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Stops a process group the benchmark started: SIGTERM, then SIGKILL after a grace period. */
async function stopGroup(child: ChildProcess, graceMs = 10_000) {
  if (
    child.pid === undefined ||
    child.exitCode !== null ||
    child.signalCode !== null
  ) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = new Promise<'timeout'>(resolve =>
    setTimeout(() => resolve('timeout'), graceMs).unref(),
  );
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signal('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
  children.delete(child);
}

/** Last resort on exit: synchronous SIGKILL to every group still running. */
function killAllSync() {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Runs a command in its own process group, output to a log file; bounded by a timeout. */
async function runCommand(
  command: string,
  args: string[],
  options: {
    cwd: string;
    logFile: string;
    timeoutMs: number;
    env?: NodeJS.ProcessEnv;
  },
): Promise<{ code: number | null; output: string; ms: number }> {
  const start = performance.now();
  const out = fs.openSync(options.logFile, 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.add(child);
  fs.closeSync(out);
  const timeout = setTimeout(() => {
    log(
      `${command} ${args.join(' ')}: no end after ${
        options.timeoutMs / 1000
      } s, stopping it`,
    );
    void stopGroup(child);
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', c => resolve(c));
  });
  clearTimeout(timeout);
  children.delete(child);
  return {
    code,
    output: fs.readFileSync(options.logFile, 'utf8'),
    ms: performance.now() - start,
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The wanted port when it is free, else one the kernel picks. */
async function pickPort(wanted: number, what: string): Promise<number> {
  if (wanted > 0 && (await portIsFree(wanted))) {
    return wanted;
  }
  const port = await freePort();
  log(`${what}: port ${wanted} is taken, using ${port}`);
  return port;
}

/** Polls until `check` returns a value, at most `timeoutMs`. */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  alive?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = alive?.();
    if (dead) {
      throw new Error(`${what}: ${dead}`);
    }
    const value = await check().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    await sleep(500);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------- measures

interface ChunkResult {
  marker: string;
  files: Array<{
    file: string;
    bytes: number;
    gzipBytes: number;
    inIndexHtml: boolean;
  }>;
  gzipBytes: number;
  /**
   * Every chunk the tab's lazy loader fetches together with the tab's own chunk
   * (webpack's `Promise.all([r.e("A"), r.e("B")])`): what opening the tab can cost
   * at most, when none of them was loaded before.
   */
  loader: Array<{ file: string; bytes: number; gzipBytes: number }>;
  loaderGzipBytes: number;
  built: boolean;
  buildMs?: number;
  error?: string;
}

/** Builds the app (unless told not to) and gzips the chunk(s) holding the tab's code. */
async function measureChunk(options: Options): Promise<ChunkResult> {
  const result: ChunkResult = {
    marker: TAB_MARKER,
    files: [],
    gzipBytes: 0,
    loader: [],
    loaderGzipBytes: 0,
    built: false,
  };
  if (!options.skipBuild) {
    log('building the app (yarn workspace app build) ...');
    const build = await runCommand('yarn', ['workspace', 'app', 'build'], {
      cwd: ROOT,
      logFile: path.join(options.outDir, 'app-build.log'),
      timeoutMs: 15 * 60_000,
    });
    result.buildMs = Math.round(build.ms);
    if (build.code !== 0) {
      result.error = `app build failed (exit ${
        build.code
      }); see ${path.relative(
        ROOT,
        path.join(options.outDir, 'app-build.log'),
      )}`;
      return result;
    }
    result.built = true;
    log(`app built in ${(build.ms / 1000).toFixed(0)} s`);
  }
  const staticDir = path.join(APP_DIST, 'static');
  if (!fs.existsSync(staticDir)) {
    result.error = `no ${path.relative(
      ROOT,
      staticDir,
    )}: run without --skip-build`;
    return result;
  }
  const indexHtml = fs.existsSync(path.join(APP_DIST, 'index.html'))
    ? fs.readFileSync(path.join(APP_DIST, 'index.html'), 'utf8')
    : '';
  const jsFiles = fs
    .readdirSync(staticDir)
    .filter(f => f.endsWith('.js'))
    .sort();
  for (const file of jsFiles) {
    const content = fs.readFileSync(path.join(staticDir, file));
    if (content.includes(TAB_MARKER)) {
      const gzipBytes = zlib.gzipSync(content).length;
      result.files.push({
        file: `packages/app/dist/static/${file}`,
        bytes: content.length,
        gzipBytes,
        // A chunk the page loads up front is not lazy: say so.
        inIndexHtml: indexHtml.includes(file),
      });
      result.gzipBytes += gzipBytes;
    }
  }
  if (result.files.length === 0) {
    result.error = `no chunk in ${path.relative(
      ROOT,
      staticDir,
    )} holds '${TAB_MARKER}'`;
    return result;
  }

  // The chunk ids (`86.0609a283a4fe.chunk.js` is chunk "86") the tab's loader fetches.
  const chunkId = (file: string) => path.basename(file).split('.')[0];
  const tabIds = new Set(result.files.map(f => chunkId(f.file)));
  const loaderIds = new Set(tabIds);
  for (const file of jsFiles) {
    const text = fs.readFileSync(path.join(staticDir, file), 'utf8');
    for (const match of text.matchAll(
      /Promise\.all\(\[((?:\w+\.e\("[^"]+"\),?)+)\]\)/g,
    )) {
      const ids = [...match[1].matchAll(/\.e\("([^"]+)"\)/g)].map(m => m[1]);
      if (ids.some(id => tabIds.has(id))) {
        ids.forEach(id => loaderIds.add(id));
      }
    }
  }
  for (const id of [...loaderIds].sort()) {
    const file = jsFiles.find(f => f.startsWith(`${id}.`));
    if (file) {
      const content = fs.readFileSync(path.join(staticDir, file));
      const gzipBytes = zlib.gzipSync(content).length;
      result.loader.push({
        file: `packages/app/dist/static/${file}`,
        bytes: content.length,
        gzipBytes,
      });
      result.loaderGzipBytes += gzipBytes;
    }
  }
  return result;
}

interface GithubResult {
  callsPerPromotion: number | null;
  line?: string;
  testPassed: boolean;
  error?: string;
}

/** Runs the GitOps repository test and reads its `github calls per promotion: N` line. */
async function measureGithub(options: Options): Promise<GithubResult> {
  log('GitHub calls per promotion: running the GitOps repository test ...');
  const test = await runCommand(
    'yarn',
    ['test', 'src/services/GitOpsRepository'],
    {
      cwd: path.join(ROOT, 'plugins/environment-ladder-backend'),
      logFile: path.join(options.outDir, 'github-test.log'),
      timeoutMs: 5 * 60_000,
      env: { ...process.env, CI: 'true' },
    },
  );
  const match = /github calls per promotion: (\d+)([^\n]*)/.exec(test.output);
  return {
    callsPerPromotion: match ? Number(match[1]) : null,
    line: match ? match[0].trim() : undefined,
    testPassed: test.code === 0,
    ...(match
      ? {}
      : { error: 'the test printed no "github calls per promotion" line' }),
  };
}

/** Rungs whose clusters could not be read: such a ladder is an answer, not a whole one. */
function ladderRungErrors(body: string): string[] {
  try {
    return (JSON.parse(body).rungs ?? [])
      .filter((rung: any) => rung.error)
      .map((rung: any) => `${rung.name}: ${rung.error.message}`);
  } catch {
    return ['the answer is not JSON'];
  }
}

/** Clusters the Kubernetes plugin reports errors for. */
function objectsErrors(body: string): string[] {
  try {
    return (JSON.parse(body).items ?? []).flatMap((item: any) =>
      (item.errors ?? []).map(
        (e: any) => `${item.cluster?.name}: ${JSON.stringify(e).slice(0, 120)}`,
      ),
    );
  } catch {
    return ['the answer is not JSON'];
  }
}

/** The clusters, in the order of --cluster-ports; prod is the slow one. */
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'] as const;

function totalCalls(fixtures: FixtureClusters) {
  const byCluster: Record<string, number> = {};
  let total = 0;
  for (const name of CLUSTERS) {
    byCluster[name] = fixtures.stats(name).total;
    total += byCluster[name];
  }
  return { total, byCluster };
}

/** The generated config: app-config.yaml's values with this run's ports, cluster URLs and cache. */
function benchConfig(options: {
  port: number;
  clusterUrls: Record<string, string>;
  freshnessSeconds: number;
}) {
  const appConfig = YAML.parse(
    fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
  );
  const locators: any[] = appConfig?.kubernetes?.clusterLocatorMethods ?? [];
  const clusterLocatorMethods = locators.map(locator =>
    locator?.type === 'config'
      ? {
          ...locator,
          clusters: (locator.clusters ?? []).map((cluster: any) => {
            const url = options.clusterUrls[cluster.name];
            if (!url) {
              throw new Error(
                `app-config.yaml names a cluster '${
                  cluster.name
                }' the benchmark does not start (it starts ${CLUSTERS.join(
                  ', ',
                )})`,
              );
            }
            return { ...cluster, url };
          }),
        }
      : locator,
  );
  const baseUrl = `http://127.0.0.1:${options.port}`;
  return {
    app: {
      baseUrl,
      // Never rewrite packages/app/dist (app-backend injects config into it otherwise).
      disableConfigInjection: true,
    },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port: options.port },
      cors: { origin: baseUrl },
    },
    // app-config.yaml's integrations stay: its GitOps repository's host
    // (127.0.0.1:7110) must have one, or the backend refuses to start.
    kubernetes: { clusterLocatorMethods },
    environmentLadder: {
      cache: { freshness: { seconds: options.freshnessSeconds } },
    },
  };
}

interface ViewerPhase {
  viewers: number;
  ladder: {
    clusterCalls: number;
    byCluster: Record<string, number>;
    backendRequests: number;
    errors: number;
    /** Answers (200) in which some cluster could not be read (timeouts under load). */
    incomplete: number;
    p50Ms: number;
    maxMs: number;
  };
  kubernetes: {
    clusterCalls: number;
    byCluster: Record<string, number>;
    backendRequests: number;
    errors: number;
    /** Answers (200) in which some cluster could not be read (timeouts under load). */
    incomplete: number;
    p50Ms: number;
    maxMs: number;
  };
}

// ---------------------------------------------------------------- report

const fmtMs = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtRatio = (r: number) =>
  Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×` : 'n/a';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const notWhole = (p: { errors: number; incomplete: number }) =>
  p.errors + p.incomplete > 0 ? `; ${p.errors + p.incomplete} not whole` : '';
const yesNo = (met: boolean | null) =>
  met === null ? 'n/a' : met ? '**yes**' : '**no**';

/**
 * Starts the demo backend as `backstage-cli package start` runs it (same loader,
 * cwd and NODE_ENV) but without its file watcher, so that files edited during
 * the run do not restart the backend under measurement; waits until it is ready,
 * a guest can sign in and the catalog holds the service.
 */
async function startBackend(
  options: Options,
  clusterUrls: Record<string, string>,
) {
  const port = await pickPort(options.port, 'backend');
  const configFile = path.join(options.outDir, 'app-config.bench.yaml');
  fs.writeFileSync(
    configFile,
    `# Generated by bench/run.ts for one run; overrides app-config.yaml.\n${YAML.stringify(
      benchConfig({
        port,
        clusterUrls,
        freshnessSeconds: options.freshnessSeconds,
      }),
    )}`,
  );
  const backendLog = path.join(options.outDir, 'backend.log');
  const out = fs.openSync(backendLog, 'w');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
  };
  delete env.GITHUB_TOKEN;
  const backendStart = performance.now();
  const backend = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [BACKEND_DIR],
      }),
      '--require',
      path.join(__dirname, 'watchdog.cjs'),
      'src/index',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    { cwd: BACKEND_DIR, env, stdio: ['ignore', out, out], detached: true },
  );
  children.add(backend);
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  log(
    `backend starting on ${base} (log: ${path.relative(ROOT, backendLog)}) ...`,
  );
  const backendAlive = () =>
    backend.exitCode !== null || backend.signalCode !== null
      ? `the backend exited (${
          backend.exitCode ?? backend.signalCode
        }); see ${path.relative(ROOT, backendLog)}`
      : undefined;
  await waitFor(
    'backend readiness',
    240_000,
    async () =>
      (
        await request(`${base}/.backstage/health/v1/readiness`, {
          timeoutMs: 5000,
        })
      ).status === 200
        ? true
        : undefined,
    backendAlive,
  );
  const token = await waitFor(
    'guest token',
    30_000,
    async () => {
      const answer = await request(`${base}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      return answer.status === 200
        ? (JSON.parse(answer.body).backstageIdentity.token as string)
        : undefined;
    },
    backendAlive,
  );
  const auth = { Authorization: `Bearer ${token}` };
  const entity = await waitFor(
    `catalog entity ${ENTITY}`,
    180_000,
    async () => {
      const answer = await request(
        `${base}/api/catalog/entities/by-name/${ENTITY}`,
        {
          headers: auth,
        },
      );
      return answer.status === 200 ? JSON.parse(answer.body) : undefined;
    },
    backendAlive,
  );
  const backendReadyMs = performance.now() - backendStart;
  log(
    `backend ready, ${ENTITY} in the catalog (${(backendReadyMs / 1000).toFixed(
      0,
    )} s)`,
  );
  return { base, auth, entity, readyMs: backendReadyMs };
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv);
  if (parsed === 'help') {
    // eslint-disable-next-line no-console
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const wallStart = performance.now();
  fs.mkdirSync(options.outDir, { recursive: true });

  let fixtures: FixtureClusters | undefined;
  let cleaningUp: Promise<void> | undefined;
  const cleanup = () =>
    (cleaningUp ??= (async () => {
      for (const child of [...children]) {
        await stopGroup(child);
      }
      await fixtures?.close().catch(() => undefined);
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping what the benchmark started ...`);
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllSync);

  try {
    // 5. and 4. first, while nothing else runs: they are not timed against anything.
    const chunk = await measureChunk(options);
    const github: GithubResult = options.skipGithub
      ? {
          callsPerPromotion: null,
          testPassed: false,
          error: 'skipped (--skip-github)',
        }
      : await measureGithub(options);
    if (github.line) {
      log(github.line);
    }

    // The clusters, with latency: three fast ones and a slow prod.
    const clusterPorts = await Promise.all(
      options.clusterPorts.map((port, i) =>
        pickPort(port, `cluster ${CLUSTERS[i]}`),
      ),
    );
    fixtures = await startFixtureClusters({
      clusters: CLUSTERS.map((name, i) => ({
        name,
        port: clusterPorts[i],
        dir: `examples/clusters/${name}`,
        latencyMs: name === 'prod' ? options.slowLatencyMs : options.latencyMs,
      })),
      baseDir: ROOT,
    });
    const clusterUrls = Object.fromEntries(
      fixtures.clusters.map(c => [c.name, c.url]),
    );
    log(
      `fixture clusters: ${fixtures.clusters
        .map(c => `${c.name} ${c.url}`)
        .join(', ')}`,
    );

    const {
      base,
      auth,
      entity,
      readyMs: backendReadyMs,
    } = await startBackend(options, clusterUrls);

    const ladderUrl = `${base}/api/environment-ladder/entities/${ENTITY}/ladder`;
    const servicesUrl = `${base}/api/kubernetes/services/${SERVICE}`;
    const clustersUrl = `${base}/api/kubernetes/clusters`;
    // What the Kubernetes tab sends (plugin-kubernetes-react's getObjectsByEntity).
    const servicesBody = JSON.stringify({ entity, auth: {} });
    const servicesHeaders = { ...auth, 'Content-Type': 'application/json' };
    const getLadder = () => request(ladderUrl, { headers: auth, agent: false });
    const getObjects = () =>
      request(servicesUrl, {
        method: 'POST',
        headers: servicesHeaders,
        body: servicesBody,
        agent: false,
      });
    const getClusters = () =>
      request(clustersUrl, { headers: auth, agent: false });
    const settle = () => sleep(Math.max(300, options.slowLatencyMs + 100));
    const notes: string[] = [];

    // Both answers must be whole: a bench over errors measures nothing.
    const first = await getLadder();
    if (first.status !== 200) {
      throw new Error(
        `ladder answered ${first.status}: ${first.body.slice(0, 300)}`,
      );
    }
    const rungErrors = ladderRungErrors(first.body);
    if (rungErrors.length > 0) {
      throw new Error(
        `the ladder's rungs have errors: ${rungErrors.join('; ')}`,
      );
    }
    const firstObjects = await getObjects();
    if (firstObjects.status !== 200) {
      throw new Error(
        `kubernetes services answered ${
          firstObjects.status
        }: ${firstObjects.body.slice(0, 300)}`,
      );
    }
    const k8sErrors = objectsErrors(firstObjects.body);
    if (k8sErrors.length > 0) {
      throw new Error(
        `the Kubernetes plugin reports errors: ${k8sErrors.join('; ')}`,
      );
    }

    // The physical floor: one list request straight to each cluster, no backend.
    log('slowest cluster round trip ...');
    const floorPerCluster: Record<string, number> = {};
    for (const cluster of fixtures.clusters) {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        samples.push(
          (
            await request(
              `${
                cluster.url
              }/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
                `backstage.io/kubernetes-id=${SERVICE}`,
              )}`,
              {
                headers: {
                  Authorization: 'Bearer fixture-token',
                  Accept: 'application/json',
                },
                agent: false,
              },
            )
          ).ms,
        );
      }
      floorPerCluster[cluster.name] = median(samples);
    }
    const slowestCluster = Object.entries(floorPerCluster).sort(
      (a, b) => b[1] - a[1],
    )[0];
    const floorMs = slowestCluster[1];

    // 1. Cold ladder: each sample after the cache window has passed.
    const cold: Array<{
      ms: number;
      clusterCalls: number;
      incomplete: boolean;
    }> = [];
    for (let i = 0; i < options.coldSamples; i++) {
      log(
        `cold ladder ${i + 1}/${options.coldSamples}: waiting ${
          options.windowWaitMs / 1000
        } s for the cache window to pass ...`,
      );
      await sleep(options.windowWaitMs);
      fixtures.resetStats();
      const answer = await getLadder();
      if (answer.status !== 200) {
        throw new Error(`ladder answered ${answer.status}`);
      }
      await settle();
      cold.push({
        ms: answer.ms,
        clusterCalls: totalCalls(fixtures).total,
        incomplete: ladderRungErrors(answer.body).length > 0,
      });
    }
    const coldMs = median(cold.map(c => c.ms));
    if (cold.some(c => c.ms < floorMs * 0.9)) {
      notes.push(
        `A "cold" ladder answered faster than the slowest cluster can (${cold
          .map(c => fmtMs(c.ms))
          .join(', ')} ms vs. ${fmtMs(
          floorMs,
        )} ms): it came from a cache that outlived --window-wait ${
          options.windowWaitMs
        } ms (stale answers?); raise --window-wait.`,
      );
    }

    // The Kubernetes plugin's workloads query caches nothing: every call is cold.
    log(`Kubernetes workloads query x${options.kubernetesSamples} ...`);
    const k8s: Array<{
      ms: number;
      clusterCalls: number;
      incomplete: boolean;
    }> = [];
    for (let i = 0; i < options.kubernetesSamples; i++) {
      fixtures.resetStats();
      const answer = await getObjects();
      if (answer.status !== 200) {
        throw new Error(`kubernetes services answered ${answer.status}`);
      }
      await settle();
      k8s.push({
        ms: answer.ms,
        clusterCalls: totalCalls(fixtures).total,
        incomplete: objectsErrors(answer.body).length > 0,
      });
    }
    const k8sMs = median(k8s.map(c => c.ms));

    // 3. Viewers: V simultaneous openings of the service, cold cache, as the tab does.
    const viewerPhases: ViewerPhase[] = [];
    for (const viewers of options.viewers) {
      log(
        `${viewers} viewer(s): waiting ${
          options.windowWaitMs / 1000
        } s for the cache window to pass ...`,
      );
      await sleep(options.windowWaitMs);
      fixtures.resetStats();
      const ladderAnswers = await Promise.all(
        Array.from({ length: viewers }, () =>
          getLadder().catch(() => ({ status: 0, ms: NaN, body: '' })),
        ),
      );
      await settle();
      const ladderCalls = totalCalls(fixtures);

      fixtures.resetStats();
      // Each Kubernetes tab viewer: GET /clusters, then POST /services/:name.
      const k8sAnswers = await Promise.all(
        Array.from({ length: viewers }, async () => {
          const start = performance.now();
          const clusters = await getClusters().catch(() => ({ status: 0 }));
          const objects = await getObjects().catch(() => ({
            status: 0,
            body: '',
          }));
          return {
            ok: clusters.status === 200 && objects.status === 200,
            incomplete:
              objects.status === 200 && objectsErrors(objects.body).length > 0,
            ms: performance.now() - start,
          };
        }),
      );
      await settle();
      const k8sCalls = totalCalls(fixtures);
      const ladderMs = ladderAnswers
        .map(a => a.ms)
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const k8sViewerMs = k8sAnswers.map(a => a.ms).sort((a, b) => a - b);
      viewerPhases.push({
        viewers,
        ladder: {
          clusterCalls: ladderCalls.total,
          byCluster: ladderCalls.byCluster,
          backendRequests: viewers,
          errors: ladderAnswers.filter(a => a.status !== 200).length,
          incomplete: ladderAnswers.filter(
            a => a.status === 200 && ladderRungErrors(a.body).length > 0,
          ).length,
          p50Ms: percentile(ladderMs, 50),
          maxMs: ladderMs[ladderMs.length - 1] ?? NaN,
        },
        kubernetes: {
          clusterCalls: k8sCalls.total,
          byCluster: k8sCalls.byCluster,
          backendRequests: 2 * viewers,
          errors: k8sAnswers.filter(a => !a.ok).length,
          incomplete: k8sAnswers.filter(a => a.incomplete).length,
          p50Ms: percentile(k8sViewerMs, 50),
          maxMs: k8sViewerMs[k8sViewerMs.length - 1] ?? NaN,
        },
      });
      log(
        `${viewers} viewer(s): ladder ${ladderCalls.total} cluster requests, Kubernetes tab ${k8sCalls.total}`,
      );
    }

    // 2. Warm ladder under load: primed, then N connections for the duration.
    const warm: Array<LoadResult & { clusterCalls: number }> = [];
    for (const connections of options.connections) {
      const prime = await getLadder();
      if (prime.status !== 200) {
        throw new Error(`ladder answered ${prime.status}`);
      }
      fixtures.resetStats();
      log(
        `warm ladder: ${connections} connection(s) for ${
          options.durationMs / 1000
        } s ...`,
      );
      const result = await load({
        url: ladderUrl,
        headers: auth,
        connections,
        durationMs: options.durationMs,
        // A rung that could not be read: `"error":{"cluster":...}` (else `"error":null`).
        incomplete: body => body.includes('"error":{'),
      });
      await settle();
      warm.push({ ...result, clusterCalls: totalCalls(fixtures).total });
    }
    if (
      options.freshnessSeconds * 1000 <
      options.durationMs * options.connections.length
    ) {
      notes.push(
        `The load runs (${options.connections.length} × ${
          options.durationMs / 1000
        } s) outlast the cache freshness (${
          options.freshnessSeconds
        } s): their cluster requests include the refreshes a steady load causes.`,
      );
    }

    // ------------------------------------------------------------ results
    const one = viewerPhases.find(v => v.viewers === 1);
    const ten = viewerPhases.find(v => v.viewers === 10);
    const latencyRun = warm.find(w => w.connections === 1) ?? warm[0];
    const throughputRun = [...warm].sort((a, b) => b.rps - a.rps)[0];
    const coldLimitMs = 1.1 * floorMs + 15;
    const targets = [
      {
        name: 'cold ladder ≤ 1.1 × slowest round trip + 15 ms',
        target: `≤ ${fmtMs(coldLimitMs)} ms`,
        value: `${fmtMs(coldMs)} ms`,
        met: coldMs <= coldLimitMs,
      },
      {
        name: `warm p50 < 5 ms (${plural(
          latencyRun?.connections ?? 0,
          'connection',
        )})`,
        target: '< 5 ms',
        value: latencyRun ? `${fmtMs(latencyRun.p50Ms)} ms` : 'n/a',
        met: latencyRun
          ? latencyRun.p50Ms < 5 &&
            latencyRun.errors + latencyRun.incomplete === 0
          : null,
      },
      {
        name: `warm > 1,000 requests/s (${
          throughputRun?.connections ?? '?'
        } connections)`,
        target: '> 1,000 /s',
        value: throughputRun ? `${fmtInt(throughputRun.rps)} /s` : 'n/a',
        met: throughputRun
          ? throughputRun.rps > 1000 &&
            throughputRun.errors + throughputRun.incomplete === 0
          : null,
      },
      {
        name: '10 viewers cost the clusters what 1 viewer does',
        target: one ? `= ${one.ladder.clusterCalls}` : '= 1 viewer',
        value: ten ? `${ten.ladder.clusterCalls}` : 'n/a',
        // Fewer calls because reads timed out is not caching: only whole answers count.
        met:
          one && ten
            ? ten.ladder.clusterCalls <= one.ladder.clusterCalls &&
              ten.ladder.errors + ten.ladder.incomplete === 0
            : null,
      },
      {
        // The stricter of the two: the tab's chunk with what its loader also fetches.
        name: 'tab chunk < 60 kB gzip (with the chunks its loader also fetches)',
        target: '< 60,000 B',
        value: chunk.files.length
          ? `${fmtInt(chunk.loaderGzipBytes)} B`
          : 'n/a',
        met: chunk.files.length ? chunk.loaderGzipBytes < 60_000 : null,
      },
    ];
    if (chunk.files.some(f => f.inIndexHtml)) {
      notes.push(
        'A chunk holding the tab is loaded by index.html: it is not lazy.',
      );
    }
    if (chunk.error) notes.push(`Chunk: ${chunk.error}.`);
    if (github.error) notes.push(`GitHub: ${github.error}.`);
    if (github.callsPerPromotion !== null && !github.testPassed) {
      notes.push(
        'The GitOps repository test failed (see github-test.log); its count is reported anyway.',
      );
    }
    for (const run of warm) {
      if (run.errors + run.incomplete > 0) {
        notes.push(
          `Load run with ${run.connections} connection(s): ${run.errors} errors, ${run.incomplete} ladders with a rung that could not be read.`,
        );
      }
    }
    for (const phase of viewerPhases) {
      if (
        phase.ladder.errors +
          phase.ladder.incomplete +
          phase.kubernetes.errors +
          phase.kubernetes.incomplete >
        0
      ) {
        notes.push(
          `${phase.viewers} viewers: ladder ${phase.ladder.errors} errors and ${phase.ladder.incomplete} answers with a rung that could not be read (the cluster timeout ran out while reads queued: those reads never reached a cluster, so its count is lower than whole answers would cost); Kubernetes tab ${phase.kubernetes.errors} errors and ${phase.kubernetes.incomplete} answers with cluster errors.`,
        );
      }
    }
    if (cold.some(c => c.incomplete) || k8s.some(c => c.incomplete)) {
      notes.push(
        'Some cold samples had a cluster that could not be read: their times are not whole answers.',
      );
    }

    const wallMs = performance.now() - wallStart;
    const result = {
      when: new Date().toISOString(),
      command: `yarn bench${argv.length ? ` ${argv.join(' ')}` : ''}`,
      wallSeconds: Math.round(wallMs / 1000),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        loadAverage: os.loadavg().map(l => Number(l.toFixed(2))),
      },
      settings: {
        service: ENTITY,
        clusters: fixtures.clusters.map(c => ({
          name: c.name,
          url: c.url,
          latencyMs:
            c.name === 'prod' ? options.slowLatencyMs : options.latencyMs,
        })),
        backend: base,
        backendReadySeconds: Math.round(backendReadyMs / 1000),
        logLevel: options.logLevel ?? 'info (the demo default)',
        cacheFreshnessSeconds: options.freshnessSeconds,
        windowWaitMs: options.windowWaitMs,
        loadDurationMs: options.durationMs,
      },
      floor: {
        perClusterMs: floorPerCluster,
        slowestCluster: slowestCluster[0],
        slowestMs: floorMs,
      },
      coldLadder: { samples: cold, medianMs: coldMs },
      kubernetesQuery: { samples: k8s, medianMs: k8sMs },
      warm,
      viewers: viewerPhases,
      github,
      chunk,
      ratios: {
        coldLadderOverFloor: coldMs / floorMs,
        coldLadderOverKubernetesQuery: coldMs / k8sMs,
        warmP50OverKubernetesQuery: latencyRun
          ? latencyRun.p50Ms / k8sMs
          : null,
        clusterCalls: viewerPhases.map(v => ({
          viewers: v.viewers,
          kubernetesOverLadder:
            v.kubernetes.clusterCalls / v.ladder.clusterCalls,
          ladderOverOneViewer: one
            ? v.ladder.clusterCalls / one.ladder.clusterCalls
            : null,
        })),
      },
      targets,
      notes,
    };

    const md = await writeFormatted(
      path.join(options.outDir, 'latest.md'),
      renderTable(result),
    );
    await writeFormatted(
      path.join(options.outDir, 'latest.json'),
      JSON.stringify(result, null, 2),
    );
    // eslint-disable-next-line no-console
    console.log(`\n${md}`);
    log(
      `wrote ${path.relative(
        ROOT,
        path.join(options.outDir, 'latest.json'),
      )} and latest.md`,
    );
    return 0;
  } finally {
    const stopping = performance.now();
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    log(
      `stopped the backend and the fixture clusters (${Math.round(
        performance.now() - stopping,
      )} ms); wall time ${((performance.now() - wallStart) / 1000).toFixed(
        0,
      )} s`,
    );
  }
}

/** Writes a file as the repository's Prettier would (so `yarn prettier:check` stays clean). */
async function writeFormatted(file: string, text: string): Promise<string> {
  let output = text.endsWith('\n') ? text : `${text}\n`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettier = require('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    output = await prettier.format(output, { ...config, filepath: file });
  } catch (error) {
    log(
      `prettier could not format ${path.basename(file)}: ${
        (error as Error).message
      }`,
    );
  }
  fs.writeFileSync(file, output);
  return output;
}

function renderTable(r: any): string {
  const floor = `${fmtMs(r.floor.slowestMs)} ms`;
  const lines: string[] = [];
  const c = r.settings.clusters;
  lines.push(
    `Run ${r.when.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} × ${
      r.machine.cpuModel
    }, Node ${r.machine.node}, \`${r.command}\`, ${r.wallSeconds} s. ` +
      `Service \`${r.settings.service}\`; clusters ${c
        .map((x: any) => `${x.name} ${x.latencyMs} ms`)
        .join(', ')}; ` +
      `ladder cache freshness ${r.settings.cacheFreshnessSeconds} s; backend log level ${r.settings.logLevel}.`,
    '',
    '| measure | ladder | Kubernetes plugin | ratio (ladder / plugin) |',
    '| --- | --- | --- | --- |',
    `| cold, one service (median of ${
      r.coldLadder.samples.length
    }; plugin: workloads query, median of ${
      r.kubernetesQuery.samples.length
    }) | ${fmtMs(r.coldLadder.medianMs)} ms | ${fmtMs(
      r.kubernetesQuery.medianMs,
    )} ms | ${fmtRatio(r.ratios.coldLadderOverKubernetesQuery)} |`,
    `| cold vs. slowest cluster round trip (${
      r.floor.slowestCluster
    }, ${floor}) | ${fmtRatio(r.ratios.coldLadderOverFloor)} | ${fmtRatio(
      r.kubernetesQuery.medianMs / r.floor.slowestMs,
    )} | |`,
  );
  for (const w of r.warm) {
    lines.push(
      `| warm, ${plural(w.connections, 'connection')}, ${(
        w.durationMs / 1000
      ).toFixed(0)} s: p50 / p99 | ${fmtMs(w.p50Ms)} / ${fmtMs(
        w.p99Ms,
      )} ms, ${fmtInt(w.rps)} req/s (${fmtInt(w.requests)} requests, ${
        w.errors + w.incomplete
      } not whole, ${fmtInt(
        w.clusterCalls,
      )} cluster requests) | no cache: every call is cold (${fmtMs(
        r.kubernetesQuery.medianMs,
      )} ms) | ${fmtRatio(w.p50Ms / r.kubernetesQuery.medianMs)} (p50) |`,
    );
  }
  for (const v of r.viewers) {
    lines.push(
      `| cluster requests, ${plural(v.viewers, 'viewer')} | ${fmtInt(
        v.ladder.clusterCalls,
      )} (${plural(v.ladder.backendRequests, 'backend request')}${notWhole(
        v.ladder,
      )}) | ${fmtInt(v.kubernetes.clusterCalls)} (${
        v.kubernetes.backendRequests
      }: services + clusters${notWhole(v.kubernetes)}) | ${fmtRatio(
        v.ladder.clusterCalls / v.kubernetes.clusterCalls,
      )} |`,
    );
  }
  lines.push(
    `| GitHub calls per promotion | ${
      r.github.callsPerPromotion ?? 'n/a'
    } | | |`,
    `| Environments tab chunk, gzip | ${
      r.chunk.files.length
        ? `${fmtInt(r.chunk.gzipBytes)} B (${r.chunk.files
            .map(
              (f: any) => `${path.basename(f.file)}, ${fmtInt(f.bytes)} B raw`,
            )
            .join('; ')}); ${fmtInt(
            r.chunk.loaderGzipBytes,
          )} B with what its loader also fetches (${r.chunk.loader
            .map((f: any) => path.basename(f.file).split('.')[0])
            .join(' + ')})`
        : 'n/a'
    } | | |`,
    '',
    '| target | wanted | got | met |',
    '| --- | --- | --- | --- |',
    ...r.targets.map(
      (t: any) => `| ${t.name} | ${t.target} | ${t.value} | ${yesNo(t.met)} |`,
    ),
  );
  if (r.notes.length) {
    lines.push('', ...r.notes.map((n: string) => `- ${n}`));
  }
  lines.push(
    '',
    'One noisy shared machine, one run, load generator on the same cores: compare the columns of one run, not runs with each other.',
    '',
  );
  return lines.join('\n');
}
