import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readPositiveDuration } from './readers';
import type { SignatureRequirement } from '@environment-ladder/plugin-environment-ladder-common';
import { TrustedRoot } from '@sigstore/protobuf-specs';

/** A trusted public key, named as the ladder shows it ("signed by ci-2026"). */
export interface TrustedKey {
  name: string;
  publicKey: KeyObject;
}

/** A trusted keyless identity: the certificate's OIDC issuer and subject (exact). */
export interface TrustedIdentity {
  name: string;
  issuer: string;
  subject: string;
}

/** Where a registry host is reached, and how to sign in to it. Credentials are never logged. */
export interface RegistryConfig {
  host: string;
  /** Base URL of the registry's API (a mirror or a fixture); `https://<host>` by default. */
  url: string;
  credentials?: { username: string; password: string } | { token: string };
}

/** `environmentLadder.signatures`, read once at start-up. */
export interface SignaturesConfig {
  keys: TrustedKey[];
  identities: TrustedIdentity[];
  /** Sigstore's trusted root (Fulcio CAs, Rekor and CT log keys); needed for keyless. */
  trustedRoot: TrustedRoot | null;
  registries: RegistryConfig[];
  /** Per rung; rungs not listed are `off`. */
  rungs: Record<string, SignatureRequirement>;
  /** How long a valid signature's verdict is kept (it does not change for a digest). */
  verifiedForMs: number;
  /** How long a negative or could-not-check verdict is kept before the registry is asked again. */
  retryAfterMs: number;
  /** How long one registry request may take. */
  timeoutMs: number;
}

const REQUIREMENTS: SignatureRequirement[] = ['required', 'warn', 'off'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

/**
 * Reads `environmentLadder.signatures`; undefined when absent (no signature checks).
 * Every error names the key's path; secrets are never part of a message.
 *
 * @remarks
 * Files (`trustedRoot`, `publicKey`, `dockerConfig`) are given either inline (e.g. with
 * Backstage's `$file:` include, relative to the config file) or as a path, resolved
 * against the backend's working directory.
 */
export function readSignaturesConfig(
  ladder: Config,
  root: string,
  rungNames: string[],
): SignaturesConfig | undefined {
  const config = ladder.getOptionalConfig('signatures');
  if (!config) return undefined;
  const base = `${root}.signatures`;

  const keyNames = new Set<string>();
  const keys = (config.getOptionalConfigArray('keys') ?? []).map(
    (key, index) => {
      const at = `${base}.keys[${index}]`;
      const name = readName(key, at);
      if (keyNames.has(name)) {
        throw new InputError(
          `Invalid config value at '${at}.name': the key name '${name}' is used twice`,
        );
      }
      keyNames.add(name);
      const pem = readFileOrInline(key, 'publicKey', `${at}.publicKey`);
      let publicKey: KeyObject;
      try {
        publicKey = crypto.createPublicKey(pem);
      } catch {
        throw new InputError(
          `Invalid config value at '${at}.publicKey': not a PEM public key`,
        );
      }
      if (publicKey.asymmetricKeyType !== 'ec') {
        throw new InputError(
          `Invalid config value at '${at}.publicKey': only ECDSA keys (cosign's default) are supported, got ${publicKey.asymmetricKeyType}`,
        );
      }
      return { name, publicKey };
    },
  );

  const identities = (config.getOptionalConfigArray('identities') ?? []).map(
    (identity, index) => {
      const at = `${base}.identities[${index}]`;
      const issuer = readUrl(identity, 'issuer', at);
      const subject = readNonEmpty(identity, 'subject', at);
      const name = identity.has('name') ? readName(identity, at) : subject;
      return { name, issuer, subject };
    },
  );

  let trustedRoot: TrustedRoot | null = null;
  if (config.has('trustedRoot')) {
    const text = readFileOrInline(config, 'trustedRoot', `${base}.trustedRoot`);
    try {
      trustedRoot = TrustedRoot.fromJSON(JSON.parse(text));
    } catch {
      throw new InputError(
        `Invalid config value at '${base}.trustedRoot': not a Sigstore trusted root (JSON)`,
      );
    }
    if (!trustedRoot.certificateAuthorities?.length) {
      throw new InputError(
        `Invalid config value at '${base}.trustedRoot': it names no certificate authority`,
      );
    }
  }
  if (identities.length > 0 && !trustedRoot) {
    throw new InputError(
      `Missing required config value at '${base}.trustedRoot': keyless identities need the trusted root of their Fulcio and Rekor`,
    );
  }
  if (keys.length === 0 && identities.length === 0) {
    throw new InputError(
      `Missing required config value at '${base}.keys': trust at least one key or keyless identity (${base}.identities)`,
    );
  }

  const hosts = new Set<string>();
  const registries = (config.getOptionalConfigArray('registries') ?? []).map(
    (registry, index) => {
      const at = `${base}.registries[${index}]`;
      const host = readNonEmpty(registry, 'host', at).toLowerCase();
      if (!HOST.test(host)) {
        throw new InputError(
          `Invalid config value at '${at}.host': '${host}' is not a registry host name`,
        );
      }
      if (hosts.has(host)) {
        throw new InputError(
          `Invalid config value at '${at}.host': '${host}' is configured twice`,
        );
      }
      hosts.add(host);
      const url = registry.has('url')
        ? readUrl(registry, 'url', at).replace(/\/+$/, '')
        : `https://${host}`;
      return { host, url, credentials: readCredentials(registry, host, at) };
    },
  );

  const rungs: Record<string, SignatureRequirement> = {};
  const rungsConfig = config.getOptionalConfig('rungs');
  for (const name of rungsConfig?.keys() ?? []) {
    const at = `${base}.rungs.${name}`;
    if (!rungNames.includes(name)) {
      throw new InputError(
        `Invalid config value at '${at}': '${name}' is not a rung of the ladder (rungs: ${rungNames.join(
          ', ',
        )})`,
      );
    }
    const value = rungsConfig!.getOptional(name);
    if (!REQUIREMENTS.includes(value as SignatureRequirement)) {
      throw new InputError(
        `Invalid config value at '${at}': must be one of ${REQUIREMENTS.join(
          ', ',
        )}`,
      );
    }
    rungs[name] = value as SignatureRequirement;
  }

  return {
    keys,
    identities,
    trustedRoot,
    registries,
    rungs,
    verifiedForMs: readPositiveDuration(
      config,
      'verifiedFor',
      `${base}.verifiedFor`,
      24 * 3600_000,
    ),
    retryAfterMs: readPositiveDuration(
      config,
      'retryAfter',
      `${base}.retryAfter`,
      60_000,
    ),
    timeoutMs: readPositiveDuration(
      config,
      'timeout',
      `${base}.timeout`,
      5_000,
    ),
  };
}

function readName(config: Config, at: string): string {
  const name = readNonEmpty(config, 'name', at);
  if (!NAME.test(name)) {
    throw new InputError(
      `Invalid config value at '${at}.name': letters, digits, dots, dashes and underscores only`,
    );
  }
  return name;
}

function readNonEmpty(config: Config, key: string, at: string): string {
  let value: string | undefined;
  try {
    value = config.getOptionalString(key);
  } catch {
    throw new InputError(
      `Invalid config value at '${at}.${key}': must be a string`,
    );
  }
  if (!value || !value.trim()) {
    throw new InputError(`Missing required config value at '${at}.${key}'`);
  }
  return value.trim();
}

function readUrl(config: Config, key: string, at: string): string {
  const value = readNonEmpty(config, key, at);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error();
  } catch {
    throw new InputError(
      `Invalid config value at '${at}.${key}': '${value}' is not an http(s) URL`,
    );
  }
  return value;
}

/** Inline content (e.g. from `$file:`), or a path to read. */
function readFileOrInline(config: Config, key: string, at: string): string {
  const value = readNonEmpty(config, key, at.slice(0, at.lastIndexOf('.')));
  if (value.startsWith('{') || value.startsWith('-----BEGIN')) return value;
  try {
    return fs.readFileSync(path.resolve(value), 'utf8');
  } catch {
    throw new InputError(
      `Invalid config value at '${at}': cannot read the file ${path.resolve(
        value,
      )}`,
    );
  }
}

function readCredentials(
  registry: Config,
  host: string,
  at: string,
): RegistryConfig['credentials'] {
  const username = registry.getOptionalString('username');
  const password = registry.getOptionalString('password');
  const token = registry.getOptionalString('token');
  if (token) return { token };
  if (username || password) {
    if (!username || !password) {
      throw new InputError(
        `Invalid config value at '${at}': username and password go together`,
      );
    }
    return { username, password };
  }
  if (!registry.has('dockerConfig')) return undefined;
  const text = readFileOrInline(registry, 'dockerConfig', `${at}.dockerConfig`);
  let auths: Record<string, { auth?: string; identitytoken?: string }>;
  try {
    auths = JSON.parse(text).auths ?? {};
  } catch {
    throw new InputError(
      `Invalid config value at '${at}.dockerConfig': not a Docker config JSON`,
    );
  }
  const entry =
    auths[host] ?? auths[`https://${host}`] ?? auths[`https://${host}/v1/`];
  if (!entry) {
    throw new InputError(
      `Invalid config value at '${at}.dockerConfig': it has no credentials for ${host} under 'auths'`,
    );
  }
  if (entry.identitytoken) return { token: entry.identitytoken };
  const decoded = Buffer.from(entry.auth ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new InputError(
      `Invalid config value at '${at}.dockerConfig': the credentials for ${host} are not 'user:password' in base64`,
    );
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}
