import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can be cut and restored: cut closes its port
 * (new connections are refused) and drops every open connection, as when the database
 * goes away under a running backend; restore listens on the same port again.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let up = true;

  return {
    host: '127.0.0.1',
    port,
    isUp: () => up,
    /** The database becomes unreachable: port closed, open connections dropped. */
    async cut() {
      if (!up) return;
      up = false;
      const closed = new Promise<void>(resolve =>
        server.close(() => resolve()),
      );
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    /** The database is back, on the same port. */
    async restore() {
      if (up) return;
      await listen(port);
      up = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (up) await new Promise<void>(resolve => server.close(() => resolve()));
      up = false;
    },
  };
}

/** A running TCP proxy. */
export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
