import path from 'node:path';
import { FixtureGitHubServer } from './FixtureGitHubServer';
import {
  loadRepositories,
  NAME,
  type RepositorySeed,
} from './loadRepositories';
import type { FixtureGitHub, StartFixtureGitHubOptions } from './types';

/** The port the demo's app-config points at. */
export const DEFAULT_PORT = 7110;
/** The token the demo's app-config carries. */
export const DEFAULT_TOKEN = 'fixture-github-token';
/** The login the token belongs to. */
export const DEFAULT_USER = 'environment-ladder-bot';

function inlineSeeds(
  repositories: Record<string, Record<string, string>>,
): RepositorySeed[] {
  return Object.entries(repositories).map(([fullName, files]) => {
    const [owner, name, ...extra] = fullName.split('/');
    if (
      !owner ||
      !name ||
      extra.length ||
      !NAME.test(owner) ||
      !NAME.test(name)
    ) {
      throw new Error(`repositories: '${fullName}' is not an owner/repo name`);
    }
    const entries = Object.entries(files ?? {});
    if (!entries.length) {
      throw new Error(`repositories['${fullName}'] needs at least one file`);
    }
    for (const [file] of entries) {
      const parts = file.split('/');
      if (parts.some(part => part === '' || part === '.' || part === '..')) {
        throw new Error(
          `repositories['${fullName}']: '${file}' is not a relative file path`,
        );
      }
    }
    return {
      owner,
      name,
      files: new Map(
        entries.map(([file, text]) => [file, Buffer.from(text, 'utf8')]),
      ),
    };
  });
}

/**
 * Starts the fixture GitHub on 127.0.0.1: an in-memory stand-in for the GitHub REST
 * endpoints a GitOps promotion uses, seeded from a folder of repositories. All seeds are
 * read before the port opens, so a bad folder fails start-up before anything listens.
 *
 * Demo and test infrastructure: not GitHub, and not for production.
 */
export async function startFixtureGitHub(
  options: StartFixtureGitHubOptions = {},
): Promise<FixtureGitHub> {
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `port must be an integer from 0 to 65535 (0 picks a free port), got ${JSON.stringify(
        port,
      )}`,
    );
  }
  const token = options.token ?? DEFAULT_TOKEN;
  if (typeof token !== 'string' || !token || /\s/.test(token)) {
    throw new Error('token must be a non-empty string without spaces');
  }
  const user = options.user ?? DEFAULT_USER;
  const defaultBranch = options.defaultBranch ?? 'main';
  const seeds: RepositorySeed[] = [];
  if (options.repositoriesDir !== undefined) {
    seeds.push(...loadRepositories(path.resolve(options.repositoriesDir)));
  }
  if (options.repositories !== undefined) {
    seeds.push(...inlineSeeds(options.repositories));
  }
  if (!seeds.length) {
    throw new Error(
      options.repositoriesDir === undefined &&
      options.repositories === undefined
        ? 'Give repositoriesDir (a folder of <owner>/<repo>/ folders) or repositories'
        : `No repositories found in ${options.repositoriesDir}: expected <owner>/<repo>/ folders`,
    );
  }
  const names = new Set<string>();
  for (const seed of seeds) {
    const key = `${seed.owner}/${seed.name}`.toLowerCase();
    if (names.has(key)) {
      throw new Error(`Repository ${seed.owner}/${seed.name} is given twice`);
    }
    names.add(key);
  }

  const server = new FixtureGitHubServer({
    seeds,
    host: options.host ?? '127.0.0.1',
    port,
    token,
    user,
    defaultBranch,
    now: options.now ?? (() => new Date()),
  });
  await server.listen();
  const { web, api } = server.urls;
  const host = new URL(web).host;

  return {
    url: web,
    apiBaseUrl: api,
    host,
    port: server.port,
    integrationConfig: { host, apiBaseUrl: api, token },
    repositoryUrl: fullName => `${web}/${fullName}`,
    state: () => server.state(),
    reset: () => server.reset(),
    requests: () => server.requests(),
    clearRequests: () => server.clearRequests(),
    readFile: (fullName, file, ref) => server.readFile(fullName, file, ref),
    mergePull: (fullName, number, merge) =>
      server.mergePull(fullName, number, merge),
    closePull: (fullName, number) => server.closePull(fullName, number),
    approvePull: (fullName, number, approval) =>
      server.approvePull(fullName, number, approval),
    close: () => server.close(),
  };
}
