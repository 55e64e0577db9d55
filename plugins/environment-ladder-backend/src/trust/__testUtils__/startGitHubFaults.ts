import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a faulty GitHub does with a request that matches a rule. */
export type GitHubFaultAnswer =
  /** Answers this instead of GitHub, which never sees the request. */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** GitHub does the work, but its answer is lost: the caller gets this instead. */
  | { afterForwarding: { status: number; body?: unknown } }
  /** The connection is reset before GitHub sees the request. */
  | 'reset'
  /** Held until released or dropped: a GitHub that stopped answering mid-promotion. */
  | 'hold'
  /** Answers from the request's headers, e.g. an error that echoes the credentials. */
  | {
      respond: (headers: http.IncomingHttpHeaders) => {
        status: number;
        body?: unknown;
      };
    };

/** A fault for requests whose method and API path (without `/api/v3` and query) match. */
export interface GitHubFaultRule {
  method: string;
  path: RegExp;
  answer: GitHubFaultAnswer;
  /** How many matching requests get the fault; all of them when absent. */
  times?: number;
}

/** A request the proxy saw, and whether a fault answered it. */
export interface GitHubProxyLogEntry {
  method: string;
  path: string;
  faulted: boolean;
}

/**
 * A fault-injecting HTTP proxy in front of the GitHub stand-in: the backend's GitHub
 * integration points here, and each rule turns matching requests into an error status,
 * a rate limit, a lost answer, a reset or a hang, while the stand-in keeps the truth
 * (branches and pull requests) that the tests compare with the ledger.
 */
export async function startGitHubFaults(options: { upstream: string }) {
  const upstream = new URL(options.upstream);
  let rules: Array<GitHubFaultRule & { used: number }> = [];
  const log: GitHubProxyLogEntry[] = [];
  const held: Array<{
    req: http.IncomingMessage;
    res: http.ServerResponse;
    body: Buffer;
  }> = [];
  let onHold: (() => void) | undefined;

  const apiPath = (url: string) =>
    url.replace(/\?.*$/, '').replace(/^\/api\/v3(?=\/)/, '');

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
    respond: (
      status: number,
      headers: http.IncomingHttpHeaders,
      data: Buffer,
    ) => void,
    fail: (error: Error) => void,
  ) {
    const outgoing = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      incoming => {
        const chunks: Buffer[] = [];
        incoming.on('data', chunk => chunks.push(chunk));
        incoming.on('end', () =>
          respond(
            incoming.statusCode ?? 502,
            incoming.headers,
            Buffer.concat(chunks),
          ),
        );
        incoming.on('error', fail);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = apiPath(req.url ?? '');
      const rule = rules.find(
        candidate =>
          candidate.method === req.method &&
          candidate.path.test(path) &&
          (candidate.times === undefined || candidate.used < candidate.times),
      );
      log.push({ method: req.method ?? '', path, faulted: Boolean(rule) });
      const sendJson = (
        status: number,
        headers: Record<string, string>,
        data: unknown,
      ) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
        });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      if (!rule) {
        forward(
          req,
          body,
          (status, headers, data) => {
            res.writeHead(status, headers);
            res.end(data);
          },
          () => res.destroy(),
        );
        return;
      }
      rule.used++;
      const answer = rule.answer;
      if (answer === 'reset') {
        req.socket.destroy();
      } else if (answer === 'hold') {
        held.push({ req, res, body });
        onHold?.();
      } else if ('respond' in answer) {
        const { status, body: data } = answer.respond(req.headers);
        sendJson(status, {}, data);
      } else if ('afterForwarding' in answer) {
        forward(
          req,
          body,
          () =>
            sendJson(
              answer.afterForwarding.status,
              {},
              answer.afterForwarding.body,
            ),
          () => res.destroy(),
        );
      } else {
        sendJson(answer.status, answer.headers ?? {}, answer.body);
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;

  return {
    host,
    url: `http://${host}`,
    apiBaseUrl: `http://${host}/api/v3`,
    repositoryUrl: (fullName: string) => `http://${host}/${fullName}`,
    /** Replaces the rules; requests that match none go to the stand-in unchanged. */
    setFaults(next: GitHubFaultRule[]) {
      rules = next.map(rule => ({ ...rule, used: 0 }));
    },
    clearFaults() {
      rules = [];
    },
    log: () => [...log],
    clearLog() {
      log.length = 0;
    },
    /** Resolves once a request is held by a `hold` rule. */
    whenHeld(): Promise<void> {
      if (held.length) return Promise.resolve();
      return new Promise(resolve => {
        onHold = () => {
          onHold = undefined;
          resolve();
        };
      });
    },
    /** Lets every held request go on to the stand-in, as a GitHub that was only slow. */
    releaseHeld() {
      for (const { req, res, body } of held.splice(0)) {
        forward(
          req,
          body,
          (status, headers, data) => {
            res.writeHead(status, headers);
            res.end(data);
          },
          () => res.destroy(),
        );
      }
    },
    /** Ends every held request: its connection is dropped, as by a GitHub that went away. */
    dropHeld() {
      for (const { req } of held.splice(0)) req.socket.destroy();
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const { req } of held.splice(0)) req.socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A running fault proxy. */
export type GitHubFaults = Awaited<ReturnType<typeof startGitHubFaults>>;
