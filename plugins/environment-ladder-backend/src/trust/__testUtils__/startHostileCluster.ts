import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A raw answer a hostile cluster gives instead of a Kubernetes list. */
export interface HostileAnswer {
  status: number;
  contentType?: string;
  body: string;
}

/**
 * A cluster that answers some entities' reads with what no API server should send
 * (not a list, not JSON, `null`), chosen by the request's label selector
 * (`backstage.io/kubernetes-id=<id>`), and passes every other request unchanged to a
 * fixture cluster behind it, whose faults and latency therefore still apply.
 */
export async function startHostileCluster(options: {
  upstream: string;
  /** A raw answer, or one made from the request's headers (e.g. echoing its token). */
  answers: Record<
    string,
    HostileAnswer | ((headers: http.IncomingHttpHeaders) => HostileAnswer)
  >;
}) {
  const upstream = new URL(options.upstream);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cluster');
    const selector = url.searchParams.get('labelSelector') ?? '';
    const id = /backstage\.io\/kubernetes-id=([^,]+)/.exec(selector)?.[1];
    const given = id ? options.answers[id] : undefined;
    const answer = typeof given === 'function' ? given(req.headers) : given;
    if (answer) {
      seen.push(`${url.pathname} ${selector}`);
      res.writeHead(answer.status, {
        'content-type': answer.contentType ?? 'application/json',
      });
      res.end(answer.body);
      return;
    }
    const outgoing = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      incoming => {
        res.writeHead(incoming.statusCode ?? 502, incoming.headers);
        incoming.pipe(res);
      },
    );
    outgoing.on('error', () => res.destroy());
    req.pipe(outgoing);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The hostile answers given, as `path selector`. */
    seen: () => [...seen],
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
