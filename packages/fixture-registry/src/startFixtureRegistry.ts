import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MEDIA_TYPES, RegistryContent } from './RegistryContent';

/** How the fixture misbehaves: answer 500, never answer, or answer garbage. */
export type RegistryFault = 'none' | '500' | 'timeout' | 'malformed';

/** Switches that can be flipped at runtime (`PUT /_fixture/faults`). */
export interface RegistrySwitches {
  fault: RegistryFault;
  /** Repositories (e.g. `acme/payments`) answering 429 Too Many Requests; `*` for all. */
  rateLimited: string[];
}

/** A running fixture registry. */
export interface RunningFixtureRegistry {
  url: string;
  port: number;
  switches: RegistrySwitches;
  /** Requests served under `/v2/` since start (or the last reset), per repository. */
  requests(): { total: number; byRepository: Record<string, number> };
  resetRequests(): void;
  close(): Promise<void>;
}

const FAULTS: RegistryFault[] = ['none', '500', 'timeout', 'malformed'];
const ROUTE =
  /^\/v2\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)\/(manifests|blobs|referrers)\/([^/]+)$/;

/**
 * Serves a {@link RegistryContent} over the read-only part of the OCI distribution API:
 * `GET /v2/`, manifests (by digest or tag, `HEAD` too), blobs, and the referrers API.
 * Demo and test infrastructure. `auth` makes every `/v2/` request need HTTP Basic
 * credentials; a fault or a rate limit (429 with `Retry-After`) can be switched on.
 */
export async function startFixtureRegistry(options: {
  content: RegistryContent;
  port?: number;
  host?: string;
  switches?: Partial<RegistrySwitches>;
  auth?: { username: string; password: string };
}): Promise<RunningFixtureRegistry> {
  const switches: RegistrySwitches = {
    fault: options.switches?.fault ?? 'none',
    rateLimited: options.switches?.rateLimited ?? [],
  };
  let counts = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();
  const requests = () => ({
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    byRepository: Object.fromEntries(counts),
  });
  const resetRequests = () => {
    counts = new Map();
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (url.pathname.startsWith('/_fixture/')) {
      control(req, res, url.pathname);
      return;
    }
    if (!url.pathname.startsWith('/v2/')) {
      send(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
      return;
    }
    const match = ROUTE.exec(url.pathname);
    const repository = match?.[1] ?? '';
    counts.set(repository, (counts.get(repository) ?? 0) + 1);

    if (options.auth) {
      const expected = `Basic ${Buffer.from(
        `${options.auth.username}:${options.auth.password}`,
      ).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.setHeader('WWW-Authenticate', 'Basic realm="fixture-registry"');
        send(res, 401, {
          errors: [
            { code: 'UNAUTHORIZED', message: 'authentication required' },
          ],
        });
        return;
      }
    }
    if (
      switches.rateLimited.includes('*') ||
      (repository && switches.rateLimited.includes(repository))
    ) {
      res.setHeader('Retry-After', '60');
      send(res, 429, {
        errors: [{ code: 'TOOMANYREQUESTS', message: 'rate limit exceeded' }],
      });
      return;
    }
    switch (switches.fault) {
      case '500':
        send(res, 500, { errors: [{ code: 'UNKNOWN', message: 'fault' }] });
        return;
      case 'timeout':
        hanging.add(res);
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': MEDIA_TYPES.manifest });
        res.end('{"schemaVersion": 2, "layers": [');
        return;
      default:
    }

    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      send(res, 200, {});
      return;
    }
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
      send(res, 404, {
        errors: [{ code: 'NAME_UNKNOWN', message: 'unknown' }],
      });
      return;
    }
    const [, , kind, reference] = match;
    const content = options.content;
    if (!content.hasRepository(repository)) {
      send(res, 404, {
        errors: [
          { code: 'NAME_UNKNOWN', message: `no repository ${repository}` },
        ],
      });
      return;
    }
    if (kind === 'manifests') {
      const manifest = content.manifest(repository, reference);
      if (!manifest) {
        send(res, 404, {
          errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
        });
        return;
      }
      res.writeHead(200, {
        'content-type': manifest.mediaType,
        'content-length': manifest.bytes.length,
        'docker-content-digest': manifest.digest,
      });
      res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
      return;
    }
    if (kind === 'blobs') {
      const blob = content.blob(repository, reference);
      if (!blob) {
        send(res, 404, {
          errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }],
        });
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': blob.length,
        'docker-content-digest': reference,
      });
      res.end(req.method === 'HEAD' ? undefined : blob);
      return;
    }
    const artifactType = url.searchParams.get('artifactType') ?? undefined;
    if (artifactType) res.setHeader('OCI-Filters-Applied', 'artifactType');
    res.setHeader('content-type', MEDIA_TYPES.index);
    send(res, 200, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: content.referrers(repository, reference, artifactType),
    });
  });

  function control(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ) {
    if (path === '/_fixture/state' && req.method === 'GET') {
      send(res, 200, { ...switches, requests: requests() });
      return;
    }
    if (path === '/_fixture/requests' && req.method === 'DELETE') {
      resetRequests();
      send(res, 200, requests());
      return;
    }
    if (path === '/_fixture/faults' && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          applySwitches(switches, body);
          for (const waiting of hanging) waiting.destroy();
          hanging.clear();
          send(res, 200, switches);
        } catch (error) {
          send(res, 400, { message: (error as Error).message });
        }
      });
      return;
    }
    send(res, 404, { message: 'unknown fixture control' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const running: RunningFixtureRegistry = {
    url: `http://127.0.0.1:${port}`,
    port,
    switches,
    requests,
    resetRequests,
    close: () =>
      new Promise<void>(resolve => {
        for (const waiting of hanging) waiting.destroy();
        hanging.clear();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  return running;
}

/** Applies `{fault, rateLimited}` from a control request; throws on anything else. */
export function applySwitches(switches: RegistrySwitches, body: unknown) {
  if (!body || typeof body !== 'object') {
    throw new Error('expected a JSON object {fault?, rateLimited?}');
  }
  const { fault, rateLimited } = body as Record<string, unknown>;
  if (fault !== undefined) {
    if (!FAULTS.includes(fault as RegistryFault)) {
      throw new Error(`fault must be one of ${FAULTS.join(', ')}`);
    }
    switches.fault = fault as RegistryFault;
  }
  if (rateLimited !== undefined) {
    if (typeof rateLimited === 'boolean') {
      switches.rateLimited = rateLimited ? ['*'] : [];
    } else if (
      Array.isArray(rateLimited) &&
      rateLimited.every(r => typeof r === 'string')
    ) {
      switches.rateLimited = rateLimited as string[];
    } else {
      throw new Error(
        'rateLimited must be true, false or a list of repositories',
      );
    }
  }
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  if (!res.hasHeader('content-type')) {
    res.setHeader('content-type', 'application/json');
  }
  res.writeHead(status, { 'content-length': bytes.length });
  res.end(bytes);
}
