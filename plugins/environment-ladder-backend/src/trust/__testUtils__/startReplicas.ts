import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import {
  startFixtureGitHub,
  type FixtureGitHub,
} from '@environment-ladder/fixture-github';
import {
  RegistryContent,
  startFixtureRegistry,
  type RunningFixtureRegistry,
} from '@environment-ladder/fixture-registry';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { parse, stringify } from 'yaml';
import { startGitHubFaults, type GitHubFaults } from './startGitHubFaults';

const ROOT = path.resolve(__dirname, '../../../../..');
const BACKEND_DIR = path.join(ROOT, 'packages/backend');
const EXAMPLES = path.join(ROOT, 'examples');
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'] as const;
const TOKEN = 'replicas-github-token';
/**
 * The replicas listen on random free ports in this range, away from the demo's (7007, 71xx),
 * the browser test's and the benchmarks', so that the test runs beside any of them.
 */
const REPLICA_PORTS = { from: 27100, to: 27999 };
/** How long one replica may take to start: the CLI's transform compiles the backend's sources. */
const START_TIMEOUT_MS = 480_000;
/** How long the replicas' ladder cache stays fresh (`environmentLadder.cache.freshness`). */
export const CACHE_FRESHNESS_S = 10;
/** How long a promotion's claim lasts unless renewed (`promotions.claimDuration`). */
export const CLAIM_DURATION_S = 10;

/** Why the replicas cannot run here, or undefined when PostgreSQL and Redis are configured. */
export function replicasUnavailable(): string | undefined {
  if (!process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
    return 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set (no PostgreSQL; scripts/services.sh sets it when 127.0.0.1:5432 answers)';
  }
  if (!process.env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING) {
    return 'BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING is not set (no Redis; scripts/services.sh sets it when 127.0.0.1:6379 answers)';
  }
  return undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A random port of {@link REPLICA_PORTS} that nothing listens on now. */
async function freeReplicaPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port =
      REPLICA_PORTS.from +
      Math.floor(Math.random() * (REPLICA_PORTS.to - REPLICA_PORTS.from + 1));
    if (!taken.has(port) && (await portIsFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(
    `No free port in ${REPLICA_PORTS.from}-${REPLICA_PORTS.to} for a replica`,
  );
}

/**
 * Whether a child process has ended. A process killed by a signal (SIGKILL from
 * `kill()`, or the kernel's OOM killer) has `exitCode` null and `signalCode` set:
 * checking `exitCode` alone takes it for running, and waiting for its `exit` then hangs.
 */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess): string {
  return child.signalCode !== null
    ? `was killed by ${child.signalCode}`
    : `exited with ${child.exitCode}`;
}

/** The last lines a replica wrote: what a crash or a hang is diagnosed from. */
function tail(output: string, chars = 4000): string {
  return output.length > chars ? `…${output.slice(-chars)}` : output;
}

async function killChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** One demo backend process (packages/backend), as `yarn start` runs it but in production mode. */
export interface Replica {
  name: string;
  url: string;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, as when a machine dies. */
  kill(): Promise<void>;
  /** Starts the process again on the same port and config. */
  restart(): Promise<void>;
  /** A guest user's token, from this replica's auth backend. */
  token(): Promise<string>;
  api(
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; text: string }>;
}

/**
 * Two (or more) real backend processes of the demo backend on one PostgreSQL database
 * server and one Redis, each on its own port, over the demo's fixture clusters, its
 * fixture registry and the GitHub stand-in (behind a proxy that can hold or fail
 * requests). The fixtures listen on free ports, the replicas on free ports of
 * 27100-27999. The processes run the TypeScript sources through the Backstage CLI's
 * node transform, with NODE_ENV=production, the demo's app-config.yaml and a generated
 * override.
 */
export async function startReplicas(options: { count: number }) {
  const pg = new URL(
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!,
  );
  const redis = process.env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING!;
  const prefix = `replicas_${randomBytes(4).toString('hex')}_`;
  const server = {
    host: pg.hostname,
    port: Number(pg.port || 5432),
    user: decodeURIComponent(pg.username || 'postgres'),
    ...(pg.password ? { password: decodeURIComponent(pg.password) } : {}),
  };
  const fixtures: FixtureClusters = await startFixtureClusters({
    clusters: CLUSTERS.map(name => ({
      name,
      port: 0,
      dir: path.join(EXAMPLES, 'clusters', name),
    })),
  });
  const github: FixtureGitHub = await startFixtureGitHub({
    port: 0,
    repositoriesDir: path.join(EXAMPLES, 'gitops'),
    token: TOKEN,
  });
  const faults: GitHubFaults = await startGitHubFaults({
    upstream: github.url,
  });
  // The demo's registry, with the demo's switches, on a port of its own rather than the
  // demo's 7120: a demo running beside the test must not answer for it (nor be missed).
  const registryDir = path.join(EXAMPLES, 'registry');
  const registrySettings =
    parse(fs.readFileSync(path.join(registryDir, 'registry.yaml'), 'utf8')) ??
    {};
  const registry: RunningFixtureRegistry = await startFixtureRegistry({
    content: RegistryContent.fromJSON(
      JSON.parse(
        fs.readFileSync(path.join(registryDir, 'content.json'), 'utf8'),
      ),
    ),
    switches: { rateLimited: registrySettings.rateLimited ?? [] },
  });
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replicas-'));

  const replicas: Replica[] = [];
  const processes = new Map<string, ChildProcess>();
  const ports = new Set<number>();
  const ledger: { db?: Knex } = {};
  let closing = false;

  async function startOne(name: string, port: number, configFile: string) {
    let output = '';
    let expectedExit = false;
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        path.join(ROOT, 'app-config.yaml'),
        '--config',
        configFile,
      ],
      {
        cwd: BACKEND_DIR,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          NODE_OPTIONS: '',
          FIXTURE_GITHUB_TOKEN: TOKEN,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', chunk => (output += chunk));
    child.stderr!.on('data', chunk => (output += chunk));
    child.once('exit', () => {
      // A replica that dies on its own (a crash, the OOM killer) says why, whichever
      // test is running: its log is otherwise lost with the process.
      if (!expectedExit && !closing) {
        // eslint-disable-next-line no-console
        console.error(
          `Replica ${name} ${describeExit(
            child,
          )} unexpectedly; its log ends:\n${tail(output)}`,
        );
      }
    });
    processes.set(name, child);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (hasExited(child)) {
        expectedExit = true;
        throw new Error(
          `Replica ${name} ${describeExit(child)} while starting:\n${tail(
            output,
          )}`,
        );
      }
      try {
        const ready = await fetch(`${url}/.backstage/health/v1/readiness`, {
          signal: AbortSignal.timeout(10_000),
        });
        if (ready.status === 200) break;
      } catch {
        // Not listening yet, or too busy starting to answer.
      }
      if (Date.now() > deadline) {
        expectedExit = true;
        await killChild(child);
        throw new Error(
          `Replica ${name} not ready after ${
            START_TIMEOUT_MS / 1000
          } s:\n${tail(output)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    return {
      output: () => output,
      /** Marks the exit that follows as ours, then kills the process. */
      async kill() {
        expectedExit = true;
        await killChild(child);
      },
      exited: () => hasExited(child),
      describeExit: () => describeExit(child),
    };
  }

  async function create(name: string): Promise<Replica> {
    const port = await freeReplicaPort(ports);
    const url = `http://127.0.0.1:${port}`;
    const configFile = path.join(configDir, `app-config.${name}.yaml`);
    fs.writeFileSync(
      configFile,
      stringify({
        app: { baseUrl: url },
        backend: {
          baseUrl: url,
          listen: { port, host: '127.0.0.1' },
          cors: { origin: url },
          database: {
            client: 'pg',
            connection: server,
            prefix,
          },
          cache: {
            store: 'redis',
            connection: redis,
            // Keys of this run only: nothing another run or backend left in the same
            // Redis is served to these replicas (nor the other way round).
            redis: { client: { namespace: prefix.replace(/_$/, '') } },
          },
        },
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        integrations: {
          github: [
            { host: faults.host, apiBaseUrl: faults.apiBaseUrl, token: TOKEN },
            { host: github.host, apiBaseUrl: github.apiBaseUrl, token: TOKEN },
          ],
        },
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: fixtures.clusters.map(cluster => ({
                name: cluster.name,
                url: cluster.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'fixture-token',
                skipTLSVerify: true,
                skipMetricsLookup: true,
              })),
            },
          ],
        },
        environmentLadder: {
          // Generous: two backends and the test may share two busy cores with other work.
          clusterTimeout: { seconds: 30 },
          // The cache path (views read the clusters through the plugin's cache), whose
          // request coalescing the viewers test measures; the live model has its own
          // cost tests. Long enough that a slow burst of viewers is one refresh each.
          model: { enabled: false },
          cache: { freshness: `${CACHE_FRESHNESS_S}s` },
          promotions: {
            // A claim is renewed every third of this while its holder works: long
            // enough that a replica stalled by a busy machine keeps it, short enough
            // that the test sees a killed replica's promotion resumed.
            claimDuration: `${CLAIM_DURATION_S}s`,
            reconcileEvery: '1s',
            // A pass a killed replica was running holds the scheduler's lock this long.
            reconcileTimeout: '30s',
          },
          gitops: { repository: faults.repositoryUrl('acme/gitops') },
          signatures: {
            registries: [{ host: 'ghcr.io', url: registry.url }],
          },
        },
      }),
    );
    let current = await startOne(name, port, configFile);
    let token: Promise<string> | undefined;
    const replica: Replica = {
      name,
      url,
      output: () => current.output(),
      async kill() {
        await current.kill();
      },
      async restart() {
        await current.kill();
        current = await startOne(name, port, configFile);
      },
      token() {
        // One sign-in shared by concurrent callers (50 requests at once would be 50).
        token ??= (async () => {
          const response = await fetch(`${url}/api/auth/guest/refresh`, {
            headers: { 'x-requested-with': 'XMLHttpRequest' },
          });
          if (response.status !== 200) {
            throw new Error(
              `Replica ${name}: guest sign-in answered ${
                response.status
              }: ${await response.text()}`,
            );
          }
          return (await response.json()).backstageIdentity.token as string;
        })();
        token.catch(() => {
          token = undefined;
        });
        return token;
      },
      async api(method, route, body) {
        let response: Response;
        try {
          response = await fetch(`${url}/api/environment-ladder${route}`, {
            method,
            headers: {
              authorization: `Bearer ${await replica.token()}`,
              ...(body === undefined
                ? {}
                : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        } catch (error) {
          if (current.exited()) {
            throw new Error(
              `Replica ${name} ${current.describeExit()}; its log ends:\n${tail(
                current.output(),
              )}`,
            );
          }
          throw error;
        }
        const text = await response.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        return { status: response.status, body: parsed, text };
      },
    };
    return replica;
  }

  try {
    // One after the other: the first runs the migrations, so the second does not race it.
    for (let index = 0; index < options.count; index++) {
      replicas.push(await create(String.fromCharCode(65 + index)));
    }
  } catch (error) {
    await close();
    throw error;
  }

  // The ledger as the environment-ladder plugin's database (one database per plugin).
  ledger.db = knexFactory({
    client: 'pg',
    connection: { ...server, database: `${prefix}environment-ladder` },
    pool: { min: 0, max: 2 },
  });

  /** Requests the fixture clusters have served since start or the last reset, all clusters. */
  function clusterRequests(): number {
    return fixtures.clusters.reduce(
      (sum, cluster) => sum + fixtures.stats(cluster.name).total,
      0,
    );
  }

  /**
   * Waits until the clusters have seen no request for `quietMs`: every read a view or a
   * reconciler pass started has ended, so a count taken now is the whole of it.
   */
  async function whenClustersQuiet(quietMs = 6000, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    let last = clusterRequests();
    let since = Date.now();
    for (;;) {
      await new Promise(resolve => setTimeout(resolve, 250));
      const now = clusterRequests();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `The clusters were not quiet for ${quietMs} ms within ${timeoutMs} ms (${now} requests)`,
        );
      }
    }
  }

  async function close() {
    closing = true;
    for (const child of processes.values()) await killChild(child);
    await ledger.db?.destroy().catch(() => undefined);
    await fixtures.close();
    await registry.close();
    await faults.close();
    await github.close();
    const admin = knexFactory({
      client: 'pg',
      connection: { ...server, database: 'postgres' },
    });
    try {
      const { rows } = await admin.raw(
        'SELECT datname FROM pg_database WHERE datname LIKE ?',
        [`${prefix}%`],
      );
      for (const { datname } of rows as Array<{ datname: string }>) {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      }
    } finally {
      await admin.destroy();
    }
    fs.rmSync(configDir, { recursive: true, force: true });
  }

  return {
    replicas,
    fixtures,
    github,
    faults,
    registry,
    ledgerDb: ledger.db as Knex,
    clusterRequests,
    whenClustersQuiet,
    close,
  };
}
