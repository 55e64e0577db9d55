/*
 * Loopback HTTP for the benchmark: one request with its time, and a small
 * closed-loop load generator (N keep-alive connections, each sending its next
 * request when the previous answer has been read, for a fixed duration).
 * Node's own `http` only: no dependency.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  status: number;
  body: string;
  /** From sending the request to the last byte of the answer, in milliseconds. */
  ms: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: http.Agent | false;
  /** Gives up (rejects) after this many milliseconds. */
  timeoutMs?: number;
}

/** Sends one request and reads the whole answer. Only `http:` URLs (loopback). */
export function request(
  url: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const {
    method = 'GET',
    headers = {},
    body,
    agent,
    timeoutMs = 60_000,
  } = options;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(body)) }
            : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - start,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(
        new Error(`${method} ${url}: no answer within ${timeoutMs} ms`),
      ),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface LoadResult {
  connections: number;
  durationMs: number;
  requests: number;
  /** Answers other than 2xx, and requests that failed. */
  errors: number;
  /** 2xx answers that `incomplete` flags (e.g. a ladder with a rung that could not be read). */
  incomplete: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Closed-loop load: `connections` keep-alive connections, each sending its
 * next request as soon as the previous answer is read, until `durationMs` has
 * passed. Latency of every answer; requests per second over the whole run.
 */
export async function load(options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationMs: number;
  incomplete?: (body: string) => boolean;
}): Promise<LoadResult> {
  const {
    url,
    headers,
    connections,
    durationMs,
    incomplete: isIncomplete,
  } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let incomplete = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  async function connection() {
    while (performance.now() < deadline) {
      try {
        const answer = await request(url, {
          headers,
          agent,
          timeoutMs: 30_000,
        });
        latencies.push(answer.ms);
        if (answer.status < 200 || answer.status >= 300) {
          errors += 1;
        } else if (isIncomplete?.(answer.body)) {
          incomplete += 1;
        }
      } catch {
        errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, connection));
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    connections,
    durationMs: Math.round(elapsed),
    requests: latencies.length,
    errors,
    incomplete,
    rps: (latencies.length / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
  };
}
