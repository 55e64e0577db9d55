import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { generateDemoContent } from './demoContent';
import { RegistryContent } from './RegistryContent';
import { applySwitches, startFixtureRegistry } from './startFixtureRegistry';

// This package runs from its sources (bin/fixture-registry), never from a
// build, so __dirname is src/ and the examples are three levels up.
const DEFAULT_DIR = path.resolve(
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../examples/registry',
);

const USAGE = `Usage: fixture-registry [--dir <dir>] [--port <n>]
       fixture-registry generate [--dir <dir>]

Serves <dir>/content.json (manifests, cosign signatures, Sigstore bundles) over the
read-only OCI distribution API on 127.0.0.1, as <dir>/registry.yaml says.
'generate' signs the demo digests anew: the demo keys in <dir>/keys (created when
missing), keyless bundles from a mocked Fulcio and Rekor, and writes content.json
and trusted-root.json. Demo and test infrastructure: not for production.

  --dir <dir>     registry folder (default ${
    path.relative(process.cwd(), DEFAULT_DIR) || DEFAULT_DIR
  })
  --port <n>      port (default: registry.yaml's, else 7120)
  --help          show this text
`;

/** Parses the command line; throws with a message for bad arguments. */
export function parseArgs(argv: string[]) {
  const args = {
    command: 'serve' as 'serve' | 'generate',
    dir: DEFAULT_DIR,
    port: undefined as number | undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === 'generate' && i === 0) args.command = 'generate';
    else if (arg === '--dir') args.dir = path.resolve(value());
    else if (arg === '--port') {
      const port = value();
      if (!/^\d{1,5}$/.test(port)) {
        throw new Error(`--port must be a port number, got '${port}'`);
      }
      args.port = Number(port);
    } else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new Error(`Unknown argument ${arg}`);
  }
  return args;
}

function readKey(dir: string, name: string): crypto.KeyObject {
  const file = path.join(dir, 'keys', `${name}.key.pem`);
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
      namedCurve: 'P-256',
    });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    fs.writeFileSync(
      path.join(dir, 'keys', `${name}.pub.pem`),
      publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    );
  }
  return crypto.createPrivateKey(fs.readFileSync(file));
}

/** Runs the command line; resolves once the registry listens (or the files are written). */
export async function main(argv: string[]) {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.command === 'generate') {
    const { content, trustedRoot } = await generateDemoContent({
      trusted: readKey(args.dir, 'ci-2026'),
      untrusted: readKey(args.dir, 'ci-2024'),
    });
    fs.writeFileSync(
      path.join(args.dir, 'content.json'),
      `${JSON.stringify(content.toJSON(), null, 1)}\n`,
    );
    fs.writeFileSync(
      path.join(args.dir, 'trusted-root.json'),
      `${JSON.stringify(trustedRoot, null, 2)}\n`,
    );
    process.stdout.write(
      `fixture-registry: wrote ${args.dir}/content.json and trusted-root.json\n`,
    );
    return;
  }
  const settingsFile = path.join(args.dir, 'registry.yaml');
  const settings = fs.existsSync(settingsFile)
    ? YAML.parse(fs.readFileSync(settingsFile, 'utf8')) ?? {}
    : {};
  const switches = { fault: 'none' as const, rateLimited: [] as string[] };
  applySwitches(switches, {
    ...(settings.fault !== undefined ? { fault: settings.fault } : {}),
    ...(settings.rateLimited !== undefined
      ? { rateLimited: settings.rateLimited }
      : {}),
  });
  const content = RegistryContent.fromJSON(
    JSON.parse(fs.readFileSync(path.join(args.dir, 'content.json'), 'utf8')),
  );
  const running = await startFixtureRegistry({
    content,
    port: args.port ?? settings.port ?? 7120,
    switches,
  });
  process.stdout.write(
    `fixture-registry: demo and test infrastructure, serving ${
      args.dir
    }/content.json on ${running.url}${
      switches.rateLimited.length
        ? ` (rate-limited: ${switches.rateLimited.join(', ')})`
        : ''
    }\n`,
  );
}

/** Entry point of bin/fixture-registry. */
export function run() {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(`fixture-registry: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
