/*
 * Processes and waiting for the benchmark: every child runs in its own process
 * group so that stopping it stops what it started; waits are bounded and fail
 * at once (with the log's tail) when the process they wait for has exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export const children = new Set<ChildProcess>();

export function log(message: string) {
  // eslint-disable-next-line no-console
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export const sleep = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms));

/**
 * The last `lines` lines of a log file, for an error message that says why at
 * once: colours stripped, and without the bench's own readiness polls.
 */
export function tail(file: string, lines = 40): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter(
        line =>
          line.trim() !== '' &&
          !line.includes('/.backstage/health/v1/readiness'),
      )
      .slice(-lines)
      .join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Stops a process group the benchmark started: SIGTERM, then SIGKILL after a grace period. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000) {
  if (
    child.pid === undefined ||
    child.exitCode !== null ||
    child.signalCode !== null
  ) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = new Promise<'timeout'>(resolve =>
    setTimeout(() => resolve('timeout'), graceMs).unref(),
  );
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signal('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
  children.delete(child);
}

/** Last resort on exit: synchronous SIGKILL to every group still running. */
export function killAllSync() {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Runs a command in its own process group, output to a log file; bounded by a timeout. */
export async function runCommand(
  command: string,
  args: string[],
  options: {
    cwd: string;
    logFile: string;
    timeoutMs: number;
    env?: NodeJS.ProcessEnv;
  },
): Promise<{ code: number | null; output: string; ms: number }> {
  const start = performance.now();
  const out = fs.openSync(options.logFile, 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  children.add(child);
  fs.closeSync(out);
  const timeout = setTimeout(() => {
    log(
      `${command} ${args.join(' ')}: no end after ${
        options.timeoutMs / 1000
      } s, stopping it`,
    );
    void stopGroup(child);
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', c => resolve(c));
  });
  clearTimeout(timeout);
  children.delete(child);
  return {
    code,
    output: fs.readFileSync(options.logFile, 'utf8'),
    ms: performance.now() - start,
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The wanted port when it is free, else one the kernel picks. */
export async function pickPort(wanted: number, what: string): Promise<number> {
  if (wanted > 0 && (await portIsFree(wanted))) {
    return wanted;
  }
  const port = await freePort();
  log(`${what}: port ${wanted} is taken, using ${port}`);
  return port;
}

/**
 * Polls until `check` returns a value, at most `timeoutMs`. `dead` is asked
 * first on every round: when it says the process being waited for is gone,
 * the wait ends at once with its reason instead of running out the clock.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  dead?: () => string | undefined,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = dead?.();
    if (reason) {
      throw new Error(`${what}: ${reason}`);
    }
    const value = await check().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    await sleep(intervalMs);
  }
  const reason = dead?.();
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${reason ? ` (${reason})` : ''}`,
  );
}
