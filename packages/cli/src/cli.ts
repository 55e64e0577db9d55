import fs from 'node:fs';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';
import {
  createLadderService,
  readLadderConfig,
} from '@environment-ladder/plugin-environment-ladder-backend';
import {
  type ClusterObjects,
  createFileClusterReader,
  isClusterScoped,
  objectName,
  toRungObjects,
} from './clusterObjects';
import { EXIT_INPUT, InspectError, UsageError } from './errors';
import { inspectObjects } from './inspectObjects';
import { loadConfigFiles } from './loadConfigFiles';
import { loadObjects, type InputPath } from './loadObjects';
import { readEntity } from './readEntity';
import { resolveExisting, type PathContext } from './resolvePath';

const COMMAND = 'environment-ladder inspect';

export const USAGE = `Usage: environment-ladder inspect [options] PATH...

Runs the ladder engine on Kubernetes objects in files, e.g. a
\`kubectl get -o yaml\` dump: YAML (several documents allowed) or JSON,
\`kind: List\` expanded, folders read recursively (.yaml, .yml, .json).
All objects given together are one cluster. Prints JSON on stdout.

Without --config: {"rollouts", "workloads", "ingresses", "previews"} as the
domain reads them (previews found without config: from ApplicationSets, the
default annotations and names).
With --config and --entity: the entity's ladder exactly as the API returns it,
every cluster of every rung serving the objects (filtered by the rung's
namespaces and the entity's label selector).

Options:
  --config FILE           app-config file with environmentLadder (repeatable;
                          later files override earlier ones)
  --entity REF|FILE[#REF] the entity: a reference ([kind:][namespace/]name,
                          annotated backstage.io/kubernetes-id=<name>) or a
                          catalog file (pick one of several with #name)
  --cluster NAME=PATH     with --config: objects of cluster NAME only
                          (repeatable); clusters without their own get PATH...
  --now ISO-8601          with --config: the time of the ladder (default: now)
  -h, --help              show this text

Exit codes: 0 printed, 1 bad input file or config, 2 bad command line.
`;

/** What the command writes to and where it runs. */
export interface CliIo extends PathContext {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

interface InspectArgs {
  paths: string[];
  configs: string[];
  entity?: string;
  clusters: Array<{ name: string; path: string }>;
  now?: Date;
  help: boolean;
}

function parseArgs(argv: string[]): InspectArgs {
  const args: InspectArgs = {
    paths: [],
    configs: [],
    clusters: [],
    help: false,
  };
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!options || arg === '-' || !arg.startsWith('-')) {
      args.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      options = false;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const inline = equals > 0 ? arg.slice(equals + 1) : undefined;
    const value = () => {
      if (inline !== undefined) {
        return inline;
      }
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`${flag} needs a value`);
      }
      i++;
      return next;
    };
    if (inline !== undefined && inline === '') {
      throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--config':
        args.configs.push(value());
        break;
      case '--entity':
        if (args.entity !== undefined) {
          throw new UsageError('--entity can be given once');
        }
        args.entity = value();
        break;
      case '--cluster': {
        const text = value();
        const at = text.indexOf('=');
        if (at <= 0 || at === text.length - 1) {
          throw new UsageError(
            `--cluster ${text}: expected NAME=PATH, e.g. --cluster prod=dumps/prod`,
          );
        }
        args.clusters.push({
          name: text.slice(0, at),
          path: text.slice(at + 1),
        });
        break;
      }
      case '--now': {
        const text = value();
        const time = Date.parse(text);
        if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) {
          throw new UsageError(
            `--now ${text}: expected an ISO 8601 time, e.g. 2025-06-02T12:00:00Z`,
          );
        }
        args.now = new Date(time);
        break;
      }
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (args.help) {
    return args;
  }
  if (args.paths.length === 0 && args.clusters.length === 0) {
    throw new UsageError(
      'no PATH given: name files or folders of Kubernetes objects',
    );
  }
  if (args.configs.length > 0 && args.entity === undefined) {
    throw new UsageError(
      '--config needs --entity: whose ladder should be built?',
    );
  }
  if (args.entity !== undefined && args.configs.length === 0) {
    throw new UsageError(
      '--entity needs --config: the ladder is read from its environmentLadder',
    );
  }
  for (const [option, given] of [
    ['--cluster', args.clusters.length > 0],
    ['--now', args.now !== undefined],
  ] as const) {
    if (given && args.configs.length === 0) {
      throw new UsageError(`${option} only applies with --config and --entity`);
    }
  }
  return args;
}

/** Writes warnings and errors to stderr; stdout carries the JSON only. */
function stderrLogger(stderr: CliIo['stderr']): LoggerService {
  const write = (level: string) => (message: string, meta?: unknown) => {
    let details = '';
    if (meta instanceof Error) {
      details = ` ${meta.message}`;
    } else if (meta && typeof meta === 'object') {
      details = ` ${Object.entries(meta)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(' ')}`;
    }
    stderr.write(`${COMMAND}: ${level}: ${message}${details}\n`);
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warning'),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** Reads files as one cluster's objects; warns of objects that a first one of the same name hides. */
function readCluster(inputs: InputPath[], io: CliIo): ClusterObjects {
  const objects = loadObjects(inputs);
  return toRungObjects(
    objects.map(o => o.object),
    ({ index, firstIndex }) => {
      const { object, source } = objects[index];
      io.stderr.write(
        `${COMMAND}: warning: ignoring ${object.kind} ${objectName(
          object,
        )} of ${source}: ${objects[firstIndex].source} has the same ${
          isClusterScoped(object) ? 'kind and name' : 'kind, namespace and name'
        }\n`,
      );
    },
  );
}

function resolveInputs(paths: string[], what: string, io: CliIo): InputPath[] {
  return paths.map(given => ({
    given,
    resolved: resolveExisting(given, what, io),
  }));
}

async function inspect(args: InspectArgs, io: CliIo): Promise<unknown> {
  const shared = resolveInputs(args.paths, 'PATH ', io);
  const clusterPaths = args.clusters.map(({ name, path }) => ({
    name,
    input: resolveInputs([path], `--cluster ${name}=`, io)[0],
  }));
  const configFiles = resolveInputs(args.configs, '--config ', io);
  for (const file of configFiles) {
    if (!fs.statSync(file.resolved).isFile()) {
      throw new UsageError(`--config ${file.given}: is a folder, not a file`);
    }
  }

  if (configFiles.length === 0) {
    return inspectObjects(readCluster(shared, io));
  }

  let ladderConfig;
  try {
    ladderConfig = readLadderConfig(loadConfigFiles(configFiles, io.env));
  } catch (error) {
    if (error instanceof InspectError) throw error;
    throw new InspectError(
      `${configFiles.map(f => f.given).join(', ')}: ${
        (error as Error).message
      }`,
    );
  }
  const rungClusters = new Set(ladderConfig.rungs.flatMap(r => r.clusters));
  const byCluster = new Map<string, RungObjects>();
  for (const name of new Set(clusterPaths.map(c => c.name))) {
    if (!rungClusters.has(name)) {
      throw new UsageError(
        `--cluster ${name}=…: no rung reads a cluster named '${name}' (rungs read: ${
          [...rungClusters].join(', ') || 'none'
        })`,
      );
    }
    byCluster.set(
      name,
      readCluster(
        clusterPaths.filter(c => c.name === name).map(c => c.input),
        io,
      ),
    );
  }
  const entity = readEntity(args.entity!, io);
  const now = args.now;
  const service = createLadderService({
    config: ladderConfig,
    clusterReader: createFileClusterReader({
      shared: shared.length > 0 ? readCluster(shared, io) : undefined,
      byCluster,
    }),
    logger: stderrLogger(io.stderr),
    now: now ? () => now : undefined,
  });
  return service.getLadder(entity);
}

/**
 * Runs `environment-ladder <command> ...` and resolves to the exit code:
 * 0 when the JSON was printed, 1 for a bad input file or config, 2 for a bad
 * command line. Nothing reaches stdout unless the command succeeds.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command !== 'inspect') {
      throw new UsageError(
        command === undefined
          ? 'no command given'
          : `unknown command ${command}`,
      );
    }
    const args = parseArgs(rest);
    if (args.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const result = await inspect(args, io);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `${COMMAND}: ${error.message}\nRun 'environment-ladder inspect --help' for usage.\n`,
      );
      return error.exitCode;
    }
    if (error instanceof InspectError) {
      io.stderr.write(`${COMMAND}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `${COMMAND}: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return EXIT_INPUT;
  }
}

/** Entry point of `bin/environment-ladder`. */
export function run(): void {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  }).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(`${COMMAND}: ${String(error)}\n`);
      process.exitCode = EXIT_INPUT;
    },
  );
}
