import fs from 'fs';
import path from 'path';
import YAML from 'yaml';

/**
 * The browser test's own app-config files, each laid over the demo's
 * (app-config.yaml, app-config.demo-bundle.yaml), written under
 * node_modules/.cache/e2e by playwright.config.ts before the servers start.
 */
const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'node_modules/.cache/e2e');

/** The second demo backend, whose staging is frozen (the freeze test's). */
export const FROZEN_BACKEND = 'http://localhost:7008';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The freeze window the frozen backend puts on staging: since yesterday
 * (midnight UTC) for a week. Whole days, so that the config's every reading
 * (Playwright reads it in each process) gives the same window.
 */
export function browserTestFreeze(now = Date.now()) {
  const today = Math.floor(now / DAY) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
  return {
    reason: 'Release freeze (browser test)',
    from: iso(today - DAY),
    until: iso(today + 7 * DAY),
  };
}

function write(name: string, config: unknown): string {
  const file = path.join(DIR, name);
  const text = `# Written by e2e-tests/configs.ts; do not edit.\n${YAML.stringify(
    config,
  )}`;
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.writeFileSync(file, text);
  }
  return file;
}

/**
 * The demo backend of every test: the demo's own config, with a reconciler
 * that follows promotions every 2 seconds instead of 30, so that a merged pull
 * request reaches `verified` within the test's patience.
 */
export function writeDemoConfig(): string {
  return write('app-config.demo.yaml', {
    environmentLadder: { promotions: { reconcileEvery: { seconds: 2 } } },
  });
}

/**
 * A second demo backend on :7008, the same but for staging: frozen by
 * {@link browserTestFreeze}. The rungs are a list, which a later config file
 * replaces whole, so the demo's list is read and restated with the freeze.
 */
export function writeFrozenConfig(): string {
  const demo = YAML.parse(
    fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
  );
  const rungs = (
    demo.environmentLadder.rungs as Array<{ name: string; freezes?: unknown[] }>
  ).map(rung =>
    rung.name === 'staging'
      ? { ...rung, freezes: [...(rung.freezes ?? []), browserTestFreeze()] }
      : rung,
  );
  return write('app-config.frozen.yaml', {
    app: { baseUrl: FROZEN_BACKEND },
    backend: {
      baseUrl: FROZEN_BACKEND,
      listen: { port: 7008 },
      cors: { origin: FROZEN_BACKEND },
    },
    environmentLadder: { rungs },
  });
}
