/*
 * A Backstage signals subscriber in Node, as the frontend's SignalClient is:
 * a WebSocket to /api/signals with the user's token as its protocol, then
 * `{"action":"subscribe","channel":...}`; messages arrive as
 * `{"channel":...,"message":...}`. Node 22's global WebSocket: no dependency.
 */

export interface SignalSubscription {
  /** Resolves with the time (performance.now()) of the next message on the channel. */
  next(timeoutMs: number): Promise<number | undefined>;
  /** Messages received so far. */
  readonly received: number;
  close(): void;
}

export async function subscribe(
  base: string,
  token: string,
  channel: string,
): Promise<SignalSubscription> {
  const url = `${base.replace(/^http/, 'ws')}/api/signals`;
  const ws = new WebSocket(url, token);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener(
      'error',
      () => reject(new Error(`could not open ${url} (signals)`)),
      { once: true },
    );
  });
  ws.send(JSON.stringify({ action: 'subscribe', channel }));
  let received = 0;
  let waiting: ((at: number) => void) | undefined;
  ws.addEventListener('message', event => {
    try {
      const data = JSON.parse(String(event.data));
      if (data.channel !== channel) return;
    } catch {
      return;
    }
    received += 1;
    const at = performance.now();
    waiting?.(at);
    waiting = undefined;
  });
  return {
    get received() {
      return received;
    },
    next(timeoutMs) {
      return new Promise(resolve => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve(undefined);
        }, timeoutMs);
        waiting = at => {
          clearTimeout(timer);
          resolve(at);
        };
      });
    },
    close() {
      ws.close();
    },
  };
}
