import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import type { Config } from '@backstage/config';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import {
  startFixtureGitHub,
  type FixtureGitHub,
} from '@environment-ladder/fixture-github';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { stringify } from 'yaml';
import { environmentLadderPlugin } from '../../plugin';
import {
  capturingRootLogger,
  type CapturedLogLine,
} from './capturingRootLogger';
import { exportSecrets, SECRETS } from './secrets';
import { startGitHubFaults, type GitHubFaults } from './startGitHubFaults';
import { startHostileCluster } from './startHostileCluster';
import { startTcpProxy, type TcpProxy } from './startTcpProxy';
import { demoPolicyDecisions } from '../../__testUtils__/demoPolicyDecisions';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');
export const CLUSTERS = ['dev', 'previews', 'staging', 'prod'] as const;
export const API = '/api/environment-ladder';
const POSTGRES_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
export const PROMOTIONS = 'environment_ladder_promotions';
export const EVENTS = 'environment_ladder_promotion_events';

const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'clusters/expected.json'), 'utf8'),
);
/** checkout's releases: dev runs C2 (1.5.0), staging and prod C1 (1.4.0). */
export const C1: string = expected.checkout.staging.digests[0];
export const C2: string = expected.checkout.dev.digests[0];
/** The build of checkout's preview (PR #112): runs in the preview rung only. */
export const PREVIEW_DIGEST: string = expected.checkout.previews[0].digest;
export const STAGING_FILE = 'apps/checkout/overlays/staging/kustomization.yaml';
export const STAGING_BRANCH = `environment-ladder/checkout/staging-${C2.slice(
  7,
  19,
)}`;
export const STAGING_OVERLAY = fs.readFileSync(
  path.join(EXAMPLES, 'gitops/acme/gitops', STAGING_FILE),
  'utf8',
);

/** The callers of the trust suite. `user` owns the services (team-shop). */
export const CALLERS = {
  none: undefined,
  user: mockCredentials.user.header(),
  releaser: mockCredentials.user.header('user:default/releaser'),
  approver: mockCredentials.user.header('user:default/approver'),
  outsider: mockCredentials.user.header('user:default/outsider'),
  service: mockCredentials.service.header(),
  /** Another plugin of the backend, e.g. the scaffolder. */
  otherPlugin: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:scaffolder'),
    targetPluginId: 'environment-ladder',
  }),
  /** CI with the static external access token of {@link CI_EXTERNAL_ACCESS}. */
  ci: 'Bearer trust-ci-promotion-token',
  /** A token no external access entry knows. */
  ciWrongToken: 'Bearer trust-ci-wrong-token',
  /** A static token restricted to another plugin. */
  ciOtherPlugin: 'Bearer trust-ci-catalog-only-token',
} as const;

/** `backend.auth.externalAccess` for CI, as the demo has it (tokens for the tests only). */
export const CI_EXTERNAL_ACCESS = [
  {
    type: 'static',
    options: { token: 'trust-ci-promotion-token', subject: 'external:ci' },
    accessRestrictions: [{ plugin: 'environment-ladder' }],
  },
  {
    type: 'static',
    options: {
      token: 'trust-ci-catalog-only-token',
      subject: 'external:other',
    },
    accessRestrictions: [{ plugin: 'catalog' }],
  },
];
export type Caller = keyof typeof CALLERS;

const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/mock': ['group:default/team-shop'],
  'user:default/releaser': ['group:default/platform-team'],
  'user:default/approver': ['group:default/platform-team'],
  'user:default/outsider': [],
};

const decide = demoPolicyDecisions(MEMBERSHIPS);

/**
 * The test double of httpAuth, with the production auth service's wording for a token it
 * does not know: `Illegal token` (DefaultAuthService), where the double says
 * `Unknown mock token '<the token>'`. The Kubernetes backend's proxy puts the cluster
 * token into the request's Authorization header before its audit step authenticates the
 * request, and logs the failure; with the double's wording that log line would carry the
 * cluster token, which production's does not. Every other error passes unchanged.
 */
const productionWordedHttpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: {
    plugin: coreServices.pluginMetadata,
    config: coreServices.rootConfig,
  },
  factory({ plugin, config }): HttpAuthService {
    const double = mockServices.httpAuth({
      pluginId: plugin.getId(),
      defaultCredentials: mockCredentials.none(),
    });
    const external = staticExternalAccess(config, plugin.getId());
    return {
      credentials: (async (req: any, options?: any) => {
        // A token that is not the double's: an external access token, or none.
        const token = /^Bearer\s+(\S+)$/i.exec(
          req.headers?.authorization ?? '',
        )?.[1];
        if (external && token && !token.startsWith('mock-')) {
          const credentials = await external(token);
          const type = credentials.principal.type;
          if (options?.allow && !options.allow.includes(type)) {
            throw new NotAllowedError(
              `This endpoint does not allow '${type}' credentials`,
            );
          }
          return credentials;
        }
        try {
          return await double.credentials(req, options);
        } catch (error) {
          if (/^Unknown mock token /.test((error as Error)?.message ?? '')) {
            throw new AuthenticationError('Illegal token');
          }
          throw error;
        }
      }) as HttpAuthService['credentials'],
      issueUserCookie: (res, options) => double.issueUserCookie(res, options),
    };
  },
});

/**
 * Backstage's static external access tokens (`backend.auth.externalAccess`, type
 * `static`) as its auth service checks them: the token handler and the access
 * restrictions are Backstage's own code (backend-defaults), loaded by file because the
 * package exports only the whole auth service, which needs `jose`, an ES module Jest
 * cannot load here. What is copied is the glue of ExternalAuthTokenHandler and
 * DefaultAuthService: the first entry whose token matches; a token restricted to other
 * plugins is a 403 naming them; an unknown token is `Illegal token` (401). Undefined
 * when no entry is configured.
 */
function staticExternalAccess(config: Config, pluginId: string) {
  const entries = config.getOptionalConfigArray('backend.auth.externalAccess');
  if (!entries?.length) return undefined;
  const auth = path.dirname(
    require.resolve('@backstage/backend-defaults/auth'),
  );
  const dir = path.join(auth, 'entrypoints/auth');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { staticTokenHandler } = require(path.join(
    dir,
    'external/static.cjs.js',
  ));
  const { readAccessRestrictionsFromConfig } = require(path.join(
    dir,
    'external/helpers.cjs.js',
  ));
  const { createCredentialsWithServicePrincipal } = require(path.join(
    dir,
    'helpers.cjs.js',
  ));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const contexts = entries
    .filter(entry => entry.getString('type') === 'static')
    .map(entry => ({
      context: staticTokenHandler.initialize({
        options: entry.getConfig('options'),
      }),
      restrictions: readAccessRestrictionsFromConfig(entry) as Map<
        string,
        unknown
      >,
    }));
  return async (token: string) => {
    for (const { context, restrictions } of contexts) {
      const result: { subject: string } | undefined =
        await staticTokenHandler.verifyToken(token, context);
      if (!result) continue;
      if (restrictions.size && !restrictions.has(pluginId)) {
        throw new NotAllowedError(
          `This token's access is restricted to plugin(s) ${[
            ...restrictions.keys(),
          ]
            .map(k => `'${k}'`)
            .join(', ')}`,
        );
      }
      return createCredentialsWithServicePrincipal(
        result.subject,
        undefined,
        restrictions.get(pluginId),
        restrictions.size ? restrictions : undefined,
      );
    }
    throw new AuthenticationError('Illegal token');
  };
}

/**
 * The catalog double, refusing what Backstage's auth service refuses to forward: the
 * credentials of an external access token whose restrictions do not name the catalog
 * (DefaultAuthService.getPluginRequestToken: `Access to target plugin 'catalog' is not
 * included in token's access restrictions`). Other credentials pass to the double.
 */
function restrictedCatalog(entities: Entity[]) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory() {
      const double = catalogServiceMock({ entities }) as any;
      return new Proxy(double, {
        get(target, property) {
          const value = target[property];
          if (typeof value !== 'function') return value;
          return (...args: any[]) => {
            const credentials = args.find(arg => arg?.credentials)?.credentials;
            const all: Map<string, unknown> | undefined =
              credentials?.allAccessRestrictions;
            if (
              credentials?.principal?.accessRestrictions &&
              !all?.has('catalog')
            ) {
              throw new NotAllowedError(
                "Access to target plugin 'catalog' is not included in token's access restrictions",
              );
            }
            return value.apply(target, args);
          };
        },
      });
    },
  });
}

/** A service as the demo catalog has it: owned by team-shop, found by its kubernetes-id. */
export function service(
  name: string,
  annotations: Record<string, string> = {},
  kubernetesId: string | null = name,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        ...(kubernetesId ? { 'backstage.io/kubernetes-id': kubernetesId } : {}),
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-shop',
      lifecycle: 'production',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
  };
}

/** Every answer the backend gave, as the caller saw it. */
export interface CapturedResponse {
  method: string;
  url: string;
  status: number;
  /** Status line headers and body. */
  text: string;
  ms: number;
}

/** What the ledger and the GitHub stand-in hold: compared before and after a request. */
export interface WorldState {
  ledger: Array<{
    id: string;
    entity_ref: string;
    target_environment: string;
    state: string;
    pull_request_number: number | null;
    branch: string | null;
    in_flight_key: string | null;
    error: string | null;
  }>;
  events: number;
  branches: string[];
  pulls: Array<{
    number: number;
    head: string;
    state: string;
    merged: boolean;
  }>;
  /** Requests to the stand-in that were not reads, since it started. */
  writes: string[];
}

interface DatabaseTarget {
  client: 'pg' | 'better-sqlite3';
  /** The backend's connection: through the TCP proxy on PostgreSQL, password from the environment. */
  backendConnection: Record<string, unknown>;
  /** The suite's own connection, for assertions (also while the backend's is cut). */
  direct: Knex;
  proxy?: TcpProxy;
  drop(): Promise<void>;
}

async function createDatabase(): Promise<DatabaseTarget> {
  const connectionString = process.env[POSTGRES_VARIABLE];
  if (!connectionString) {
    // eslint-disable-next-line no-console
    console.warn(
      `trust: ${POSTGRES_VARIABLE} is not set; the ledger runs on SQLite and the PostgreSQL outage cases are skipped`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-ledger-'));
    const filename = path.join(dir, 'ledger.sqlite');
    const direct = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    return {
      client: 'better-sqlite3',
      backendConnection: { filename },
      direct,
      async drop() {
        await direct.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = new URL(connectionString);
  const server = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
  };
  const database = `trust_${randomBytes(8).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: { ...server, database: 'postgres' },
  });
  await admin.raw('CREATE DATABASE ??', [database]);
  const proxy = await startTcpProxy(server);
  const direct = knexFactory({
    client: 'pg',
    connection: { ...server, database },
    pool: { min: 0, max: 5 },
  });
  return {
    client: 'pg',
    backendConnection: {
      host: proxy.host,
      port: proxy.port,
      user: server.user,
      password: '${TRUST_DB_PASSWORD}',
      database,
    },
    direct,
    proxy,
    async drop() {
      await direct.destroy();
      await proxy.close();
      try {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

/** Options of {@link startTrustWorld}. */
export interface TrustWorldOptions {
  /** Extra catalog entities besides checkout, payments and inventory. */
  entities?: Entity[];
  /** Extra objects the prod fixture cluster serves (hostile ones, by their own kubernetes-id). */
  prodObjects?: unknown[];
  /** Raw answers the prod cluster gives to the reads of these kubernetes-ids. */
  hostileAnswers?: Parameters<typeof startHostileCluster>[0]['answers'];
  /** How long the fixture's `timeout` fault holds a request. Default 10 s. */
  timeoutFaultMaxMs?: number;
  /**
   * The fixture clusters follow acme/gitops on the stand-in as Argo CD would (dev,
   * staging and prod their overlays), at this speed, with these digests' canary
   * analyses failing. Off when absent. The sync reads the stand-in every poll, so a
   * world with it has no quiet request log (`changesNothing` does not apply), and
   * `reset()` puts main back, which the clusters then follow.
   */
  gitops?: { speed: number; failingDigests?: string[] };
}

/** Options of one backend over the world. */
export interface TrustBackendOptions {
  /** Other plugins the backend runs beside ours (e.g. the notifications backend). */
  features?: BackendFeature[];
  /** `environmentLadder.clusterTimeout` in milliseconds. Default 2000. */
  clusterTimeoutMs?: number;
  /** `environmentLadder.cache.freshness`. Default 100 ms. */
  cacheFreshness?: string;
  /**
   * `environmentLadder.promotions.claimDuration`; the production default (30 s) when
   * absent. A request gives its claim up when it ends, so a reconciler pass after it
   * takes the promotion over at once.
   */
  claimDuration?: string;
  /**
   * `environmentLadder.model.enabled`. Default false: the faults and leaks cases switch a
   * cluster's answers between reads, which only per-view reads see at once (the live
   * model's own failure handling is tested in services/ClusterModel).
   */
  model?: boolean;

  /** `environmentLadder.promotions.rollback.emergency`; false (the default) when absent. */
  rollbackEmergency?: boolean;
  /** `environmentLadder.rungs[].freezes`, by rung name; none when absent. */
  freezes?: Record<string, unknown[]>;
  /**
   * `backend.auth.externalAccess`; its static tokens are checked with Backstage's own
   * handler (see staticExternalAccess); the suite's callers keep their test tokens.
   */
  externalAccess?: unknown[];
  /** `environmentLadder.gitops.annotationOverrides`; none (the default) when absent. */
  gitopsAnnotationOverrides?: {
    repositories?: string[];
    paths?: string[];
    yamlPaths?: string[];
  };
}

/**
 * The trust suite's world: the demo's four fixture clusters (prod behind a proxy that can
 * answer like a hostile cluster), the GitHub stand-in holding acme/gitops behind a
 * fault-injecting proxy, and a fresh PostgreSQL database behind a TCP proxy that can be
 * cut. Backends started over it read their config through the production config loader,
 * with the secrets substituted from the environment, and log into a capturing logger.
 */
export async function startTrustWorld(options: TrustWorldOptions = {}) {
  exportSecrets();
  const github: FixtureGitHub = await startFixtureGitHub({
    port: 0,
    repositoriesDir: path.join(EXAMPLES, 'gitops'),
    token: SECRETS.TRUST_GITHUB_TOKEN,
  });
  const fixtures: FixtureClusters = await startFixtureClusters({
    clusters: CLUSTERS.map(name => ({
      name,
      port: 0,
      dir: path.join(EXAMPLES, 'clusters', name),
      token: SECRETS.TRUST_CLUSTER_TOKEN,
      ...(name === 'prod' && options.prodObjects
        ? { objects: options.prodObjects }
        : {}),
    })),
    timeoutFaultMaxMs: options.timeoutFaultMaxMs ?? 10_000,
    ...(options.gitops
      ? {
          gitops: {
            repository: github.repositoryUrl('acme/gitops'),
            token: SECRETS.TRUST_GITHUB_TOKEN,
            baseBranch: 'main',
            clusters: { dev: 'dev', staging: 'staging', prod: 'prod' },
            speed: options.gitops.speed,
            failingDigests: options.gitops.failingDigests ?? [],
          },
        }
      : {}),
  });
  const clusterUrl = (name: string) =>
    fixtures.clusters.find(cluster => cluster.name === name)!.url;
  const hostile = await startHostileCluster({
    upstream: clusterUrl('prod'),
    answers: options.hostileAnswers ?? {},
  });
  const faults: GitHubFaults = await startGitHubFaults({
    upstream: github.url,
  });
  const database = await createDatabase();
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-config-'));
  const logs: CapturedLogLine[] = [];
  const responses: CapturedResponse[] = [];
  const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];
  /** The knex pools the backends' database services made, by plugin, so that a test can break them. */
  const pools: Array<{ pluginId: string; pool: Knex }> = [];
  const entities = [
    service('checkout'),
    service('payments'),
    service('inventory'),
    ...(options.entities ?? []),
  ];

  function appConfig(backendOptions: TrustBackendOptions) {
    return {
      app: { baseUrl: 'http://localhost:3000' },
      backend: {
        auth: {
          keys: [{ secret: '${TRUST_BACKEND_SECRET}' }],
          ...(backendOptions.externalAccess
            ? { externalAccess: backendOptions.externalAccess }
            : {}),
        },
        database: {
          client: database.client,
          connection: database.backendConnection,
        },
      },
      integrations: {
        github: [
          {
            host: faults.host,
            apiBaseUrl: faults.apiBaseUrl,
            token: '${TRUST_GITHUB_TOKEN}',
          },
          // Pull request URLs point at the stand-in itself; the reconciler reads them there.
          {
            host: github.host,
            apiBaseUrl: github.apiBaseUrl,
            token: '${TRUST_GITHUB_TOKEN}',
          },
        ],
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: CLUSTERS.map(name => ({
              name,
              url: name === 'prod' ? hostile.url : clusterUrl(name),
              authProvider: 'serviceAccount',
              serviceAccountToken: '${TRUST_CLUSTER_TOKEN}',
              skipTLSVerify: true,
              skipMetricsLookup: true,
            })),
          },
        ],
      },
      environmentLadder: {
        clusterTimeout: {
          milliseconds: backendOptions.clusterTimeoutMs ?? 2000,
        },
        cache: { freshness: backendOptions.cacheFreshness ?? '100ms' },
        model: { enabled: backendOptions.model ?? false },
        ...(backendOptions.claimDuration
          ? { promotions: { claimDuration: backendOptions.claimDuration } }
          : {}),
        ...(backendOptions.rollbackEmergency
          ? {
              promotions: {
                ...(backendOptions.claimDuration
                  ? { claimDuration: backendOptions.claimDuration }
                  : {}),
                rollback: { emergency: true },
              },
            }
          : {}),
        gitops: {
          repository: faults.repositoryUrl('acme/gitops'),
          baseBranch: 'main',
          pathTemplate:
            'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
          format: 'kustomize',
          ...(backendOptions.gitopsAnnotationOverrides
            ? { annotationOverrides: backendOptions.gitopsAnnotationOverrides }
            : {}),
        },
        rungs: [
          { name: 'local', title: 'Local', gate: { type: 'auto-merge' } },
          {
            name: 'dev',
            title: 'Dev',
            clusters: ['dev'],
            gate: { type: 'auto-merge' },
          },
          {
            name: 'preview',
            title: 'Previews',
            clusters: ['previews'],
            previews: { nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}' },
          },
          {
            name: 'staging',
            title: 'Staging',
            clusters: ['staging'],
            gate: { type: 'review' },
          },
          {
            name: 'prod',
            title: 'Prod',
            clusters: ['prod'],
            gate: { type: 'review-and-approval', canaryAnalysis: true },
          },
        ].map(rung =>
          backendOptions.freezes?.[rung.name]
            ? { ...rung, freezes: backendOptions.freezes[rung.name] }
            : rung,
        ),
      },
    };
  }

  /** Starts a backend over the world; several may run at once on the same database. */
  async function startBackend(backendOptions: TrustBackendOptions = {}) {
    const configFile = path.join(
      configDir,
      `app-config.${backends.length}.yaml`,
    );
    fs.writeFileSync(configFile, stringify(appConfig(backendOptions)));
    const logger = capturingRootLogger();
    // All backends of the world log into one list.
    logger.lines.push = (...lines: CapturedLogLine[]) => logs.push(...lines);
    const scheduler = mockServices.scheduler.mock({
      // Other plugins' periodic chores (e.g. the notifications cleaner) never run here.
      createScheduledTaskRunner: () => ({ run: async () => {} }),
    });
    const backend = await startTestBackend({
      features: [
        ...(backendOptions.features ?? []),
        environmentLadderPlugin,
        kubernetesPlugin,
        rootConfigServiceFactory({
          argv: ['node', 'trust', '--config', configFile],
          watch: false,
        }),
        logger.factory,
        createServiceFactory({
          service: coreServices.database,
          deps: {
            config: coreServices.rootConfig,
            lifecycle: coreServices.lifecycle,
            plugin: coreServices.pluginMetadata,
          },
          factory({ config, lifecycle, plugin }) {
            if (plugin.getId() !== 'environment-ladder') {
              // Another plugin (e.g. notifications) gets a database of its own: the
              // world's is the ledger's, and their migrations would share its tables.
              const own = knexFactory({
                client: 'better-sqlite3',
                connection: ':memory:',
                useNullAsDefault: true,
              });
              lifecycle.addShutdownHook(() => own.destroy());
              return { getClient: async () => own };
            }
            const pool = knexFactory({
              client: config.getString('backend.database.client'),
              connection: config.get(
                'backend.database.connection',
              ) as Knex.StaticConnectionConfig,
              useNullAsDefault: true,
              acquireConnectionTimeout: 5000,
              pool: database.client === 'pg' ? { min: 0, max: 10 } : undefined,
            });
            pools.push({ pluginId: plugin.getId(), pool });
            lifecycle.addShutdownHook(() => pool.destroy());
            return { getClient: async () => pool };
          },
        }),
        // Requests without a token are anonymous, as in a real backend.
        productionWordedHttpAuth,
        mockServices.permissions.mock({
          authorizeConditional: (requests, { credentials }) =>
            decide(requests, credentials),
          authorize: (requests, { credentials }) =>
            decide(requests, credentials),
        }).factory,
        scheduler.factory,
        restrictedCatalog(entities),
      ],
    });
    backends.push(backend);
    const server: Server = backend.server;
    // The Kubernetes backend loads its client library on the first proxied request;
    // warmed up here, so that cluster timeouts measure clusters only.
    await request(server)
      .get(`${API}/entities/component/default/payments/ladder`)
      .set('Authorization', CALLERS.user);

    async function send(
      method: 'GET' | 'POST',
      url: string,
      caller: Caller,
      body?: { json?: unknown; raw?: string; contentType?: string },
    ) {
      let pending = request(server)[method === 'GET' ? 'get' : 'post'](
        `${API}${url}`,
      );
      const header = CALLERS[caller];
      if (header) pending = pending.set('Authorization', header);
      if (body?.raw !== undefined) {
        pending = pending
          .set('content-type', body.contentType ?? 'application/json')
          .send(body.raw);
      } else if (body && 'json' in body) {
        pending = pending.send(body.json as object);
      }
      const started = Date.now();
      const response = await pending;
      responses.push({
        method,
        url,
        status: response.status,
        text: `${JSON.stringify(response.headers)}\n${response.text}`,
        ms: Date.now() - started,
      });
      return Object.assign(response, { ms: Date.now() - started });
    }

    return {
      server,
      get: (url: string, caller: Caller = 'user') => send('GET', url, caller),
      post: (url: string, json: unknown, caller: Caller = 'user') =>
        send('POST', url, caller, { json }),
      postRaw: (
        url: string,
        raw: string,
        contentType?: string,
        caller: Caller = 'user',
      ) => send('POST', url, caller, { raw, contentType }),
      /** One pass of the reconciler, as the scheduler would run it. */
      async reconcile(): Promise<void> {
        const [task] = scheduler.scheduleTask.mock.calls.find(
          ([{ id }]) => id === 'environment-ladder-reconcile-promotions',
        )!;
        await task.fn(new AbortController().signal);
      },
      stop: (): Promise<void> => backend.stop(),
    };
  }

  const db = database.direct;

  /** What the ledger and the stand-in hold now. */
  async function state(): Promise<WorldState> {
    const ledger = await db(PROMOTIONS)
      .select(
        'id',
        'entity_ref',
        'target_environment',
        'state',
        'pull_request_number',
        'branch',
        'in_flight_key',
        'error',
      )
      .orderBy('id');
    const [{ count }] = await db(EVENTS).count({ count: '*' });
    const repository = github
      .state()
      .repositories.find(repo => repo.fullName === 'acme/gitops')!;
    return {
      ledger: ledger.map(row => ({
        ...row,
        pull_request_number:
          row.pull_request_number === null
            ? null
            : Number(row.pull_request_number),
      })),
      events: Number(count),
      branches: Object.keys(repository.branches).sort(),
      pulls: repository.pulls.map(({ number, head, state: s, merged }) => ({
        number,
        head,
        state: s,
        merged,
      })),
      writes: github
        .requests()
        .filter(entry => entry.method !== 'GET')
        .map(entry => `${entry.method} ${entry.path}`),
    };
  }

  /**
   * The promises the ledger and GitHub keep together: no branch without an open pull
   * request, no pull request (open, or closed by a cleanup) without a ledger row that
   * names it, no ledger row naming a pull request the stand-in does not have, and none
   * pr-open whose pull request is closed. Returns what is broken.
   */
  async function brokenPromises(): Promise<string[]> {
    const now = await state();
    const problems: string[] = [];
    for (const branch of now.branches.filter(b => b !== 'main')) {
      if (
        !now.pulls.some(pull => pull.head === branch && pull.state === 'open')
      ) {
        problems.push(`branch ${branch} has no open pull request`);
      }
    }
    for (const pull of now.pulls) {
      if (!now.ledger.some(row => row.pull_request_number === pull.number)) {
        problems.push(`pull request #${pull.number} has no ledger row`);
      }
    }
    for (const row of now.ledger.filter(r => r.pull_request_number !== null)) {
      const pull = now.pulls.find(p => p.number === row.pull_request_number);
      if (!pull) {
        problems.push(`ledger row ${row.id} names a missing pull request`);
      } else if (row.state === 'pr-open' && pull.state !== 'open') {
        problems.push(
          `ledger row ${row.id} is pr-open but pull request #${pull.number} is closed`,
        );
      }
    }
    return problems;
  }

  /** Back to an empty ledger, the seeded repository, and no faults anywhere. */
  async function reset() {
    await db(EVENTS).del();
    await db(PROMOTIONS).del();
    github.reset();
    faults.clearFaults();
    faults.clearLog();
    for (const name of CLUSTERS) {
      fixtures.setFault(name, 'none');
      fixtures.setLatency(name, 0);
    }
    await database.proxy?.restore();
  }

  /** Runs `run` on a reset world and checks that it left the ledger and the GitOps repository as they were. */
  async function changesNothing(run: () => Promise<void>) {
    await reset();
    const before = await state();
    const githubBefore = github.requests().length;
    await run();
    expect(await state()).toEqual(before);
    expect(github.requests().length).toBe(githubBefore);
  }

  return {
    /** The catalog of backends started from now on; a test may add entities before starting one. */
    entities,
    fixtures,
    github,
    faults,
    hostile,
    db,
    database,
    pools,
    logs,
    responses,
    startBackend,
    state,
    brokenPromises,
    reset,
    changesNothing,
    async close() {
      // Backends first: they hold connections to everything else.
      for (const backend of backends.splice(0)) {
        await backend.stop().catch(() => undefined);
      }
      await Promise.all(
        pools.map(({ pool }) => pool.destroy().catch(() => undefined)),
      );
      await fixtures.close();
      await hostile.close();
      await faults.close();
      await github.close();
      await database.drop();
      fs.rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** A running world. */
export type TrustWorld = Awaited<ReturnType<typeof startTrustWorld>>;
/** A backend over it. */
export type TrustBackend = Awaited<ReturnType<TrustWorld['startBackend']>>;
