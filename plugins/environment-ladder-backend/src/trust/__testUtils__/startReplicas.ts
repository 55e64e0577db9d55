import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import {
  startFixtureGitHub,
  type FixtureGitHub,
} from '@environment-ladder/fixture-github';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { stringify } from 'yaml';
import { startGitHubFaults, type GitHubFaults } from './startGitHubFaults';

const ROOT = path.resolve(__dirname, '../../../../..');
const BACKEND_DIR = path.join(ROOT, 'packages/backend');
const EXAMPLES = path.join(ROOT, 'examples');
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'] as const;
const TOKEN = 'replicas-github-token';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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
 * server and one Redis, each on its own port, over the demo's fixture clusters and the
 * GitHub stand-in (behind a proxy that can hold or fail requests), all on free ports.
 * The processes run the TypeScript sources through the Backstage CLI's node transform,
 * with NODE_ENV=production, the demo's app-config.yaml and a generated override.
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
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replicas-'));

  const replicas: Replica[] = [];
  const processes = new Map<string, ChildProcess>();
  const ledger: { db?: Knex } = {};

  async function startOne(name: string, port: number, configFile: string) {
    let output = '';
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
    processes.set(name, child);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `Replica ${name} exited with ${child.exitCode}:\n${output.slice(
            -3000,
          )}`,
        );
      }
      try {
        const ready = await fetch(`${url}/.backstage/health/v1/readiness`);
        if (ready.status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`Replica ${name} not ready:\n${output.slice(-3000)}`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    return { output: () => output };
  }

  async function create(name: string): Promise<Replica> {
    const port = await freePort();
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
          cache: { store: 'redis', connection: redis },
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
          // Generous: two backends and the test share two busy cores.
          clusterTimeout: { seconds: 15 },
          cache: { freshness: '3s' },
          promotions: {
            claimDuration: '3s',
            reconcileEvery: '1s',
            // A pass a killed replica was running holds the scheduler's lock this long.
            reconcileTimeout: '10s',
          },
          gitops: { repository: faults.repositoryUrl('acme/gitops') },
        },
      }),
    );
    let current = await startOne(name, port, configFile);
    let token: string | undefined;
    const replica: Replica = {
      name,
      url,
      output: () => current.output(),
      async kill() {
        const child = processes.get(name);
        if (!child || child.exitCode !== null) return;
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
      async restart() {
        await replica.kill();
        current = await startOne(name, port, configFile);
      },
      async token() {
        if (!token) {
          const response = await fetch(`${url}/api/auth/guest/refresh`, {
            headers: { 'x-requested-with': 'XMLHttpRequest' },
          });
          token = (await response.json()).backstageIdentity.token as string;
        }
        return token;
      },
      async api(method, route, body) {
        const response = await fetch(`${url}/api/environment-ladder${route}`, {
          method,
          headers: {
            authorization: `Bearer ${await replica.token()}`,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
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

  async function close() {
    for (const child of processes.values()) {
      if (child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    await ledger.db?.destroy().catch(() => undefined);
    await fixtures.close();
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
    ledgerDb: ledger.db as Knex,
    close,
  };
}
