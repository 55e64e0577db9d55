import { createHash } from 'node:crypto';
import type { RegistryConfig } from '../../config/readSignaturesConfig';

/** The registry could not be asked: down, slow, rate-limited, refusing or answering garbage. */
export class RegistryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryUnavailableError';
  }
}

/** A manifest or blob larger than the client reads. */
export class TooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooLargeError';
  }
}

/** The OCI distribution spec asks registries to accept manifests of at least 4 MiB; we read no more. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A simple-signing payload or a Sigstore bundle is a few KiB. */
export const MAX_BLOB_BYTES = 1024 * 1024;

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Where a repository's registry is and its path there: `ghcr.io/acme/shop` → ghcr.io, `acme/shop`. */
export function splitRepository(repository: string): {
  host: string;
  path: string;
} {
  const [first, ...rest] = repository.split('/');
  // Docker's rule: a first segment with a dot or a colon, or `localhost`, is a host.
  if (rest.length && (/[.:]/.test(first) || first === 'localhost')) {
    return {
      host: first === 'index.docker.io' ? 'docker.io' : first.toLowerCase(),
      path: rest.join('/'),
    };
  }
  return {
    host: 'docker.io',
    path: rest.length ? repository : `library/${repository}`,
  };
}

/** A minimal read-only OCI distribution client: manifests, blobs, referrers. */
export interface RegistryClient {
  /** The manifest's bytes, or null when the registry does not have it (404). */
  getManifest(
    repository: string,
    reference: string,
  ): Promise<{ bytes: Buffer; mediaType: string } | null>;
  /** A blob's bytes, checked against its digest; null when absent. */
  getBlob(repository: string, digest: string): Promise<Buffer | null>;
  /**
   * The referrers index of a digest (OCI 1.1 API, or the `sha256-<hex>` tag schema when
   * the registry has no referrers API), or null when there is none.
   */
  getReferrers(repository: string, digest: string): Promise<unknown | null>;
}

/**
 * Creates a registry client for the configured registries. A repository whose host has
 * no entry is asked at `https://<host>` anonymously. Bearer token challenges (as
 * ghcr.io and Docker Hub send) are answered with the configured credentials.
 * `onRequest` counts every HTTP request sent (for the cost measurements).
 */
export function createRegistryClient(options: {
  registries: RegistryConfig[];
  timeoutMs: number;
  fetch?: typeof fetch;
  onRequest?: (host: string) => void;
}): RegistryClient {
  const doFetch = options.fetch ?? fetch;
  const tokens = new Map<string, string>();

  function registryOf(repository: string) {
    const { host, path } = splitRepository(repository);
    const registry = options.registries.find(r => r.host === host) ?? {
      host,
      url: `https://${host === 'docker.io' ? 'registry-1.docker.io' : host}`,
    };
    return { registry, path };
  }

  async function send(
    registry: RegistryConfig,
    url: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    options.onRequest?.(registry.host);
    try {
      return await doFetch(url, {
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw new RegistryUnavailableError(
        name === 'TimeoutError' || name === 'AbortError'
          ? `${registry.host} did not answer within ${options.timeoutMs} ms`
          : `${registry.host} cannot be reached (${
              (error as Error & { cause?: { code?: string } }).cause?.code ??
              'network error'
            })`,
      );
    }
  }

  function authHeader(registry: RegistryConfig): Record<string, string> {
    const token = tokens.get(registry.host);
    if (token) return { authorization: `Bearer ${token}` };
    const credentials = registry.credentials;
    if (credentials && 'username' in credentials) {
      return {
        authorization: `Basic ${Buffer.from(
          `${credentials.username}:${credentials.password}`,
        ).toString('base64')}`,
      };
    }
    if (credentials && 'token' in credentials) {
      return { authorization: `Bearer ${credentials.token}` };
    }
    return {};
  }

  async function fetchToken(
    registry: RegistryConfig,
    challenge: string,
  ): Promise<boolean> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    if (!/^bearer/i.test(challenge) || !params.realm) return false;
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      return false;
    }
    if (params.service) realm.searchParams.set('service', params.service);
    if (params.scope) realm.searchParams.set('scope', params.scope);
    const credentials = registry.credentials;
    const headers: Record<string, string> =
      credentials && 'username' in credentials
        ? {
            authorization: `Basic ${Buffer.from(
              `${credentials.username}:${credentials.password}`,
            ).toString('base64')}`,
          }
        : {};
    const res = await send(registry, realm.toString(), headers);
    if (!res.ok) return false;
    const body = (await res.json().catch(() => ({}))) as Record<string, any>;
    const token = body.token ?? body.access_token;
    if (typeof token !== 'string') return false;
    tokens.set(registry.host, token);
    return true;
  }

  async function get(
    repository: string,
    apiPath: string,
    accept: string,
    maxBytes: number,
  ): Promise<{ bytes: Buffer; mediaType: string } | null> {
    const { registry, path } = registryOf(repository);
    const url = `${registry.url}/v2/${path}/${apiPath}`;
    let res = await send(registry, url, { accept, ...authHeader(registry) });
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel().catch(() => undefined);
      if (await fetchToken(registry, challenge)) {
        res = await send(registry, url, { accept, ...authHeader(registry) });
      }
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RegistryUnavailableError(describeStatus(registry.host, res));
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new TooLargeError(
        `${apiPath} is ${declared} bytes, more than the ${maxBytes} read`,
      );
    }
    const bytes = await readCapped(res, maxBytes, apiPath, registry.host);
    return {
      bytes,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0],
    };
  }

  return {
    async getManifest(repository, reference) {
      return get(
        repository,
        `manifests/${reference}`,
        MANIFEST_ACCEPT,
        MAX_MANIFEST_BYTES,
      );
    },
    async getBlob(repository, digest) {
      const blob = await get(
        repository,
        `blobs/${digest}`,
        '*/*',
        MAX_BLOB_BYTES,
      );
      if (!blob) return null;
      const { digest: actual } = sha256(blob.bytes);
      if (actual !== digest) {
        throw new Error(`blob ${digest} has the content of ${actual}`);
      }
      return blob.bytes;
    },
    async getReferrers(repository, digest) {
      const index = await get(
        repository,
        `referrers/${digest}`,
        'application/vnd.oci.image.index.v1+json',
        MAX_MANIFEST_BYTES,
      );
      const fallback = index
        ? index
        : await get(
            repository,
            `manifests/${digest.replace(':', '-')}`,
            'application/vnd.oci.image.index.v1+json',
            MAX_MANIFEST_BYTES,
          );
      if (!fallback) return null;
      try {
        return JSON.parse(fallback.bytes.toString('utf8'));
      } catch {
        throw new RegistryUnavailableError(
          `${
            registryOf(repository).registry.host
          } answered the referrers of ${digest} with something that is not JSON`,
        );
      }
    },
  };
}

function sha256(bytes: Buffer) {
  return {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

function describeStatus(host: string, res: Response): string {
  if (res.status === 429) {
    const retry = res.headers.get('retry-after');
    return `${host} answered 429 Too Many Requests (rate limited${
      retry ? `, retry after ${retry} s` : ''
    })`;
  }
  if (res.status === 401 || res.status === 403) {
    return `${host} refused the request (${res.status}): check the registry's credentials`;
  }
  return `${host} answered ${res.status}`;
}

async function readCapped(
  res: Response,
  maxBytes: number,
  what: string,
  host: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new TooLargeError(
          `${what} is more than the ${maxBytes} bytes read`,
        );
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof TooLargeError) throw error;
    throw new RegistryUnavailableError(
      `${host} broke off the answer for ${what}`,
    );
  }
  return Buffer.concat(chunks);
}
