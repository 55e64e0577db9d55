/*
 * What the full run measures besides the backend: the Environments tab's lazy
 * chunk (after an app build) and GitHub calls per promotion (from the GitOps
 * repository test). `--quick` skips both: they need no backend and take minutes.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from '../lib/backend';
import type { Options } from '../lib/options';
import { log, runCommand } from '../lib/processes';

const APP_DIST = path.join(ROOT, 'packages/app/dist');
/** A string only the Environments tab's component code holds (EnvironmentsContent.tsx). */
const TAB_MARKER = 'broken ladder rule';

export interface ChunkResult {
  marker: string;
  files: Array<{
    file: string;
    bytes: number;
    gzipBytes: number;
    inIndexHtml: boolean;
  }>;
  gzipBytes: number;
  /**
   * Every chunk the tab's lazy loader fetches together with the tab's own chunk
   * (webpack's `Promise.all([r.e("A"), r.e("B")])`): what opening the tab can cost
   * at most, when none of them was loaded before.
   */
  loader: Array<{ file: string; bytes: number; gzipBytes: number }>;
  loaderGzipBytes: number;
  built: boolean;
  buildMs?: number;
  error?: string;
}

/** Builds the app (unless told not to) and gzips the chunk(s) holding the tab's code. */
export async function measureChunk(options: Options): Promise<ChunkResult> {
  const result: ChunkResult = {
    marker: TAB_MARKER,
    files: [],
    gzipBytes: 0,
    loader: [],
    loaderGzipBytes: 0,
    built: false,
  };
  if (!options.skipBuild) {
    log('building the app (yarn workspace app build) ...');
    const build = await runCommand('yarn', ['workspace', 'app', 'build'], {
      cwd: ROOT,
      logFile: path.join(options.outDir, 'app-build.log'),
      timeoutMs: 15 * 60_000,
    });
    result.buildMs = Math.round(build.ms);
    if (build.code !== 0) {
      result.error = `app build failed (exit ${
        build.code
      }); see ${path.relative(
        ROOT,
        path.join(options.outDir, 'app-build.log'),
      )}`;
      return result;
    }
    result.built = true;
    log(`app built in ${(build.ms / 1000).toFixed(0)} s`);
  }
  const staticDir = path.join(APP_DIST, 'static');
  if (!fs.existsSync(staticDir)) {
    result.error = `no ${path.relative(
      ROOT,
      staticDir,
    )}: run without --skip-build`;
    return result;
  }
  const indexHtml = fs.existsSync(path.join(APP_DIST, 'index.html'))
    ? fs.readFileSync(path.join(APP_DIST, 'index.html'), 'utf8')
    : '';
  const jsFiles = fs
    .readdirSync(staticDir)
    .filter(f => f.endsWith('.js'))
    .sort();
  for (const file of jsFiles) {
    const content = fs.readFileSync(path.join(staticDir, file));
    if (content.includes(TAB_MARKER)) {
      const gzipBytes = zlib.gzipSync(content).length;
      result.files.push({
        file: `packages/app/dist/static/${file}`,
        bytes: content.length,
        gzipBytes,
        // A chunk the page loads up front is not lazy: say so.
        inIndexHtml: indexHtml.includes(file),
      });
      result.gzipBytes += gzipBytes;
    }
  }
  if (result.files.length === 0) {
    result.error = `no chunk in ${path.relative(
      ROOT,
      staticDir,
    )} holds '${TAB_MARKER}'`;
    return result;
  }

  // The chunk ids (`86.0609a283a4fe.chunk.js` is chunk "86") the tab's loader fetches.
  const chunkId = (file: string) => path.basename(file).split('.')[0];
  const tabIds = new Set(result.files.map(f => chunkId(f.file)));
  const loaderIds = new Set(tabIds);
  for (const file of jsFiles) {
    const text = fs.readFileSync(path.join(staticDir, file), 'utf8');
    for (const match of text.matchAll(
      /Promise\.all\(\[((?:\w+\.e\("[^"]+"\),?)+)\]\)/g,
    )) {
      const ids = [...match[1].matchAll(/\.e\("([^"]+)"\)/g)].map(m => m[1]);
      if (ids.some(id => tabIds.has(id))) {
        ids.forEach(id => loaderIds.add(id));
      }
    }
  }
  for (const id of [...loaderIds].sort()) {
    const file = jsFiles.find(f => f.startsWith(`${id}.`));
    if (file) {
      const content = fs.readFileSync(path.join(staticDir, file));
      const gzipBytes = zlib.gzipSync(content).length;
      result.loader.push({
        file: `packages/app/dist/static/${file}`,
        bytes: content.length,
        gzipBytes,
      });
      result.loaderGzipBytes += gzipBytes;
    }
  }
  return result;
}

export interface GithubResult {
  callsPerPromotion: number | null;
  line?: string;
  testPassed: boolean;
  error?: string;
}

/** Runs the GitOps repository test and reads its `github calls per promotion: N` line. */
export async function measureGithub(options: Options): Promise<GithubResult> {
  log('GitHub calls per promotion: running the GitOps repository test ...');
  const test = await runCommand(
    'yarn',
    ['test', 'src/services/GitOpsRepository'],
    {
      cwd: path.join(ROOT, 'plugins/environment-ladder-backend'),
      logFile: path.join(options.outDir, 'github-test.log'),
      timeoutMs: 5 * 60_000,
      env: { ...process.env, CI: 'true' },
    },
  );
  const match = /github calls per promotion: (\d+)([^\n]*)/.exec(test.output);
  return {
    callsPerPromotion: match ? Number(match[1]) : null,
    line: match ? match[0].trim() : undefined,
    testPassed: test.code === 0,
    ...(match
      ? {}
      : { error: 'the test printed no "github calls per promotion" line' }),
  };
}
